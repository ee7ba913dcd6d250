// Command gen writes the project's notebooks from the cells in cells.go, so
// that their text can be reviewed and changed as Go source:
//
//	go run ./notebooks/internal/gen            # rewrite the notebooks (outputs cleared)
//	go run ./kernelsetup --execute notebooks/classify_text_with_embeddings.ipynb
//
// The second command runs the notebook and saves its outputs. A test checks
// that the committed notebook's cells are the ones cells.go holds.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/embedclassify/embedclassify/lib/notebook/ipynb"
)

func main() {
	dir := flag.String("dir", "notebooks", "folder to write the notebooks into")
	flag.Parse()
	nb := Notebook()
	path := filepath.Join(*dir, FileName)
	if err := nb.Write(path); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
	fmt.Printf("wrote %s (%d cells; outputs cleared: run `go run ./kernelsetup --execute %s` to fill them)\n", path, len(nb.Cells), path)
}

// FileName is the tutorial notebook's file name.
const FileName = "classify_text_with_embeddings.ipynb"

// cell is one cell of the notebook: its type, a stable id and its source.
type cell struct {
	kind, id, src string
}

// md makes a markdown cell; ´ stands for a backquote, which Go's raw
// strings cannot hold.
func md(id, src string) cell {
	return cell{ipynb.Markdown, id, strings.ReplaceAll(strings.TrimSpace(src), "´", "`")}
}

// code makes a Go cell.
func code(id, src string) cell {
	return cell{ipynb.Code, id, strings.TrimSpace(src)}
}

// Notebook returns the tutorial notebook with empty outputs.
func Notebook() *ipynb.Notebook {
	nb := ipynb.New("gonb", "Go (gonb)", "go")
	for _, c := range cells {
		nb.Cells = append(nb.Cells, ipynb.Cell{Type: c.kind, ID: c.id, Source: c.src})
	}
	return nb
}
