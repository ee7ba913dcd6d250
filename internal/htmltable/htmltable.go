// Package htmltable renders a table as an HTML fragment with html/template,
// escaping every cell: the one renderer for the project's HTML tables (the
// notebook helpers' tables, and any package that shows a table in a
// notebook).
package htmltable

import (
	"html/template"
	"strings"
)

// Table is a header row, the rows under it, and an optional class for the
// <table> element.
type Table struct {
	Class  string
	Header []string
	Rows   [][]string
	// Align is the CSS text-align of every cell ("" means left).
	Align string
}

var tmpl = template.Must(template.New("table").Parse(
	`<table{{with .Class}} class="{{.}}"{{end}}>` +
		`{{$a := .Align}}{{if .Header}}<thead><tr>{{range .Header}}<th style="text-align:{{$a}}">{{.}}</th>{{end}}</tr></thead>{{end}}` +
		`<tbody>{{range .Rows}}<tr>{{range .}}<td style="text-align:{{$a}}">{{.}}</td>{{end}}</tr>{{end}}</tbody></table>`))

// HTML renders the table.
func (t Table) HTML() string {
	if t.Align == "" {
		t.Align = "left"
	}
	var b strings.Builder
	if err := tmpl.Execute(&b, t); err != nil {
		// Only strings reach the template: it cannot fail.
		panic("htmltable: " + err.Error())
	}
	return b.String()
}
