// Package nbtest runs the project's notebooks in tests: whole, through
// Jupyter's nbconvert (Execute), or cell by cell in a GoNB kernel driven as
// a person drives it (Session), and checks what their cells show (Check).
//
// Each test that executes a notebook lives in a package of its own under
// notebooks/kerneltest, so that each has Go's whole default test timeout
// and the go command runs them side by side.
package nbtest

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/embedclassify/embedclassify/internal/ipynb"
	"github.com/embedclassify/embedclassify/internal/jupyter"
	"github.com/embedclassify/embedclassify/internal/jupyter/jupytertest"
	"github.com/embedclassify/embedclassify/internal/shared"
	"github.com/embedclassify/embedclassify/internal/testenv"
	"github.com/embedclassify/embedclassify/lib/embedding"
)

// Dir returns the repository's notebooks folder, found from the test's
// working folder (a package folder inside the repository). A notebook must
// run from there: its first cell finds the repository as the notebook's
// parent folder.
func Dir(tb testing.TB) string {
	tb.Helper()
	dir, err := os.Getwd()
	if err != nil {
		tb.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return filepath.Join(dir, "notebooks")
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			tb.Fatal("nbtest: no go.mod above the test's folder")
		}
		dir = parent
	}
}

// Path returns the path of the notebook file name in Dir.
func Path(tb testing.TB, name string) string {
	tb.Helper()
	return filepath.Join(Dir(tb), name)
}

// Expect is what one code cell must show.
type Expect struct {
	MIMEs []string // output MIME types (or "stream") that must be present
	Texts []string // strings that must appear in the cell's outputs
}

// Check fails the test for every cell that did not run or holds an error,
// and for every cell of want that lacks what want says it must show (or is
// not in the notebook).
func Check(t testing.TB, nb *ipynb.Notebook, want map[string]Expect) {
	t.Helper()
	for _, p := range append(nb.Errors(), nb.Unexecuted()...) {
		t.Errorf("%v", p)
	}
	seen := map[string]bool{}
	for _, c := range nb.Cells {
		w, ok := want[c.ID]
		if !ok {
			continue
		}
		seen[c.ID] = true
		var mimes []string
		var text strings.Builder
		for _, o := range c.Outputs {
			if o.Type == ipynb.Stream {
				mimes = append(mimes, "stream")
				text.WriteString(o.Text)
			}
			for _, m := range o.MIMETypes() {
				mimes = append(mimes, m)
				if s, ok := o.DataText(m); ok && strings.HasPrefix(m, "text/") {
					text.WriteString(s)
				}
			}
		}
		for _, m := range w.MIMEs {
			if !slices.Contains(mimes, m) {
				t.Errorf("cell %s: no %s output (outputs: %v)", c.ID, m, mimes)
			}
		}
		for _, s := range w.Texts {
			if !strings.Contains(text.String(), s) {
				t.Errorf("cell %s: outputs lack %q:\n%s", c.ID, s, Trim(text.String(), 1500))
			}
		}
	}
	for id := range want {
		if !seen[id] {
			t.Errorf("no cell %q in the notebook", id)
		}
	}
}

// CheckNoMachinePaths fails the test when the notebook file's bytes show a
// path of this machine: committed outputs must not depend on it.
func CheckNoMachinePaths(t testing.TB, name string, b []byte) {
	t.Helper()
	for _, p := range []string{"/tmp/", "/work/", "/root/", "/home/", `"/var/`} {
		if strings.Contains(string(b), p) {
			t.Errorf("%s shows a machine path (%s…): outputs must not depend on the machine", name, p)
		}
	}
}

// Trim cuts s to n bytes for a message.
func Trim(s string, n int) string {
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}

// RunEnv returns the environment of a notebook run: this process's, with
// the shared dataset, an empty embedding cache, no Gemini settings, and the
// extra variables.
func RunEnv(t testing.TB, extra ...string) []string {
	t.Helper()
	data := shared.Archive(t)
	drop := []string{"GEMINI_API_KEY", "GOOGLE_API_KEY", "GOOGLE_GENAI_USE_VERTEXAI", "GOOGLE_CLOUD_PROJECT",
		"GOOGLE_CLOUD_LOCATION", "GOOGLE_GEMINI_BASE_URL", "EMBEDCLASSIFY_DIMS", "EMBEDCLASSIFY_DATA", embedding.CacheDirEnv}
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if slices.Contains(drop, k) {
			continue
		}
		env = append(env, kv)
	}
	env = append(env, "EMBEDCLASSIFY_DATA="+data, embedding.CacheDirEnv+"="+t.TempDir())
	return append(env, extra...)
}

// Execute runs the notebook file name (in Dir) with the GoNB kernel and
// env into a temporary file and returns the executed notebook and its
// bytes; a cell that fails fails the test.
func Execute(t testing.TB, env []string, name string) (*ipynb.Notebook, []byte) {
	t.Helper()
	nb, b, err := ExecuteFile(t, env, Path(t, name))
	if err != nil {
		t.Fatal(err)
	}
	return nb, b
}

// ExecuteFile runs the notebook at path with env and returns the executed
// notebook, its bytes, and the error of the run (a *jupyter.ExecError when
// cells failed).
func ExecuteFile(t testing.TB, env []string, path string) (*ipynb.Notebook, []byte, error) {
	t.Helper()
	j := jupytertest.Jupyter(t)
	if err := j.HasNBConvert(t.Context()); err != nil {
		testenv.Missing(t, "%v", err)
	}
	jupytertest.Kernel(t, j, "gonb")
	j.Env = env
	out := filepath.Join(t.TempDir(), filepath.Base(path))
	start := time.Now()
	nb, err := j.Execute(context.Background(), path, jupyter.ExecOptions{
		Output: out, Timeout: 10 * time.Minute, AllowErrors: true,
	})
	t.Logf("executed %s in %.1fs", filepath.Base(path), time.Since(start).Seconds())
	b, rerr := os.ReadFile(out)
	if err == nil && rerr != nil {
		err = rerr
	}
	return nb, b, err
}
