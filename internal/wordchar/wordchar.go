// Package wordchar holds the project's one rule for which characters make up
// words: Python's \w on a str, the class the tutorial's preprocessing uses.
// The preprocessing (for byte parity with Python), the offline embedder's
// tokenizer and the fake Gemini server's vectors all split words with it.
package wordchar

import (
	"unicode"
	"unicode/utf8"
)

// Is reports whether r matches Python's \w on a str: a letter, a number
// (decimal, digit or numeric: ², ½ count) or the underscore. Unlike Go's
// regexp \w, it is Unicode-aware, so é, ß, µ and ª match; × and ÷ do not.
func Is(r rune) bool {
	if r < utf8.RuneSelf {
		return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' || r == '_'
	}
	return unicode.IsLetter(r) || unicode.IsNumber(r)
}
