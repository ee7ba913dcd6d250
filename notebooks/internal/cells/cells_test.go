package cells

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/embedclassify/embedclassify/internal/ipynb"
)

const (
	tutorialDir = "classify_text_with_embeddings"
	ownTextsDir = "classify_your_own_texts"
)

func tutorialCells(t *testing.T) []Cell {
	t.Helper()
	cells, err := Cells(tutorialDir)
	if err != nil {
		t.Fatal(err)
	}
	return cells
}

// Each committed notebook must hold exactly the cells the files describe
// (its outputs come from running it).
func TestCommittedNotebookMatchesCells(t *testing.T) {
	for _, name := range Names() {
		t.Run(name, func(t *testing.T) {
			file := name + ".ipynb"
			committed, err := ipynb.Read(filepath.Join("..", "..", file))
			if err != nil {
				t.Fatal(err)
			}
			want, err := Build(name)
			if err != nil {
				t.Fatal(err)
			}
			fix := "\nRegenerate with `go run ./notebooks/internal/gen " + name + "`, then run `go run ./kernelsetup --execute notebooks/" + file + "`."
			if len(committed.Cells) != len(want.Cells) {
				t.Fatalf("committed notebook has %d cells, the cell files %d.%s", len(committed.Cells), len(want.Cells), fix)
			}
			for i, c := range committed.Cells {
				w := want.Cells[i]
				if c.Type != w.Type || c.ID != w.ID || c.Source != w.Source {
					t.Errorf("cell %d (%s) differs from its file (%s):\n got %s: %q\nwant %s: %q%s", i, c.ID, w.ID, c.Type, head(c.Source), w.Type, head(w.Source), fix)
				}
			}
			if ks, _ := committed.Metadata["kernelspec"].(map[string]any); ks["name"] != "gonb" {
				t.Errorf("kernelspec = %v, want the gonb kernel", committed.Metadata["kernelspec"])
			}
		})
	}
}

func head(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i] + " …"
	}
	return s
}

// allCells returns the cells of every notebook, with their folder.
func allCells(t *testing.T) map[string][]Cell {
	t.Helper()
	all := map[string][]Cell{}
	for _, name := range Names() {
		cells, err := Cells(name)
		if err != nil {
			t.Fatal(err)
		}
		all[name] = cells
	}
	for _, dir := range []string{tutorialDir, ownTextsDir} {
		if len(all[dir]) == 0 {
			t.Fatalf("no cells in %s", dir)
		}
	}
	return all
}

// Cell ids must be unique and valid nbformat ids.
func TestCellIDs(t *testing.T) {
	for _, cells := range allCells(t) {
		checkIDs(t, cells)
	}
}

func checkIDs(t *testing.T, cells []Cell) {
	seen := map[string]bool{}
	for _, c := range cells {
		if seen[c.ID] {
			t.Errorf("duplicate cell id %q", c.ID)
		}
		seen[c.ID] = true
		if len(c.ID) == 0 || len(c.ID) > 64 || strings.Trim(c.ID, "abcdefghijklmnopqrstuvwxyz0123456789-") != "" {
			t.Errorf("cell id %q: want 1 to 64 of a-z, 0-9 and '-'", c.ID)
		}
	}
}

// requires returns the module paths go.mod requires.
func requires(t *testing.T) []string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "..", "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	var mods []string
	in := false
	for _, l := range strings.Split(string(b), "\n") {
		f := strings.Fields(l)
		switch {
		case len(f) == 0:
		case f[0] == "require" && len(f) > 1 && f[1] == "(":
			in = true
		case in && f[0] == ")":
			in = false
		case in:
			mods = append(mods, f[0])
		case f[0] == "require" && len(f) > 2:
			mods = append(mods, f[1])
		}
	}
	return mods
}

// Every Go cell imports only the standard library, this module's packages
// and modules go.mod requires (the workspace resolves those offline; GoNB
// would `go get` any other), and carries none of the plumbing the lesson
// hides: no keys, memo calls, closures or contexts to thread.
func TestCellSources(t *testing.T) {
	mods := requires(t)
	for dir, cells := range allCells(t) {
		checkSources(t, dir, cells, mods)
	}
}

func checkSources(t *testing.T, dir string, cells []Cell, mods []string) {
	for _, c := range cells {
		if c.Type != ipynb.Code || !strings.HasSuffix(c.File, ".go") {
			continue
		}
		src, err := os.ReadFile(filepath.Join(dir, c.File))
		if err != nil {
			t.Fatal(err)
		}
		f, err := parser.ParseFile(token.NewFileSet(), c.File, src, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, im := range f.Imports {
			p, _ := strconv.Unquote(im.Path.Value)
			ok := !strings.Contains(strings.Split(p, "/")[0], ".") || strings.HasPrefix(p, "github.com/embedclassify/embedclassify/")
			for _, m := range mods {
				ok = ok || p == m || strings.HasPrefix(p, m+"/")
			}
			if !ok {
				t.Errorf("cell %s imports %s, from a module go.mod does not require", c.ID, p)
			}
		}
		for _, bad := range []string{"Key(", "Memo(", "Must(", "func()", "notebook.Context"} {
			if strings.Contains(c.Source, bad) {
				t.Errorf("cell %s contains %q", c.ID, bad)
			}
		}
	}
}

// Each cell that mirrors a Python cell is one or two lines of Go after
// %%, and the Markdown cell before it shows the Python it mirrors. Beyond
// the tutorial (after "next-md") and the one cell that shows the raw API
// call, cells may be longer.
func TestCellsReadLikeThePython(t *testing.T) {
	cells := tutorialCells(t)
	long := map[string]bool{"gemini-call": true}
	total := 0
	for i, c := range cells {
		if c.ID == "next-md" {
			break
		}
		if c.Type != ipynb.Code {
			continue
		}
		_, body, _ := strings.Cut(c.Source, "%%\n")
		n := len(strings.Split(strings.TrimSpace(body), "\n"))
		total += n
		if body != "" && n > 2 && !long[c.ID] {
			t.Errorf("cell %s has %d lines after %%%%, want 1 or 2:\n%s", c.ID, n, body)
		}
		if i == 0 || cells[i-1].Type != ipynb.Markdown || !strings.Contains(cells[i-1].Source, "```python") {
			t.Errorf("cell %s: the Markdown cell before it shows no Python", c.ID)
		}
	}
	t.Logf("%d lines of Go after %%%% in the tutorial's cells", total)
}

// Every Go cell of the own-texts notebook is one or two lines after %%,
// and every one comes after a Markdown cell that says what it does.
func TestOwnTextsCellsAreShort(t *testing.T) {
	cells := allCells(t)[ownTextsDir]
	for i, c := range cells {
		if c.Type != ipynb.Code || !strings.HasSuffix(c.File, ".go") {
			continue
		}
		_, body, _ := strings.Cut(c.Source, "%%\n")
		if n := len(strings.Split(strings.TrimSpace(body), "\n")); body != "" && n > 2 {
			t.Errorf("cell %s has %d lines after %%%%, want 1 or 2:\n%s", c.ID, n, body)
		}
		if i == 0 || cells[i-1].Type != ipynb.Markdown {
			t.Errorf("cell %s: no Markdown cell before it", c.ID)
		}
	}
}

func TestGoCell(t *testing.T) {
	src := "package main\n\nimport \"fmt\"\n\n// n is a number.\nvar n = 1\n\n// cellX is dropped.\nfunc cellX() {\n\tif n > 0 {\n\t\tfmt.Println(n)\n\t}\n}\n\nfunc helper() int { return n }\n"
	got, err := goCell("x.go", src, map[string]bool{})
	if err != nil {
		t.Fatal(err)
	}
	want := "import \"fmt\"\n\n// n is a number.\nvar n = 1\n\nfunc helper() int { return n }\n\n%%\nif n > 0 {\n\tfmt.Println(n)\n}"
	if got != want {
		t.Errorf("goCell:\n%s\nwant:\n%s", got, want)
	}
	// Imports an earlier cell made are left out.
	seen := map[string]bool{`"fmt"`: true}
	got, err = goCell("w.go", "package main\n\nimport (\n\t\"fmt\"\n\tx \"os\"\n)\n\nvar _, _ = fmt.Sprint, x.Exit\n", seen)
	if want := "import x \"os\"\n\nvar _, _ = fmt.Sprint, x.Exit"; got != want || err != nil {
		t.Errorf("goCell with fmt imported before = %q, %v; want %q", got, err, want)
	}
	if _, err := goCell("y.go", "package main\n\nfunc cellA() {}\nfunc cellB() {}\n", map[string]bool{}); err == nil {
		t.Error("two cell functions: no error")
	}
	if _, err := goCell("z.go", "package main\n\nfunc cellA(n int) {}\n", map[string]bool{}); err == nil {
		t.Error("a cell function with parameters: no error")
	}
}
