// Package cells holds the cells of the project's notebooks as files, so
// that their text is reviewed, formatted and checked as Go source and
// Markdown; cmd gen writes the .ipynb files from them.
//
// A notebook is a folder of this package, named after the notebook, whose
// files are its cells in the order of their names (NN_id.ext, id being the
// cell's id):
//
//   - .md: a Markdown cell;
//   - .go: a Go cell, written as a file of the folder's Go package (package
//     main), so that gofmt, go vet and staticcheck check every cell and
//     the package compiles as the notebook's program does: the cell is the
//     file without its package clause, and the body of the function whose
//     name starts with "cell", if any, is the cell's code after GoNB's %%;
//   - .gonb: a cell of GoNB commands (lines starting with ! or %), as is.
//
// The folder's main.go, which calls every cell's function in order, is not
// a cell.
package cells

import (
	"embed"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path"
	"slices"
	"strings"

	"github.com/embedclassify/embedclassify/internal/ipynb"
)

// files holds the notebooks' folders; a new notebook adds its folder here.
//
//go:embed classify_text_with_embeddings classify_your_own_texts
var files embed.FS

// Names returns the names of the notebooks, the folders of this package.
func Names() []string {
	entries, _ := fs.ReadDir(files, ".")
	var names []string
	for _, e := range entries {
		if e.IsDir() {
			names = append(names, e.Name())
		}
	}
	return names
}

// Build returns the notebook name (see Names) with empty outputs, to be
// written as name + ".ipynb".
func Build(name string) (*ipynb.Notebook, error) {
	cells, err := Cells(name)
	if err != nil {
		return nil, err
	}
	nb := ipynb.New("gonb", "Go (gonb)", "go")
	for _, c := range cells {
		nb.Cells = append(nb.Cells, ipynb.Cell{Type: c.Type, ID: c.ID, Source: c.Source})
	}
	return nb, nil
}

// FileName is the tutorial notebook's file name.
const FileName = "classify_text_with_embeddings.ipynb"

// Cell is one cell of a notebook: its type (ipynb.Code or ipynb.Markdown),
// its id and its source as the notebook holds it.
type Cell struct {
	Type, ID, Source string
	File             string // the file it comes from
}

// Cells returns the cells of the notebook name (a folder of this package).
func Cells(name string) ([]Cell, error) {
	entries, err := fs.ReadDir(files, name)
	if err != nil {
		return nil, err
	}
	var cells []Cell
	imported := map[string]bool{} // GoNB keeps the imports of the cells run before
	for _, e := range entries {
		file := e.Name()
		if e.IsDir() || file == "main.go" || strings.HasSuffix(file, "_test.go") {
			continue
		}
		b, err := fs.ReadFile(files, path.Join(name, file))
		if err != nil {
			return nil, err
		}
		c, err := parseCell(file, string(b), imported)
		if err != nil {
			return nil, err
		}
		cells = append(cells, c)
	}
	return cells, nil
}

// parseCell makes the cell of the file named file holding src.
func parseCell(file, src string, imported map[string]bool) (Cell, error) {
	base := strings.TrimSuffix(file, path.Ext(file))
	_, id, ok := strings.Cut(base, "_")
	if !ok {
		return Cell{}, fmt.Errorf("cell file %s: want a name NN_id.ext", file)
	}
	c := Cell{ID: id, File: file}
	switch path.Ext(file) {
	case ".md":
		c.Type, c.Source = ipynb.Markdown, strings.TrimSpace(src)
	case ".gonb":
		c.Type, c.Source = ipynb.Code, strings.TrimSpace(src)
	case ".go":
		s, err := goCell(file, src, imported)
		if err != nil {
			return Cell{}, err
		}
		c.Type, c.Source = ipynb.Code, s
	default:
		return Cell{}, fmt.Errorf("cell file %s: want .md, .go or .gonb", file)
	}
	return c, nil
}

// goCell turns a Go cell file into the cell's source: the file after its
// package clause, with the cell function's body moved after %%, and
// without the imports an earlier cell made (imported, which goCell
// updates): GoNB keeps them.
func goCell(file, src string, imported map[string]bool) (string, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, file, src, parser.ParseComments)
	if err != nil {
		return "", err
	}
	off := func(p token.Pos) int { return fset.Position(p).Offset }
	// Start after the package clause, or after the imports, which are
	// written anew.
	start := off(f.Name.End())
	var specs []string
	for _, d := range f.Decls {
		gd, ok := d.(*ast.GenDecl)
		if !ok || gd.Tok != token.IMPORT {
			continue
		}
		start = off(gd.End())
		for _, sp := range gd.Specs {
			is := sp.(*ast.ImportSpec)
			text := src[off(is.Pos()):off(is.End())]
			if !imported[text] {
				imported[text] = true
				specs = append(specs, text)
			}
		}
	}
	imports := ""
	switch len(specs) {
	case 0:
	case 1:
		imports = "import " + specs[0]
	default:
		imports = "import (\n\t" + strings.Join(specs, "\n\t") + "\n)"
	}
	var body string
	found := false
	rest := src[start:]
	for _, d := range f.Decls {
		fd, ok := d.(*ast.FuncDecl)
		if !ok || !strings.HasPrefix(fd.Name.Name, "cell") {
			continue
		}
		if found {
			return "", fmt.Errorf("%s: more than one cell function", file)
		}
		found = true
		if fd.Recv != nil || fd.Type.Params.NumFields() > 0 || fd.Type.Results.NumFields() > 0 {
			return "", fmt.Errorf("%s: the cell function %s takes and returns nothing", file, fd.Name.Name)
		}
		from := off(fd.Pos())
		if fd.Doc != nil {
			from = off(fd.Doc.Pos())
		}
		inner := src[off(fd.Body.Lbrace)+1 : off(fd.Body.Rbrace)]
		body = dedent(inner)
		rest = strings.TrimRight(src[start:from], "\n") + "\n\n" + strings.TrimLeft(src[off(fd.End()):], "\n")
	}
	out := strings.TrimSpace(rest)
	if imports != "" {
		out = strings.TrimSpace(imports + "\n\n" + out)
	}
	if body != "" {
		if out != "" {
			out += "\n\n"
		}
		out += "%%\n" + body
	}
	return out, nil
}

// dedent removes one tab from the start of every line of a function body
// and trims the blank lines around it.
func dedent(s string) string {
	lines := strings.Split(strings.Trim(s, "\n"), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimPrefix(l, "\t")
	}
	return strings.TrimRight(strings.Join(lines, "\n"), " \t\n")
}

// Notebook returns the tutorial notebook with empty outputs.
func Notebook() *ipynb.Notebook { return Subset() }

// Subset returns the tutorial notebook with only the cells of the given
// ids, in the notebook's order, or with all of them when no id is given;
// tests use it to run a few steps.
func Subset(ids ...string) *ipynb.Notebook {
	nb, err := Build(strings.TrimSuffix(FileName, ".ipynb"))
	if err != nil {
		panic(err) // the cells are embedded: a test catches any error
	}
	if len(ids) > 0 {
		nb.Cells = slices.DeleteFunc(nb.Cells, func(c ipynb.Cell) bool { return !slices.Contains(ids, c.ID) })
	}
	return nb
}
