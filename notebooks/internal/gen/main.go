// Command gen writes the project's notebooks from the cell files in package
// cells (one folder per notebook), so that their text is reviewed and
// changed as Go source and Markdown:
//
//	go run ./notebooks/internal/gen            # rewrite the notebooks (outputs cleared)
//	go run ./kernelsetup --execute notebooks/classify_text_with_embeddings.ipynb
//
// The second command runs the notebook and saves its outputs. A test checks
// that the committed notebook's cells are the ones package cells holds.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/embedclassify/embedclassify/notebooks/internal/cells"
)

func main() {
	dir := flag.String("dir", "notebooks", "folder to write the notebooks into")
	flag.Parse()
	for _, name := range cells.Names() {
		nb, err := cells.Build(name)
		if err == nil {
			path := filepath.Join(*dir, name+".ipynb")
			if err = nb.Write(path); err == nil {
				fmt.Printf("wrote %s (%d cells; outputs cleared: run `go run ./kernelsetup --execute %s` to fill them)\n", path, len(nb.Cells), path)
				continue
			}
		}
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}
