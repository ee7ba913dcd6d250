package lsa

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/embedclassify/embedclassify/internal/wordchar"
)

// FNV-1a 64-bit constants.
const (
	fnvOffset = 14695981039346656037
	fnvPrime  = 1099511628211
)

// termKeys appends to dst the hashed keys of the terms of text: its
// lower-cased word tokens (runs of two or more letters, digits or
// underscores, as scikit-learn's default token pattern) and, when bigrams is
// true, each pair of consecutive tokens. Terms are hashed to 64 bits rather
// than kept as strings: with a vocabulary of a few hundred thousand terms the
// chance of any collision is below one in a hundred million.
func termKeys(dst []uint64, text string, f features) []uint64 {
	var prev uint64
	havePrev := false
	h := uint64(fnvOffset)
	n := 0 // runes in the current token
	var word []rune
	emit := func() {
		if n >= 2 {
			dst = append(dst, h)
			if f.bigrams && havePrev {
				dst = append(dst, bigramKey(prev, h))
			}
			prev, havePrev = h, true
			if f.charMin > 0 {
				dst = charKeys(dst, word, f.charMin, f.charMax)
			}
		}
		h, n = fnvOffset, 0
		word = word[:0]
	}
	for i := 0; i < len(text); {
		r, size := rune(text[i]), 1
		if r >= utf8.RuneSelf {
			r, size = utf8.DecodeRuneInString(text[i:])
		}
		i += size
		if wordchar.Is(r) {
			r = unicode.ToLower(r)
			if f.charMin > 0 {
				word = append(word, r)
			}
			if r < utf8.RuneSelf {
				h = (h ^ uint64(r)) * fnvPrime
			} else {
				var buf [utf8.UTFMax]byte
				m := utf8.EncodeRune(buf[:], r)
				for _, b := range buf[:m] {
					h = (h ^ uint64(b)) * fnvPrime
				}
			}
			n++
			continue
		}
		emit()
	}
	emit()
	return dst
}

// features selects the kinds of terms termKeys produces.
type features struct {
	bigrams          bool
	charMin, charMax int // character n-gram lengths; 0: none
	title            int // extra times the first line's terms count
}

// textKeys appends to dst the term keys of text, its first line's repeated
// f.title more times.
func textKeys(dst []uint64, text string, f features) []uint64 {
	dst = termKeys(dst, text, f)
	if f.title > 0 {
		first, _, _ := strings.Cut(strings.TrimLeft(text, " \t\r\n"), "\n")
		n := len(dst)
		dst = termKeys(dst, first, f)
		k := len(dst) - n
		for i := 1; i < f.title; i++ {
			dst = append(dst, dst[n:n+k]...)
		}
	}
	return dst
}

// charKeys appends the keys of the character n-grams (charMin to charMax
// long) of word padded with a space on each side, as scikit-learn's
// analyzer="char_wb" makes them.
func charKeys(dst []uint64, word []rune, lo, hi int) []uint64 {
	padded := len(word) + 2
	at := func(i int) rune {
		if i == 0 || i == padded-1 {
			return ' '
		}
		return word[i-1]
	}
	for n := lo; n <= hi; n++ {
		if n > padded {
			break
		}
		for i := 0; i+n <= padded; i++ {
			h := uint64(fnvOffset) ^ 0x5bd1e995 ^ uint64(n) // separate from words
			for j := i; j < i+n; j++ {
				r := at(j)
				h = (h ^ uint64(r)) * fnvPrime
			}
			dst = append(dst, bigramKey(h, 0xc4a5))
		}
	}
	return dst
}

// bigramKey combines the keys of two consecutive tokens into the key of the
// bigram, distinct from any unigram's key with overwhelming probability.
func bigramKey(a, b uint64) uint64 {
	x := a*0x9E3779B97F4A7C15 ^ (b + 0x632BE59BD9B4E019 + a<<6 + a>>2)
	// splitmix64 finaliser for good mixing.
	x ^= x >> 30
	x *= 0xBF58476D1CE4E5B9
	x ^= x >> 27
	x *= 0x94D049BB133111EB
	x ^= x >> 31
	return x
}
