// Package htmltable renders a table as an HTML fragment with html/template,
// escaping every cell: the one renderer for the project's HTML tables (the
// notebook helpers' tables, the classification report, the model summary).
//
// lib/frame keeps a writer of its own: it reproduces pandas' to_html byte for
// byte, which leaves quotes unescaped, and html/template always escapes them.
package htmltable

import (
	"html/template"
	"strings"
)

// Table is a header row, the rows under it, and how to lay them out.
// Every string field that is not a cell holds CSS written by the calling
// package, never user data.
type Table struct {
	// Class is the class attribute of the <table> element, if any.
	Class string
	// Style is the style attribute of the <table> element, if any.
	Style string
	// Header is the header row; a table without one has no <thead>.
	Header []string
	// Rows are the body's rows.
	Rows [][]string
	// Align is the CSS text-align of every cell ("" means left).
	Align string
	// ColumnAlign sets the text-align of column i where ColumnAlign[i] is not
	// empty, overriding Align.
	ColumnAlign []string
	// CellStyle is more CSS for every cell, such as "padding:2px 10px".
	CellStyle string
	// HeaderStyle is more CSS for the header's cells.
	HeaderStyle string
	// RowHeader makes the first cell of each body row a <th>.
	RowHeader bool
	// RuleAbove lists the body rows (from 0) drawn with a line above them.
	RuleAbove []int
}

type cell struct {
	Head  bool
	Style template.CSS
	Text  string
}

type row struct {
	Style template.CSS
	Cells []cell
}

type view struct {
	Class  string
	Style  template.CSS
	Header []cell
	Rows   []row
}

var tmpl = template.Must(template.New("table").Parse(
	`<table{{with .Class}} class="{{.}}"{{end}}{{with .Style}} style="{{.}}"{{end}}>` +
		`{{if .Header}}<thead><tr>{{range .Header}}<th style="{{.Style}}">{{.Text}}</th>{{end}}</tr></thead>{{end}}` +
		"\n<tbody>\n" +
		`{{range .Rows}}<tr{{with .Style}} style="{{.}}"{{end}}>` +
		`{{range .Cells}}{{if .Head}}<th style="{{.Style}}">{{.Text}}</th>{{else}}<td style="{{.Style}}">{{.Text}}</td>{{end}}{{end}}` +
		"</tr>\n{{end}}</tbody></table>"))

// style is the CSS of a cell in column i.
func (t Table) style(i int, extra string) template.CSS {
	align := t.Align
	if i < len(t.ColumnAlign) && t.ColumnAlign[i] != "" {
		align = t.ColumnAlign[i]
	}
	if align == "" {
		align = "left"
	}
	s := "text-align:" + align
	if t.CellStyle != "" {
		s += ";" + t.CellStyle
	}
	if extra != "" {
		s += ";" + extra
	}
	// The CSS comes from the calling package's constants (see Table).
	return template.CSS(s)
}

// HTML renders the table.
func (t Table) HTML() string {
	v := view{Class: t.Class, Style: template.CSS(t.Style)}
	for i, h := range t.Header {
		v.Header = append(v.Header, cell{Head: true, Style: t.style(i, t.HeaderStyle), Text: h})
	}
	ruled := map[int]bool{}
	for _, r := range t.RuleAbove {
		ruled[r] = true
	}
	for k, r := range t.Rows {
		var out row
		if ruled[k] {
			out.Style = "border-top:1px solid"
		}
		for i, c := range r {
			out.Cells = append(out.Cells, cell{Head: t.RowHeader && i == 0, Style: t.style(i, ""), Text: c})
		}
		v.Rows = append(v.Rows, out)
	}
	var b strings.Builder
	if err := tmpl.Execute(&b, v); err != nil {
		// Only strings and CSS of this package's making reach the template:
		// it cannot fail.
		panic("htmltable: " + err.Error())
	}
	return b.String()
}
