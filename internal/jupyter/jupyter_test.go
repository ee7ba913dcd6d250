package jupyter_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/embedclassify/embedclassify/internal/ipynb"
	"github.com/embedclassify/embedclassify/internal/jupyter"
	"github.com/embedclassify/embedclassify/internal/jupyter/jupytertest"
	"github.com/embedclassify/embedclassify/internal/testenv"
)

func TestFindWithoutJupyter(t *testing.T) {
	t.Setenv("PATH", "")
	t.Setenv("JUPYTER", "")
	_, err := jupyter.Find(context.Background(), "jupyter", filepath.Join(t.TempDir(), "jupyter"))
	if !errors.Is(err, jupyter.ErrNotFound) {
		t.Fatalf("Find error = %v, want ErrNotFound", err)
	}
	for _, want := range []string{"jupyter: not found", "pip install jupyterlab", "apt-get install jupyter-notebook"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
}

// script writes an executable shell script named name into dir.
func script(t *testing.T, dir, name, body string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte("#!/bin/sh\n"+body), 0o755); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestFindSkipsBrokenJupyter(t *testing.T) {
	dir := t.TempDir()
	broken := script(t, dir, "broken", "echo 'ModuleNotFoundError: jupyter_core' >&2; exit 1\n")
	good := script(t, dir, "good", "echo 'jupyter_core : 5.0'\n")
	j, err := jupyter.Find(context.Background(), broken, good)
	if err != nil {
		t.Fatal(err)
	}
	if j.Path != good || j.Version != "jupyter_core : 5.0" {
		t.Errorf("Find = %+v, want the good one", j)
	}

	_, err = jupyter.Find(context.Background(), broken)
	if !errors.Is(err, jupyter.ErrNotFound) || !strings.Contains(err.Error(), "ModuleNotFoundError") {
		t.Errorf("Find(broken) error = %v, want ErrNotFound with the reason", err)
	}
}

func TestKernelsFallsBackToPython(t *testing.T) {
	// A "jupyter" whose kernelspec subcommand fails (here: it cannot run at
	// all), and the Python named on its #! line answers the listing.
	dir := t.TempDir()
	py := script(t, dir, "python", `echo '{"kernelspecs": {"gonb": {"resource_dir": "/k/gonb", "spec": {"argv": ["/bin/gonb", "--kernel", "{connection_file}"], "display_name": "Go (gonb)", "language": "go", "env": {"PATH": "/bin:${PATH}"}}}}}'`+"\n")
	j := filepath.Join(dir, "jupyter")
	if err := os.WriteFile(j, []byte("#!"+py+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	ks, err := (&jupyter.Jupyter{Path: j}).Kernels(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	k, ok := ks["gonb"]
	if !ok || k.ResourceDir != "/k/gonb" || k.Spec.Argv[0] != "/bin/gonb" || k.Spec.Env["PATH"] != "/bin:${PATH}" {
		t.Errorf("Kernels = %+v", ks)
	}

	// Neither works: the error says both.
	if err := os.WriteFile(j, []byte("no shebang\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = (&jupyter.Jupyter{Path: j}).Kernels(context.Background())
	if err == nil || !strings.Contains(err.Error(), "kernelspec list") || !strings.Contains(err.Error(), "not a Python script") {
		t.Errorf("Kernels error = %v", err)
	}
}

// The tests below run the real Jupyter with its Python kernel: they test
// this package, not GoNB (kernelsetup and notebooks test that).

func writeNotebook(t *testing.T, path string, sources ...string) {
	t.Helper()
	nb := ipynb.New("python3", "Python 3", "python")
	for _, s := range sources {
		nb.Cells = append(nb.Cells, ipynb.Cell{Type: ipynb.Code, Source: s})
	}
	if err := nb.Write(path); err != nil {
		t.Fatal(err)
	}
}

func python3Kernel(t *testing.T) *jupyter.Jupyter {
	j := jupytertest.Jupyter(t)
	if err := j.HasNBConvert(context.Background()); err != nil {
		testenv.Missing(t, "%v", err)
	}
	jupytertest.Kernel(t, j, "python3")
	return j
}

func TestExecute(t *testing.T) {
	t.Parallel()
	j := python3Kernel(t)
	dir := t.TempDir()
	in := filepath.Join(dir, "ok.ipynb")
	writeNotebook(t, in, "print('hello', 6*7)", "import os\nprint(os.getcwd())")

	out := filepath.Join(dir, "out", "ok-run.ipynb")
	if err := os.Mkdir(filepath.Dir(out), 0o755); err != nil {
		t.Fatal(err)
	}
	nb, err := j.Execute(context.Background(), in, jupyter.ExecOptions{Output: out, Timeout: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	outs := nb.Outputs()
	if len(outs) != 2 || outs[0].Text != "hello 42\n" {
		t.Fatalf("outputs = %+v", outs)
	}
	// The kernel runs in the notebook's folder.
	if got := strings.TrimSpace(outs[1].Text); got != dir {
		t.Errorf("kernel ran in %q, want %q", got, dir)
	}
	// The input is untouched, the output written.
	orig, err := ipynb.Read(in)
	if err != nil {
		t.Fatal(err)
	}
	if len(orig.Outputs()) != 0 {
		t.Error("Execute with Output changed the input notebook")
	}

	// In place.
	if _, err := j.Execute(context.Background(), in, jupyter.ExecOptions{}); err != nil {
		t.Fatal(err)
	}
	orig, err = ipynb.Read(in)
	if err != nil {
		t.Fatal(err)
	}
	if len(orig.Outputs()) != 2 {
		t.Errorf("in-place execution left %d outputs, want 2", len(orig.Outputs()))
	}
}

func TestExecuteReportsCellErrors(t *testing.T) {
	t.Parallel()
	j := python3Kernel(t)
	dir := t.TempDir()
	in := filepath.Join(dir, "bad.ipynb")
	writeNotebook(t, in, "print('before')", "raise ValueError('broken on purpose')", "print('after')")

	// Stopping at the error: nbconvert writes nothing, the log names the cell.
	_, err := j.Execute(context.Background(), in, jupyter.ExecOptions{Output: filepath.Join(dir, "stop.ipynb")})
	var xerr *jupyter.ExecError
	if !errors.As(err, &xerr) {
		t.Fatalf("error = %v, want an *ExecError", err)
	}
	if !strings.Contains(err.Error(), "broken on purpose") {
		t.Errorf("error does not show the cell's failure:\n%v", err)
	}

	// Going on after the error: the notebook is written and the problem
	// points at the cell.
	nb, err := j.Execute(context.Background(), in, jupyter.ExecOptions{Output: filepath.Join(dir, "all.ipynb"), AllowErrors: true})
	if !errors.As(err, &xerr) || nb == nil {
		t.Fatalf("error = %v (notebook %v), want an *ExecError and the notebook", err, nb != nil)
	}
	if len(xerr.Problems) != 1 || xerr.Problems[0].Cell != 1 || !strings.Contains(xerr.Problems[0].Message, "ValueError") {
		t.Errorf("problems = %v", xerr.Problems)
	}
	if got := nb.Cells[2].Outputs; len(got) != 1 || got[0].Text != "after\n" {
		t.Errorf("cell after the error: %+v", got)
	}
}

// TestExecuteTimeoutAndCancel runs a cell that sleeps for an hour: a cell
// timeout and a cancelled context must each end the run with the right
// error, and leave no process or temporary file behind.
func TestExecuteTimeoutAndCancel(t *testing.T) {
	t.Parallel()
	j := python3Kernel(t)
	w := jupytertest.NewWatch(t, nil)
	j.Env = w.Env
	dir := t.TempDir()
	in := filepath.Join(dir, "slow.ipynb")
	writeNotebook(t, in, "import time\ntime.sleep(3600)")

	_, err := j.Execute(context.Background(), in, jupyter.ExecOptions{Output: filepath.Join(dir, "t.ipynb"), Timeout: 2 * time.Second})
	if err == nil || !strings.Contains(err.Error(), "timed out") {
		t.Errorf("timeout error = %v, want one saying the cell timed out", err)
	}
	if err := w.Leftovers(); err != nil {
		t.Errorf("after the timeout: %v", err)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	_, err = j.Execute(ctx, in, jupyter.ExecOptions{Output: filepath.Join(dir, "c.ipynb")})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("cancelled error = %v, want context.DeadlineExceeded", err)
	}
	if err := w.Leftovers(); err != nil {
		t.Errorf("after the cancel: %v", err)
	}
}

// TestExecuteGoNBLeavesNothing executes a Go notebook with the GoNB kernel,
// which starts gopls in a process group of its own and builds every cell
// in a temporary folder of about 90 MB, and cancels it while a cell runs:
// when Execute returns, neither the kernel, gopls, the cell's program nor
// the folder may be left. (nbconvert killed by the cancel leaves the kernel
// running, and the kernel leaves the rest.)
func TestExecuteGoNBLeavesNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: runs a GoNB kernel")
	}
	t.Parallel()
	j := jupytertest.Jupyter(t)
	if err := j.HasNBConvert(context.Background()); err != nil {
		testenv.Missing(t, "%v", err)
	}
	jupytertest.Kernel(t, j, "gonb")
	dir := t.TempDir()
	started := filepath.Join(dir, "started")
	w := jupytertest.NewWatch(t, append(os.Environ(), "GONB_TEST_STARTED="+started))
	j.Env = w.Env
	in := filepath.Join(dir, "go.ipynb")
	nb := ipynb.New("gonb", "Go (gonb)", "go")
	nb.Cells = []ipynb.Cell{
		{Type: ipynb.Code, Source: "%%\nfmt.Println(\"hello from Go\")"},
		{Type: ipynb.Code, Source: "%%\nos.WriteFile(os.Getenv(\"GONB_TEST_STARTED\"), nil, 0o644)\ntime.Sleep(time.Hour)"},
	}
	if err := nb.Write(in); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() {
		_, err := j.Execute(ctx, in, jupyter.ExecOptions{Output: filepath.Join(dir, "out.ipynb")})
		done <- err
	}()
	// Cancel once the second cell runs.
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
wait:
	for {
		select {
		case err := <-done:
			t.Fatalf("Execute returned before the sleeping cell ran: %v", err)
		case <-tick.C:
			if _, err := os.Stat(started); err == nil {
				break wait
			}
		}
	}
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Errorf("error = %v, want context.Canceled", err)
	}
	if err := w.Leftovers(); err != nil {
		t.Error(err)
	}
}
