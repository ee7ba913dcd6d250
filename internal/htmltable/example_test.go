package htmltable_test

import (
	"fmt"

	"github.com/embedclassify/embedclassify/internal/htmltable"
)

func ExampleTable_HTML() {
	t := htmltable.Table{Header: []string{"class", "count"}, ColumnAlign: []string{"", "right"},
		Rows: [][]string{{"sci.space", "100"}, {"<unknown>", "3"}}}
	fmt.Println(t.HTML())
	// Output:
	// <table><thead><tr><th style="text-align:left">class</th><th style="text-align:right">count</th></tr></thead>
	// <tbody>
	// <tr><td style="text-align:left">sci.space</td><td style="text-align:right">100</td></tr>
	// <tr><td style="text-align:left">&lt;unknown&gt;</td><td style="text-align:right">3</td></tr>
	// </tbody></table>
}
