package newsgroups

import (
	"strings"
	"unicode/utf8"

	"github.com/embedclassify/embedclassify/internal/parallel"
	"github.com/embedclassify/embedclassify/internal/wordchar"
	"github.com/embedclassify/embedclassify/lib/frame"
)

// MaxChars is the length, in characters, at which the tutorial's
// preprocessing cuts each text.
const MaxChars = 5000

// isEmailChar is the class [\w\.-] of the tutorial's e-mail pattern.
func isEmailChar(r rune) bool {
	return r == '.' || r == '-' || wordchar.Is(r)
}

func decode(s string, i int) (rune, int) {
	if c := s[i]; c < utf8.RuneSelf {
		return rune(c), 1
	}
	return utf8.DecodeRuneInString(s[i:])
}

// RemoveEmails deletes the e-mail addresses the tutorial removes: every match
// of the pattern [\w\.-]+@[\w\.-]+ with Python's Unicode \w, as Python's
// re.sub does.
//
// Every match holds an '@', so the scan jumps from '@' to '@': a match is the
// run of class characters just before an '@' (not reaching back before the
// previous match) joined to the run just after it, when both are non-empty.
// This is what the regular expression's leftmost-first search finds, since
// '@' is not in the class and no run can reach past it.
func RemoveEmails(s string) string {
	var b strings.Builder
	last := 0 // end of the previous match: the search resumes here
	for from := 0; ; {
		a := strings.IndexByte(s[from:], '@')
		if a < 0 {
			break
		}
		a += from
		from = a + 1
		start := a
		for start > last {
			r, sz := decodeLast(s[last:start])
			if !isEmailChar(r) {
				break
			}
			start -= sz
		}
		if start == a {
			continue
		}
		end := a + 1
		for end < len(s) {
			r, sz := decode(s, end)
			if !isEmailChar(r) {
				break
			}
			end += sz
		}
		if end == a+1 {
			continue
		}
		if b.Cap() == 0 {
			b.Grow(len(s))
		}
		b.WriteString(s[last:start])
		last, from = end, end
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

func decodeLast(s string) (rune, int) {
	if c := s[len(s)-1]; c < utf8.RuneSelf {
		return rune(c), 1
	}
	return utf8.DecodeLastRuneInString(s)
}

// RemoveParenthesised deletes every match of Python's
// re.sub(r"\([^()]*\)", "", text): innermost parenthesised spans, newlines
// included, in one left-to-right pass.
func RemoveParenthesised(s string) string {
	i := strings.IndexByte(s, '(')
	if i < 0 {
		return s
	}
	var b strings.Builder
	last := 0
	n := len(s)
	for i < n {
		if s[i] != '(' {
			k := strings.IndexByte(s[i:], '(')
			if k < 0 {
				break
			}
			i += k
		}
		j := i + 1
		for j < n && s[j] != '(' && s[j] != ')' {
			j++
		}
		if j == n {
			break // no ')' after i, and no '(' either: nothing more matches
		}
		if s[j] == '(' {
			i = j
			continue
		}
		if b.Cap() == 0 {
			b.Grow(len(s))
		}
		b.WriteString(s[last:i])
		last = j + 1
		i = j + 1
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

// Truncate returns the first n characters (code points) of s, like Python's
// s[0:n]. An invalid UTF-8 byte counts as one character.
func Truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	count := 0
	for i := 0; i < len(s); {
		if count == n {
			return s[:i]
		}
		_, sz := decode(s, i)
		i += sz
		count++
	}
	return s
}

// Preprocess applies the tutorial's preprocess_newsgroup_data to one text,
// with the same result, byte for byte, as the Python code:
//
//	d = re.sub(r'[\w\.-]+@[\w\.-]+', '', d)  # remove e-mail addresses
//	d = re.sub(r"\([^()]*\)", "", d)          # remove parenthesised names
//	d = d.replace("From: ", "")
//	d = d.replace("\nSubject: ", "")
//	d = d[0:5000]
func Preprocess(text string) string {
	text = RemoveEmails(text)
	text = RemoveParenthesised(text)
	if strings.Contains(text, "From: ") {
		text = strings.ReplaceAll(text, "From: ", "")
	}
	if strings.Contains(text, "\nSubject: ") {
		text = strings.ReplaceAll(text, "\nSubject: ", "")
	}
	return Truncate(text, MaxChars)
}

// PreprocessFrame is the tutorial's preprocess_newsgroup_data on a whole
// dataset: a frame with Text (Preprocess of each document), Label (the
// target), Class Name (its target name) and File, in dataset order. The texts
// are processed in parallel on all cores.
func PreprocessFrame(ds *Dataset) *frame.Frame {
	if ds == nil {
		return &frame.Frame{Text: []string{}, Label: []int{}, ClassName: []string{}}
	}
	n := len(ds.Data)
	f := &frame.Frame{
		Text:      PreprocessAll(ds.Data),
		Label:     make([]int, n),
		ClassName: make([]string, n),
	}
	if len(ds.Filenames) == n {
		f.File = append([]string(nil), ds.Filenames...)
	}
	for i := range n {
		t := -1
		if i < len(ds.Target) {
			t = ds.Target[i]
		}
		f.Label[i] = t
		if t >= 0 && t < len(ds.TargetNames) {
			f.ClassName[i] = ds.TargetNames[t]
		}
	}
	return f
}

// PreprocessAll returns Preprocess of every text, computed in parallel on
// all cores.
func PreprocessAll(texts []string) []string {
	out := make([]string, len(texts))
	parallel.Ranges(len(texts), 64, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			out[i] = Preprocess(texts[i])
		}
	})
	return out
}
