package htmltable

import "testing"

func TestHTML(t *testing.T) {
	for _, tc := range []struct {
		name string
		t    Table
		want string
	}{
		{"escapes every cell", Table{Class: "c", Header: []string{"<h>"}, Rows: [][]string{{"a & b"}, {`"q"`}}},
			`<table class="c"><thead><tr><th style="text-align:left">&lt;h&gt;</th></tr></thead>` + "\n<tbody>\n" +
				`<tr><td style="text-align:left">a &amp; b</td></tr>` + "\n" + `<tr><td style="text-align:left">&#34;q&#34;</td></tr>` + "\n</tbody></table>"},
		{"no header, one alignment", Table{Rows: [][]string{{"1", "2"}}, Align: "right"},
			"<table>\n<tbody>\n" + `<tr><td style="text-align:right">1</td><td style="text-align:right">2</td></tr>` + "\n</tbody></table>"},
		{"row headers, column alignment, styles and a rule",
			Table{Style: "border-collapse:collapse", Header: []string{"", "n"}, Align: "right", ColumnAlign: []string{"left"},
				CellStyle: "padding:2px", HeaderStyle: "border-bottom:2px solid", RowHeader: true, RuleAbove: []int{1},
				Rows: [][]string{{"a", "1"}, {"<b>", "2"}}},
			`<table style="border-collapse:collapse"><thead><tr><th style="text-align:left;padding:2px;border-bottom:2px solid"></th>` +
				`<th style="text-align:right;padding:2px;border-bottom:2px solid">n</th></tr></thead>` + "\n<tbody>\n" +
				`<tr><th style="text-align:left;padding:2px">a</th><td style="text-align:right;padding:2px">1</td></tr>` + "\n" +
				`<tr style="border-top:1px solid"><th style="text-align:left;padding:2px">&lt;b&gt;</th><td style="text-align:right;padding:2px">2</td></tr>` +
				"\n</tbody></table>"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.t.HTML(); got != tc.want {
				t.Errorf("HTML:\n got %s\nwant %s", got, tc.want)
			}
		})
	}
}
