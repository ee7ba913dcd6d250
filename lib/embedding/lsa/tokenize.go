package lsa

import (
	"encoding/binary"
	"hash"
	"hash/fnv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/embedclassify/embedclassify/internal/wordchar"
)

// termKeys appends to dst the hashed keys of the terms of text: its
// lower-cased word tokens (runs of two or more word characters, Python's
// \w as in scikit-learn's default token pattern: see internal/wordchar)
// and, when bigrams is true, each pair of consecutive tokens. Terms are hashed to 64 bits rather
// than kept as strings: with a vocabulary of a few hundred thousand terms the
// chance of any collision is below one in a hundred million.
func termKeys(dst []uint64, text string, f features) []uint64 {
	var prev uint64
	havePrev := false
	h := fnv.New64a()
	var token []byte // the current token, lower-cased, in UTF-8
	var word []rune  // the same, for character n-grams
	n := 0           // runes in token
	emit := func() {
		if n >= 2 {
			h.Reset()
			h.Write(token)
			key := h.Sum64()
			dst = append(dst, key)
			if f.bigrams && havePrev {
				dst = append(dst, pairKey(h, prev, key))
			}
			prev, havePrev = key, true
			if f.charMin > 0 {
				dst = charKeys(dst, h, word, f.charMin, f.charMax)
			}
		}
		token, word, n = token[:0], word[:0], 0
	}
	for _, r := range text {
		if !wordchar.Is(r) {
			emit()
			continue
		}
		r = unicode.ToLower(r)
		token = utf8.AppendRune(token, r)
		if f.charMin > 0 {
			word = append(word, r)
		}
		n++
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
// analyzer="char_wb" makes them. h is scratch space.
func charKeys(dst []uint64, h hash.Hash64, word []rune, lo, hi int) []uint64 {
	padded := make([]rune, 0, len(word)+2)
	padded = append(append(append(padded, ' '), word...), ' ')
	var buf []byte
	for n := lo; n <= hi && n <= len(padded); n++ {
		for i := 0; i+n <= len(padded); i++ {
			buf = append(buf[:0], charKind) // separate from words
			for _, r := range padded[i : i+n] {
				buf = utf8.AppendRune(buf, r)
			}
			h.Reset()
			h.Write(buf)
			dst = append(dst, h.Sum64())
		}
	}
	return dst
}

// Every term is hashed with FNV-1a; the hashed bytes of a word pair and of
// a character n-gram start with a byte that no word contains, so that no
// two kinds of term share a key.
const (
	pairKind = 0
	charKind = 1
)

// pairKey returns the key of two consecutive tokens of keys a and b. h is
// scratch space.
func pairKey(h hash.Hash64, a, b uint64) uint64 {
	var buf [17]byte
	buf[0] = pairKind
	binary.LittleEndian.PutUint64(buf[1:], a)
	binary.LittleEndian.PutUint64(buf[9:], b)
	h.Reset()
	h.Write(buf[:])
	return h.Sum64()
}
