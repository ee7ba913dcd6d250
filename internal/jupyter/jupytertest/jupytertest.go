// Package jupytertest gives tests a working Jupyter and an installed
// kernel, and checks that the processes a test starts leave nothing behind
// (Watch, Command).
// Where they are missing, the test is skipped on a developer machine and
// failed in CI (CI=true), where the CI script installs them
// (testenv.Missing).
package jupytertest

import (
	"context"
	"crypto/rand"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/embedclassify/embedclassify/internal/jupyter"
	"github.com/embedclassify/embedclassify/internal/proctree"
	"github.com/embedclassify/embedclassify/internal/testenv"
)

// Jupyter returns a working jupyter (see jupyter.Find).
func Jupyter(tb testing.TB) *jupyter.Jupyter {
	tb.Helper()
	j, err := withinMinute(tb, func(ctx context.Context) (*jupyter.Jupyter, error) { return jupyter.Find(ctx) })
	if err != nil {
		testenv.Missing(tb, "%v", err)
	}
	return j
}

// Kernel checks that j has the named kernel installed and returns its spec.
func Kernel(tb testing.TB, j *jupyter.Jupyter, name string) jupyter.KernelSpec {
	tb.Helper()
	ks, err := withinMinute(tb, j.Kernels)
	if err != nil {
		testenv.Missing(tb, "cannot list Jupyter kernels: %v", err)
	}
	k, ok := ks[name]
	if !ok {
		testenv.Missing(tb, "Jupyter kernel %q is not installed (run `go run ./kernelsetup`)", name)
	}
	return k
}

// withinMinute calls f with a context that ends after a minute, or with
// the test.
func withinMinute[T any](tb testing.TB, f func(context.Context) (T, error)) (T, error) {
	ctx, cancel := context.WithTimeout(tb.Context(), time.Minute)
	defer cancel()
	return f(ctx)
}

// watchEnv is the environment variable that marks a Watch's processes.
const watchEnv = "EMBEDCLASSIFY_TEST_WATCH"

// A Watch gives the processes a test starts an environment that marks
// them and a temporary folder of their own, and reports what they leave
// behind: processes still running, files left in the folder.
type Watch struct {
	// Env is the environment to start processes with: the one given to
	// NewWatch with the mark and TMPDIR added.
	Env []string
	// TempDir is the processes' TMPDIR, an empty folder inside the test's
	// temporary folder.
	TempDir string

	mark string
}

// NewWatch returns a Watch for processes started with env (nil means this
// process's environment).
func NewWatch(tb testing.TB, env []string) *Watch {
	tb.Helper()
	if env == nil {
		env = os.Environ()
	}
	w := &Watch{TempDir: filepath.Join(tb.TempDir(), "tmp"), mark: watchEnv + "=" + rand.Text()}
	if err := os.Mkdir(w.TempDir, 0o700); err != nil {
		tb.Fatal(err)
	}
	w.Env = append(slices.Clone(env), "TMPDIR="+w.TempDir, w.mark)
	return w
}

// Leftovers returns an error naming what the watched processes left: any
// of them still running (see Running), any file or folder in TempDir. It
// returns nil when they left nothing.
func (w *Watch) Leftovers() error {
	problems := w.running()
	entries, err := os.ReadDir(w.TempDir)
	if err != nil {
		return err
	}
	for _, e := range entries {
		problems = append(problems, fmt.Sprintf("%s is left in the temporary folder", e.Name()))
	}
	if len(problems) > 0 {
		return fmt.Errorf("left behind: %s", strings.Join(problems, "; "))
	}
	return nil
}

// Running returns an error naming the watched processes still running,
// with their command lines, or nil when none is.
func (w *Watch) Running() error {
	if problems := w.running(); len(problems) > 0 {
		return fmt.Errorf("left behind: %s", strings.Join(problems, "; "))
	}
	return nil
}

func (w *Watch) running() []string {
	pids, err := proctree.Marked(w.mark)
	if err != nil {
		return []string{err.Error()}
	}
	var problems []string
	for _, p := range pids {
		cmdline, _ := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", p))
		problems = append(problems, fmt.Sprintf("process %d (%s) is still running", p, strings.TrimSpace(strings.ReplaceAll(string(cmdline), "\x00", " "))))
	}
	return problems
}

// Command returns a command running name with args and env in a process
// tree of its own, watched by a new Watch (its Env replaces env, so TMPDIR
// is the Watch's, inside the test's temporary folder). When the test ends,
// every process of the tree is killed (a kernel killed by its client
// leaves GoNB's gopls running), the test fails if one survives, and the
// files they left go with the test's temporary folder.
func Command(tb testing.TB, ctx context.Context, env []string, name string, args ...string) *exec.Cmd {
	tb.Helper()
	w := NewWatch(tb, env)
	tree := proctree.New()
	cmd := tree.Command(ctx, name, args...)
	cmd.Env = w.Env
	tree.Add(cmd)
	tb.Cleanup(func() {
		if err := tree.Kill(); err != nil {
			tb.Error(err)
		}
		if err := w.Running(); err != nil {
			tb.Errorf("%s: %v", filepath.Base(name), err)
		}
	})
	return cmd
}
