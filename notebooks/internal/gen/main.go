// Command gen writes the project's notebooks from the cells in package cells, so
// that their text can be reviewed and changed as Go source:
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
	nb := cells.Notebook()
	path := filepath.Join(*dir, cells.FileName)
	if err := nb.Write(path); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
	fmt.Printf("wrote %s (%d cells; outputs cleared: run `go run ./kernelsetup --execute %s` to fill them)\n", path, len(nb.Cells), path)
}
