// Command gen writes the project's notebooks from the cell files in package
// cells (one folder per notebook), so that their text is reviewed and
// changed as Go source and Markdown:
//
//	go run ./notebooks/internal/gen [NAME ...]  # rewrite the notebooks (outputs cleared)
//	go run ./kernelsetup --execute notebooks/classify_text_with_embeddings.ipynb
//
// With names (classify_your_own_texts, ...) it rewrites only those
// notebooks, leaving the others' outputs as they are. The second command
// runs the notebook and saves its outputs. A test checks
// that the committed notebook's cells are the ones package cells holds.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/embedclassify/embedclassify/notebooks/internal/cells"
)

func main() {
	dir := flag.String("dir", "notebooks", "folder to write the notebooks into")
	flag.Parse()
	names := cells.Names()
	for _, a := range flag.Args() {
		if !slices.Contains(names, strings.TrimSuffix(a, ".ipynb")) {
			fmt.Fprintf(os.Stderr, "gen: no notebook %q; the notebooks are %s\n", a, strings.Join(names, ", "))
			os.Exit(2)
		}
	}
	if flag.NArg() > 0 {
		names = slices.DeleteFunc(names, func(n string) bool {
			return !slices.Contains(flag.Args(), n) && !slices.Contains(flag.Args(), n+".ipynb")
		})
	}
	for _, name := range names {
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
