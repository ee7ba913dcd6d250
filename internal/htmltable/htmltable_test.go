package htmltable

import "testing"

func TestHTML(t *testing.T) {
	for _, tc := range []struct {
		t    Table
		want string
	}{
		{Table{Class: "c", Header: []string{"<h>"}, Rows: [][]string{{"a & b"}, {`"q"`}}},
			`<table class="c"><thead><tr><th style="text-align:left">&lt;h&gt;</th></tr></thead>` +
				`<tbody><tr><td style="text-align:left">a &amp; b</td></tr><tr><td style="text-align:left">&#34;q&#34;</td></tr></tbody></table>`},
		{Table{Rows: [][]string{{"1", "2"}}, Align: "right"},
			`<table><tbody><tr><td style="text-align:right">1</td><td style="text-align:right">2</td></tr></tbody></table>`},
	} {
		if got := tc.t.HTML(); got != tc.want {
			t.Errorf("HTML:\n got %s\nwant %s", got, tc.want)
		}
	}
}
