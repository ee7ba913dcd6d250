package mlp

import (
	"fmt"
	"strings"

	"github.com/embedclassify/embedclassify/internal/htmltable"
)

// layerRow is one line of the summary table.
type layerRow struct {
	name, shape string
	params      int
}

func (m *Model) layers() []layerRow {
	return []layerRow{
		{"input_layer (InputLayer)", fmt.Sprintf("(None, %d)", m.in), 0},
		{"dense (Dense)", fmt.Sprintf("(None, %d)", m.hidden), m.in*m.hidden + m.hidden},
		{"dense_1 (Dense)", fmt.Sprintf("(None, %d)", m.classes), m.hidden*m.classes + m.classes},
	}
}

// optimizerParams is the count Keras 3 shows as "Optimizer params" once a
// model has trained: Adam's two moments per parameter, its iteration counter
// and its learning rate.
func (m *Model) optimizerParams() int {
	if m.opt == nil {
		return 0
	}
	return 2*m.NumParams() + 2
}

// Summary returns the model's layer table in the layout of Keras 3's
// model.summary(): layers, output shapes, parameter counts and totals (with
// their float32 size). After training it also counts the optimizer's
// parameters, as Keras does.
func (m *Model) Summary() string {
	const w1, w2, w3 = 33, 24, 15
	var b strings.Builder
	line := func(l, mid, r, fill string) {
		b.WriteString(l + strings.Repeat(fill, w1) + mid + strings.Repeat(fill, w2) + mid + strings.Repeat(fill, w3) + r + "\n")
	}
	b.WriteString("Model: \"functional\"\n")
	line("┏", "┳", "┓", "━")
	fmt.Fprintf(&b, "┃ %-*s┃ %-*s┃ %*s ┃\n", w1-1, "Layer (type)", w2-1, "Output Shape", w3-2, "Param #")
	line("┡", "╇", "┩", "━")
	rows := m.layers()
	for i, r := range rows {
		fmt.Fprintf(&b, "│ %-*s│ %-*s│ %*s │\n", w1-1, r.name, w2-1, r.shape, w3-2, commas(r.params))
		if i < len(rows)-1 {
			line("├", "┼", "┤", "─")
		}
	}
	line("└", "┴", "┘", "─")
	p := m.NumParams()
	fmt.Fprintf(&b, " Total params: %s (%s)\n", commas(p+m.optimizerParams()), byteSize(4*(p+m.optimizerParams())))
	fmt.Fprintf(&b, " Trainable params: %s (%s)\n", commas(p), byteSize(4*p))
	fmt.Fprintf(&b, " Non-trainable params: 0 (0.00 B)\n")
	if o := m.optimizerParams(); o > 0 {
		fmt.Fprintf(&b, " Optimizer params: %s (%s)\n", commas(o), byteSize(4*o))
	}
	return b.String()
}

// SummaryHTML returns the same table as Summary as an HTML fragment for a
// notebook cell.
func (m *Model) SummaryHTML() string {
	t := htmltable.Table{
		Style:       "border-collapse:collapse",
		Header:      []string{"Layer (type)", "Output Shape", "Param #"},
		ColumnAlign: []string{"left", "left", "right"},
		CellStyle:   "padding:2px 12px",
		HeaderStyle: "border-bottom:2px solid",
	}
	for _, r := range m.layers() {
		t.Rows = append(t.Rows, []string{r.name, r.shape, commas(r.params)})
	}
	var b strings.Builder
	b.WriteString(`<div class="mlp-summary"><p><b>Model: "functional"</b></p>` + "\n")
	b.WriteString(t.HTML() + "\n")
	p := m.NumParams()
	fmt.Fprintf(&b, "<p>Total params: %s (%s)<br>\nTrainable params: %s (%s)<br>\nNon-trainable params: 0 (0.00 B)",
		commas(p+m.optimizerParams()), byteSize(4*(p+m.optimizerParams())), commas(p), byteSize(4*p))
	if o := m.optimizerParams(); o > 0 {
		fmt.Fprintf(&b, "<br>\nOptimizer params: %s (%s)", commas(o), byteSize(4*o))
	}
	b.WriteString("</p></div>\n")
	return b.String()
}

// commas formats n with thousands separators: 9452548 → "9,452,548".
func commas(n int) string {
	s := fmt.Sprint(n)
	if n < 0 {
		return "-" + commas(-n)
	}
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// byteSize formats a byte count as Keras' summary does (binary units, two
// decimals): 37810192 → "36.06 MB".
func byteSize(n int) string {
	units := []string{"B", "KB", "MB", "GB", "TB"}
	v := float64(n)
	i := 0
	for v >= 1024 && i < len(units)-1 {
		v /= 1024
		i++
	}
	return fmt.Sprintf("%.2f %s", v, units[i])
}
