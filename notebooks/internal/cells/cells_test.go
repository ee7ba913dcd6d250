package cells

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/embedclassify/embedclassify/internal/ipynb"
)

// The committed notebook must hold exactly the cells cells.go describes
// (its outputs come from running it).
func TestCommittedNotebookMatchesCells(t *testing.T) {
	committed, err := ipynb.Read(filepath.Join("..", "..", FileName))
	if err != nil {
		t.Fatal(err)
	}
	want := Notebook()
	const fix = "\nRegenerate with `go run ./notebooks/internal/gen`, then run `go run ./kernelsetup --execute notebooks/" + FileName + "`."
	if len(committed.Cells) != len(want.Cells) {
		t.Fatalf("committed notebook has %d cells, cells.go %d.%s", len(committed.Cells), len(want.Cells), fix)
	}
	for i, c := range committed.Cells {
		w := want.Cells[i]
		if c.Type != w.Type || c.ID != w.ID || c.Source != w.Source {
			t.Errorf("cell %d (%s) differs from cells.go (%s):\n got %s: %q\nwant %s: %q%s", i, c.ID, w.ID, c.Type, head(c.Source), w.Type, head(w.Source), fix)
		}
	}
	if ks, _ := committed.Metadata["kernelspec"].(map[string]any); ks["name"] != "gonb" {
		t.Errorf("kernelspec = %v, want the gonb kernel", committed.Metadata["kernelspec"])
	}
}

func head(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i] + " …"
	}
	return s
}

// Cell ids must be unique and valid nbformat ids.
func TestCellIDs(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range cells {
		if seen[c.id] {
			t.Errorf("duplicate cell id %q", c.id)
		}
		seen[c.id] = true
		if len(c.id) == 0 || len(c.id) > 64 || strings.Trim(c.id, "abcdefghijklmnopqrstuvwxyz0123456789-") != "" {
			t.Errorf("cell id %q: want 1 to 64 of a-z, 0-9 and '-'", c.id)
		}
	}
}

// No cell may contain the backquote stand-in unreplaced, and every Go cell
// uses only this module's packages and the standard library: GoNB runs
// `go get` for a cell's imports, and other modules' packages need the
// network for that.
func TestCellSources(t *testing.T) {
	for _, c := range Notebook().Cells {
		if strings.Contains(c.Source, "´") {
			t.Errorf("cell %s still holds the ´ stand-in", c.ID)
		}
		if c.Type != ipynb.Code {
			continue
		}
		for _, path := range imports(c.Source) {
			if strings.Contains(path, ".") && !strings.HasPrefix(path, "github.com/embedclassify/embedclassify/") {
				t.Errorf("cell %s imports %s: use this module's packages (wrap it in lib/notebook)", c.ID, path)
			}
		}
	}
}

// imports returns the import paths of a Go cell: single import lines and
// import blocks.
func imports(src string) []string {
	var paths []string
	inBlock := false
	for _, line := range strings.Split(src, "\n") {
		line = strings.TrimSpace(line)
		switch {
		case inBlock && line == ")":
			inBlock = false
		case inBlock:
			if f := strings.Fields(line); len(f) > 0 {
				paths = append(paths, strings.Trim(f[len(f)-1], `"`))
			}
		case line == "import (":
			inBlock = true
		case strings.HasPrefix(line, "import "):
			f := strings.Fields(line)
			paths = append(paths, strings.Trim(f[len(f)-1], `"`))
		}
	}
	return paths
}

func TestImports(t *testing.T) {
	src := "import \"fmt\"\nimport x \"a.b/c\"\nimport (\n\t\"os\"\n\ty \"d.e/f\"\n)\n%%\ns := \"import (\"\n"
	got := strings.Join(imports(src), " ")
	if want := "fmt a.b/c os d.e/f"; got != want {
		t.Errorf("imports = %q, want %q", got, want)
	}
}
