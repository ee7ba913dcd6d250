package frame

import (
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Display limits, as pandas' defaults display.max_rows, display.min_rows and
// display.max_colwidth.
const (
	MaxRows     = 60
	MinRows     = 10
	MaxColWidth = 50
)

type column struct {
	name  string
	isNum bool
	cell  func(i int) string // pandas' formatted value, before truncation
}

func (f *Frame) columns() []column {
	var cols []column
	cols = append(cols, column{ColText, false, func(i int) string { return " " + escape(at(f.Text, i)) }})
	cols = append(cols, column{ColLabel, true, func(i int) string { return intCell(f.Label, i) }})
	cols = append(cols, column{ColClassName, false, func(i int) string { return " " + escape(at(f.ClassName, i)) }})
	if f.EncodedLabel != nil {
		cols = append(cols, column{ColEncodedLabel, true, func(i int) string { return intCell(f.EncodedLabel, i) }})
	}
	if f.Embeddings != nil {
		cols = append(cols, column{ColEmbeddings, false, func(i int) string {
			if i >= len(f.Embeddings) {
				return " NaN"
			}
			return " " + vectorString(f.Embeddings[i])
		}})
	}
	return cols
}

func at(s []string, i int) string {
	if i < len(s) {
		return s[i]
	}
	return "NaN"
}

func intCell(s []int, i int) string {
	if i < len(s) {
		return " " + strconv.Itoa(s[i])
	}
	return " NaN"
}

// escape writes tabs, carriage returns and newlines as pandas does: \t, \r, \n.
func escape(s string) string {
	if !strings.ContainsAny(s, "\t\r\n") {
		return s
	}
	return strings.NewReplacer("\t", `\t`, "\r", `\r`, "\n", `\n`).Replace(s)
}

// truncate cuts s to MaxColWidth characters as pandas does: 47 + "...".
func truncate(s string) string {
	if utf8.RuneCountInString(s) <= MaxColWidth {
		return s
	}
	n := 0
	for i := range s {
		if n == MaxColWidth-3 {
			return s[:i] + "..."
		}
		n++
	}
	return s
}

// vectorString formats a vector as pandas shows a numpy array of floats in
// a cell: [0.0123, -0.5, 1.25e-05].
func vectorString(v []float32) string {
	var b strings.Builder
	b.WriteByte('[')
	for i, x := range v {
		if i > 0 {
			b.WriteString(", ")
		}
		if b.Len() > 4*MaxColWidth { // the cell shows at most MaxColWidth characters
			b.WriteString("...")
			break
		}
		b.WriteString(FormatFloat(x))
	}
	b.WriteByte(']')
	return b.String()
}

// FormatFloat formats x as numpy prints a float32 scalar: the shortest
// digits that round-trip, "1.0" for integers, scientific notation when the
// magnitude is below 1e-4 or at least 1e16 ("1.25e-05", "1e+16").
func FormatFloat(x float32) string {
	v := float64(x)
	switch {
	case math.IsNaN(v):
		return "nan"
	case math.IsInf(v, 1):
		return "inf"
	case math.IsInf(v, -1):
		return "-inf"
	}
	if a := math.Abs(v); a != 0 && (a < 1e-4 || a >= 1e16) {
		return strconv.FormatFloat(v, 'e', -1, 32) // d.ddde±XX, as numpy
	}
	s := strconv.FormatFloat(v, 'f', -1, 32)
	if !strings.ContainsAny(s, ".") {
		s += ".0"
	}
	return s
}

// rowsShown returns the row positions to print and whether rows were left
// out (pandas shows the first and last MinRows/2 of a long frame).
func (f *Frame) rowsShown() ([]int, bool) {
	n := f.Len()
	var pos []int
	if n <= MaxRows {
		for i := range n {
			pos = append(pos, i)
		}
		return pos, false
	}
	for i := range MinRows / 2 {
		pos = append(pos, i)
	}
	for i := n - MinRows/2; i < n; i++ {
		pos = append(pos, i)
	}
	return pos, true
}

func runeLen(s string) int { return utf8.RuneCountInString(s) }

func padLeft(s string, w int) string {
	if d := w - runeLen(s); d > 0 {
		return strings.Repeat(" ", d) + s
	}
	return s
}

func padRight(s string, w int) string {
	if d := w - runeLen(s); d > 0 {
		return s + strings.Repeat(" ", d)
	}
	return s
}

// String prints the frame as pandas prints a DataFrame: a row label column,
// the columns Text, Label, Class Name and, when set, Encoded Label and
// Embeddings; tabs and newlines written as \t and \n, long cells cut to 50
// characters with "...", and only the first and last 5 rows of a frame longer
// than 60 rows.
func (f *Frame) String() string {
	if f == nil {
		f = &Frame{}
	}
	pos, cut := f.rowsShown()
	cols := f.columns()
	if len(pos) == 0 {
		names := make([]string, len(cols))
		for i, c := range cols {
			names[i] = c.name
		}
		return "Empty DataFrame\nColumns: [" + strings.Join(names, ", ") + "]\nIndex: []"
	}
	// Row labels, left-justified.
	var labels []string
	for k, p := range pos {
		if cut && k == MinRows/2 {
			labels = append(labels, "..")
		}
		labels = append(labels, strconv.Itoa(f.indexAt(p)))
	}
	table := [][]string{append([]string{""}, labels...)}
	for _, c := range cols {
		head := c.name
		if c.isNum {
			head = " " + head // pandas gives numeric column labels a leading space
		}
		cells := []string{head}
		for k, p := range pos {
			if cut && k == MinRows/2 {
				cells = append(cells, "...")
			}
			cells = append(cells, truncate(c.cell(p)))
		}
		table = append(table, cells)
	}
	widths := make([]int, len(table))
	for j, col := range table {
		for i, s := range col {
			if cut && i == MinRows/2+1 {
				continue // the dots row
			}
			widths[j] = max(widths[j], runeLen(s))
		}
	}
	if cut {
		// pandas writes "..." in columns wider than 3 characters, ".." in others.
		for j := range table {
			if widths[j] > 3 {
				table[j][MinRows/2+1] = "..."
			} else {
				table[j][MinRows/2+1] = ".."
			}
		}
	}
	var b strings.Builder
	for i := range table[0] {
		for j, col := range table {
			if j == 0 {
				b.WriteString(padRight(col[i], widths[0]))
				continue
			}
			b.WriteByte(' ')
			b.WriteString(padLeft(col[i], widths[j]))
		}
		if i < len(table[0])-1 {
			b.WriteByte('\n')
		}
	}
	if cut {
		b.WriteString("\n\n[" + strconv.Itoa(f.Len()) + " rows x " + strconv.Itoa(len(cols)) + " columns]")
	}
	return b.String()
}

// htmlEscaper escapes as pandas' to_html does: only &, < and >. Quotes stay
// as they are (html.EscapeString would write &#34; and &#39;, and the tables
// would no longer match pandas' byte for byte).
var htmlEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

const htmlStyle = `<style scoped>
    .dataframe tbody tr th:only-of-type {
        vertical-align: middle;
    }

    .dataframe tbody tr th {
        vertical-align: top;
    }

    .dataframe thead th {
        text-align: right;
    }
</style>
`

// HTML renders the frame as the HTML table a Jupyter notebook shows for a
// pandas DataFrame (same cells as String, HTML-escaped), for display in GoNB
// with gonbui.DisplayHTML.
func (f *Frame) HTML() string {
	if f == nil {
		f = &Frame{}
	}
	pos, cut := f.rowsShown()
	cols := f.columns()
	var b strings.Builder
	b.WriteString("<div>\n")
	b.WriteString(htmlStyle)
	b.WriteString("<table border=\"1\" class=\"dataframe\">\n  <thead>\n    <tr style=\"text-align: right;\">\n      <th></th>\n")
	for _, c := range cols {
		b.WriteString("      <th>" + htmlEscaper.Replace(c.name) + "</th>\n")
	}
	b.WriteString("    </tr>\n  </thead>\n  <tbody>\n")
	for k, p := range pos {
		if cut && k == MinRows/2 {
			b.WriteString("    <tr>\n      <th>...</th>\n")
			for range cols {
				b.WriteString("      <td>...</td>\n")
			}
			b.WriteString("    </tr>\n")
		}
		b.WriteString("    <tr>\n      <th>" + strconv.Itoa(f.indexAt(p)) + "</th>\n")
		for _, c := range cols {
			b.WriteString("      <td>" + htmlEscaper.Replace(strings.TrimSpace(truncate(c.cell(p)))) + "</td>\n")
		}
		b.WriteString("    </tr>\n")
	}
	b.WriteString("  </tbody>\n</table>\n")
	if cut {
		b.WriteString("<p>" + strconv.Itoa(f.Len()) + " rows × " + strconv.Itoa(len(cols)) + " columns</p>\n")
	}
	b.WriteString("</div>")
	return b.String()
}
