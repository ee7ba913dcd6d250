package newsgroups

import (
	"strings"
	"unicode"
)

// StripHeaders removes the header block, as scikit-learn's
// strip_newsgroup_header does: everything up to the first blank line
// ("\n\n"). A text without a blank line becomes "".
func StripHeaders(text string) string {
	_, after, _ := strings.Cut(text, "\n\n")
	return after
}

// isPySpace reports whether r is whitespace for Python's str.strip():
// Unicode White_Space plus the separators U+001C to U+001F.
func isPySpace(r rune) bool {
	return unicode.IsSpace(r) || r >= 0x1c && r <= 0x1f
}

func pyStrip(s string) string { return strings.TrimFunc(s, isPySpace) }

// StripFooters removes a signature block, as scikit-learn's
// strip_newsgroup_footer does: on the text with surrounding whitespace
// stripped, it finds the last line made only of dashes inside whitespace and
// drops it and all after it. When that line is the first one, or there is
// none, the text is returned unchanged.
func StripFooters(text string) string {
	lines := strings.Split(pyStrip(text), "\n")
	lineNum := len(lines) - 1
	for ; lineNum >= 0; lineNum-- {
		if strings.Trim(pyStrip(lines[lineNum]), "-") == "" {
			break
		}
	}
	// Python's loop variable stays at 0 when the loop ends without break.
	if lineNum > 0 {
		return strings.Join(lines[:lineNum], "\n")
	}
	return text
}

// isQuoteLine is scikit-learn's _QUOTE_RE.search(line):
// (writes in|writes:|wrote:|says:|said:|^In article|^Quoted from|^\||^>)
func isQuoteLine(line string) bool {
	if strings.HasPrefix(line, "In article") || strings.HasPrefix(line, "Quoted from") ||
		strings.HasPrefix(line, "|") || strings.HasPrefix(line, ">") {
		return true
	}
	for _, s := range []string{"writes in", "writes:", "wrote:", "says:", "said:"} {
		if strings.Contains(line, s) {
			return true
		}
	}
	return false
}

// StripQuotes removes quoted lines, as scikit-learn's
// strip_newsgroup_quoting does: every line that starts with "In article",
// "Quoted from", "|" or ">", or that contains "writes in", "writes:",
// "wrote:", "says:" or "said:".
func StripQuotes(text string) string {
	lines := strings.Split(text, "\n")
	good := lines[:0:0]
	for _, l := range lines {
		if !isQuoteLine(l) {
			good = append(good, l)
		}
	}
	return strings.Join(good, "\n")
}
