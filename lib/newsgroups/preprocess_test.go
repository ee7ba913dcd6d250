package newsgroups

import (
	"context"
	"encoding/json"
	"os"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/embedclassify/embedclassify/internal/shared"
)

// pythonCases are inputs and outputs computed with CPython 3.11 and
// scikit-learn 1.2.1 (testdata/python_cases.json).
type pythonCases struct {
	Pre   [][2]string `json:"pre"`
	Strip [][4]string `json:"strip"`
}

func readPythonCases(t *testing.T) pythonCases {
	t.Helper()
	b, err := os.ReadFile("testdata/python_cases.json")
	if err != nil {
		t.Fatal(err)
	}
	var c pythonCases
	if err := json.Unmarshal(b, &c); err != nil {
		t.Fatal(err)
	}
	if len(c.Pre) == 0 || len(c.Strip) == 0 {
		t.Fatal("testdata/python_cases.json has no cases")
	}
	return c
}

func TestPreprocessMatchesPython(t *testing.T) {
	for _, c := range readPythonCases(t).Pre {
		if got := Preprocess(c[0]); got != c[1] {
			t.Errorf("Preprocess(%.80q)\n got %.80q\nwant %.80q", c[0], got, c[1])
		}
	}
}

func TestStripMatchesScikitLearn(t *testing.T) {
	for _, c := range readPythonCases(t).Strip {
		if got := StripHeaders(c[0]); got != c[1] {
			t.Errorf("StripHeaders(%q) = %q, want %q", c[0], got, c[1])
		}
		if got := StripFooters(c[0]); got != c[2] {
			t.Errorf("StripFooters(%q) = %q, want %q", c[0], got, c[2])
		}
		if got := StripQuotes(c[0]); got != c[3] {
			t.Errorf("StripQuotes(%q) = %q, want %q", c[0], got, c[3])
		}
	}
}

func TestTruncate(t *testing.T) {
	tests := []struct {
		in   string
		n    int
		want string
	}{
		{"", 3, ""},
		{"abc", 3, "abc"},
		{"abcd", 3, "abc"},
		{"ééé", 2, "éé"},
		{"a\xffb", 2, "a\xff"},
	}
	for _, tt := range tests {
		if got := Truncate(tt.in, tt.n); got != tt.want {
			t.Errorf("Truncate(%q, %d) = %q, want %q", tt.in, tt.n, got, tt.want)
		}
	}
}

// Independent oracles: Go's regexp is leftmost-first like Python's re, and
// \p{L}, \p{N} spell out Python's Unicode \w.
var (
	emailRE = regexp.MustCompile(`[\p{L}\p{N}_.\-]+@[\p{L}\p{N}_.\-]+`)
	parenRE = regexp.MustCompile(`\([^()]*\)`)
)

func preprocessOracle(s string) string {
	s = emailRE.ReplaceAllLiteralString(s, "")
	s = parenRE.ReplaceAllLiteralString(s, "")
	s = strings.ReplaceAll(s, "From: ", "")
	s = strings.ReplaceAll(s, "\nSubject: ", "")
	return Truncate(s, MaxChars)
}

func FuzzPreprocess(f *testing.F) {
	for _, s := range []string{"a@b@c", "(x (y) z)", "From: a@b (N)\nSubject: s", "josé@exämple.de"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !utf8.ValidString(s) {
			// Python strings are always valid text; only check for no panic.
			Preprocess(s)
			return
		}
		got, want := Preprocess(s), preprocessOracle(s)
		if got != want {
			t.Fatalf("Preprocess(%q) = %q, the regexp oracle gives %q", s, got, want)
		}
		if utf8.RuneCountInString(got) > MaxChars {
			t.Fatalf("result has %d characters", utf8.RuneCountInString(got))
		}
	})
}

// stripFootersOracle is scikit-learn's strip_newsgroup_footer written with a
// regexp for the separator test.
var dashLineRE = regexp.MustCompile(`^[\t\n\v\f\r \x1c-\x1f\x{85}\x{a0}\x{1680}\x{2000}-\x{200a}\x{2028}\x{2029}\x{202f}\x{205f}\x{3000}]*-*[\t\n\v\f\r \x1c-\x1f\x{85}\x{a0}\x{1680}\x{2000}-\x{200a}\x{2028}\x{2029}\x{202f}\x{205f}\x{3000}]*$`)

func FuzzStrip(f *testing.F) {
	for _, s := range []string{"H: x\n\nbody\n--\nsig", "In article <a> writes:\n> q\nok", "a\n\n", "\x1c\n-\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		h, ft, q := StripHeaders(s), StripFooters(s), StripQuotes(s)
		if !strings.HasSuffix(s, h) {
			t.Fatalf("StripHeaders(%q) = %q is not a suffix", s, h)
		}
		if strings.Contains(s, "\n\n") != (h != "" || strings.HasSuffix(s, "\n\n")) {
			t.Fatalf("StripHeaders(%q) = %q", s, h)
		}
		if len(ft) > len(s) {
			t.Fatalf("StripFooters(%q) = %q grew", s, ft)
		}
		if ft != s {
			// A footer was cut: the result is a prefix of the stripped text
			// and the next line is a dash separator.
			stripped := pyStrip(s)
			rest, ok := strings.CutPrefix(stripped, ft+"\n")
			if !ok {
				t.Fatalf("StripFooters(%q) = %q is not a line prefix", s, ft)
			}
			sep, after, _ := strings.Cut(rest, "\n")
			if !dashLineRE.MatchString(sep) && utf8.ValidString(sep) {
				t.Fatalf("StripFooters(%q) cut at %q, not a separator", s, sep)
			}
			for _, l := range strings.Split(after, "\n") {
				if after != "" && strings.Trim(pyStrip(l), "-") == "" {
					t.Fatalf("StripFooters(%q): a later separator %q exists", s, l)
				}
			}
		}
		for _, l := range strings.Split(q, "\n") {
			if q != "" && isQuoteLine(l) {
				t.Fatalf("StripQuotes(%q) kept the quote line %q", s, l)
			}
		}
		if len(q) > len(s) {
			t.Fatalf("StripQuotes(%q) = %q grew", s, q)
		}
	})
}

// TestScannersMatchRegexp checks the hand-written scanners against package
// regexp running the tutorial's patterns, on every document of the dataset
// (and on the unit cases' texts), byte for byte.
func TestScannersMatchRegexp(t *testing.T) {
	ds, err := Load(context.Background(), Options{Path: shared.Archive(t), Subset: All})
	if err != nil {
		t.Fatal(err)
	}
	for i, d := range ds.Data {
		if got, want := RemoveEmails(d), emailRE.ReplaceAllString(d, ""); got != want {
			t.Fatalf("document %d (%s): RemoveEmails differs from the regexp", i, ds.Filenames[i])
		}
		if got, want := RemoveParenthesised(d), parenRE.ReplaceAllString(d, ""); got != want {
			t.Fatalf("document %d (%s): RemoveParenthesised differs from the regexp", i, ds.Filenames[i])
		}
	}
}
