package wordchar

import (
	"strings"
	"testing"
)

// The expectations are Python 3's: re.match(r'\w', c) is not None.
func TestIs(t *testing.T) {
	tests := []struct {
		r    rune
		want bool
	}{
		{'a', true}, {'Z', true}, {'0', true}, {'_', true},
		{'-', false}, {'.', false}, {' ', false}, {'@', false},
		{'é', true}, {'ß', true}, {'µ', true}, {'ª', true}, {'²', true}, {'½', true},
		{'×', false}, {'÷', false}, {'\u0301', false}, // a combining acute accent is not \w
		{'д', true}, {'中', true}, {'٣', true}, {'Ⅻ', true},
	}
	for _, tt := range tests {
		if got := Is(tt.r); got != tt.want {
			t.Errorf("Is(%q) = %v, want %v", tt.r, got, tt.want)
		}
	}
}

// Python's \w on latin-1 characters U+0080..U+00FF, as printed by
// "".join(chr(c) for c in range(0x80, 0x100) if re.match(r'\w', chr(c)))
const pythonWordLatin1 = "ª²³µ¹º¼½¾ÀÁÂÃÄÅÆÇÈÉÊËÌÍÎÏÐÑÒÓÔÕÖØÙÚÛÜÝÞßàáâãäåæçèéêëìíîïðñòóôõöøùúûüýþÿ"

func TestIsWordLatin1(t *testing.T) {
	for r := rune(0); r < 0x100; r++ {
		want := r < 0x80 && (r == '_' || 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9') ||
			r >= 0x80 && strings.ContainsRune(pythonWordLatin1, r)
		if got := Is(r); got != want {
			t.Errorf("Is(%U %q) = %v, want %v", r, r, got, want)
		}
	}
}
