// Package jupyter runs the Jupyter command line: it finds a working
// jupyter, lists the installed kernels and executes notebooks with
// `jupyter nbconvert --execute`.
package jupyter

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/embedclassify/embedclassify/internal/ipynb"
	"github.com/embedclassify/embedclassify/internal/proctree"
)

// InstallHelp tells how to get Jupyter, for error messages.
const InstallHelp = `Install Jupyter with one of:
  pip install jupyterlab
  sudo apt-get install jupyter-notebook jupyter-nbconvert python3-nbclient python3-ipykernel   (Debian, Ubuntu)`

// ErrNotFound is returned (wrapped) by Find when no working jupyter exists.
var ErrNotFound = errors.New("no working Jupyter found")

// DebianPath is where Debian's packages install jupyter. Find tries it after
// PATH, since a Python environment first on PATH may lack Jupyter.
const DebianPath = "/usr/bin/jupyter"

// Jupyter is a working jupyter command.
type Jupyter struct {
	Path    string   // the jupyter executable
	Version string   // the first lines of `jupyter --version`, for messages
	Env     []string // environment for the commands it runs; nil means os.Environ()
}

// Find returns the first working jupyter among candidates, or among
// $JUPYTER, "jupyter" on PATH and DebianPath when no candidate is given.
// A candidate is a path or a name looked up on PATH; it works when
// `jupyter --version` succeeds. The error wraps ErrNotFound, says what was
// tried and how to install Jupyter.
func Find(ctx context.Context, candidates ...string) (*Jupyter, error) {
	if len(candidates) == 0 {
		if j := os.Getenv("JUPYTER"); j != "" {
			candidates = append(candidates, j)
		}
		candidates = append(candidates, "jupyter", DebianPath)
	}
	var tried []string
	seen := map[string]bool{}
	for _, c := range candidates {
		path, err := exec.LookPath(c)
		if err != nil {
			tried = append(tried, fmt.Sprintf("%s: not found", c))
			continue
		}
		if abs, err := filepath.Abs(path); err == nil {
			path = abs
		}
		if seen[path] {
			continue
		}
		seen[path] = true
		j := &Jupyter{Path: path}
		out, err := j.output(ctx, "--version")
		if err != nil {
			tried = append(tried, fmt.Sprintf("%s: %v", path, err))
			continue
		}
		j.Version = strings.TrimSpace(out)
		return j, nil
	}
	return nil, fmt.Errorf("%w (tried %s).\n%s", ErrNotFound, strings.Join(tried, "; "), InstallHelp)
}

// command returns an exec.Cmd running jupyter with args and env (nil
// means os.Environ()) in a process tree of its own: cancelling ctx ends
// the command and every process it started (kernels, and the gopls a GoNB
// kernel starts), and so does the tree's Kill.
func (j *Jupyter) command(ctx context.Context, env []string, args ...string) (*exec.Cmd, *proctree.Tree) {
	tree := proctree.New()
	cmd := tree.Command(ctx, j.Path, args...)
	cmd.Env = env
	tree.Add(cmd)
	cmd.WaitDelay = 5 * time.Second
	return cmd, tree
}

// run runs cmd and then ends whatever it left running in tree.
func run(cmd *exec.Cmd, tree *proctree.Tree) error {
	err := cmd.Run()
	if kerr := tree.Kill(); kerr != nil && err == nil {
		err = kerr
	}
	return err
}

// output runs jupyter with args and returns its standard output; the error
// carries the end of its standard error.
func (j *Jupyter) output(ctx context.Context, args ...string) (string, error) {
	cmd, tree := j.command(ctx, j.Env, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := run(cmd, tree); err != nil {
		return stdout.String(), fmt.Errorf("%s %s: %w%s", filepath.Base(j.Path), strings.Join(args, " "), err, tail(stderr.String(), 1500))
	}
	return stdout.String(), nil
}

// tail returns the last max bytes of s, indented on new lines, or "".
func tail(s string, max int) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return ""
	}
	if len(s) > max {
		s = "…" + s[len(s)-max:]
	}
	return "\n    " + strings.ReplaceAll(s, "\n", "\n    ")
}

// HasNBConvert reports whether `jupyter nbconvert` works; the error says
// how to get it.
func (j *Jupyter) HasNBConvert(ctx context.Context) error {
	if _, err := j.output(ctx, "nbconvert", "--version"); err != nil {
		return fmt.Errorf("jupyter nbconvert does not work (%v).\nInstall it with `pip install nbconvert` or `sudo apt-get install jupyter-nbconvert python3-nbclient`", err)
	}
	return nil
}

// DataDir returns Jupyter's user data folder, where kernels are installed
// under kernels/.
func (j *Jupyter) DataDir(ctx context.Context) (string, error) {
	out, err := j.output(ctx, "--data-dir")
	if err != nil {
		return "", fmt.Errorf("asking Jupyter for its data folder: %w", err)
	}
	d := strings.TrimSpace(out)
	if d == "" {
		return "", errors.New("jupyter --data-dir printed nothing")
	}
	return d, nil
}

// KernelSpec is an installed kernel as Jupyter sees it.
type KernelSpec struct {
	ResourceDir string `json:"resource_dir"` // folder holding kernel.json
	Spec        struct {
		Argv          []string          `json:"argv"`
		DisplayName   string            `json:"display_name"`
		Language      string            `json:"language"`
		InterruptMode string            `json:"interrupt_mode"`
		Env           map[string]string `json:"env"`
	} `json:"spec"`
}

// kernelSpecsPython lists the kernels with jupyter_client, for when the
// `jupyter kernelspec` command is not installed (Debian ships it in the
// separate jupyter-client package).
const kernelSpecsPython = `import json
from jupyter_client.kernelspec import KernelSpecManager
print(json.dumps({"kernelspecs": KernelSpecManager().get_all_specs()}))`

// Kernels returns the installed kernels by name, as `jupyter kernelspec
// list` reports them. Without that command it asks jupyter_client through
// the Python interpreter that runs jupyter.
func (j *Jupyter) Kernels(ctx context.Context) (map[string]KernelSpec, error) {
	out, err := j.output(ctx, "kernelspec", "list", "--json")
	if err != nil {
		py, perr := j.Python()
		if perr != nil {
			return nil, fmt.Errorf("listing Jupyter kernels: %w; and %v", err, perr)
		}
		cmd := exec.CommandContext(ctx, py, "-c", kernelSpecsPython)
		cmd.Env = j.Env
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		b, perr := cmd.Output()
		if perr != nil {
			return nil, fmt.Errorf("listing Jupyter kernels: %w; with %s: %v%s", err, py, perr, tail(stderr.String(), 800))
		}
		out = string(b)
	}
	var list struct {
		KernelSpecs map[string]KernelSpec `json:"kernelspecs"`
	}
	if err := json.Unmarshal([]byte(out), &list); err != nil {
		return nil, fmt.Errorf("reading Jupyter's kernel list: %w", err)
	}
	return list.KernelSpecs, nil
}

// Python returns the Python interpreter that runs jupyter: the one named on
// the first line of the jupyter script ("#!/usr/bin/python3"). It has
// Jupyter's Python packages (jupyter_client, nbformat).
func (j *Jupyter) Python() (string, error) {
	f, err := os.Open(j.Path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	buf := make([]byte, 256)
	n, _ := f.Read(buf)
	line, _, _ := strings.Cut(string(buf[:n]), "\n")
	if !strings.HasPrefix(line, "#!") {
		return "", fmt.Errorf("%s is not a Python script", j.Path)
	}
	fields := strings.Fields(strings.TrimPrefix(line, "#!"))
	if len(fields) == 0 {
		return "", fmt.Errorf("%s has an empty #! line", j.Path)
	}
	if filepath.Base(fields[0]) == "env" && len(fields) > 1 {
		return exec.LookPath(fields[len(fields)-1])
	}
	return fields[0], nil
}

// ExecOptions controls Execute.
type ExecOptions struct {
	// Output is the file that receives the executed notebook; "" writes
	// the outputs into the input file itself.
	Output string
	// Timeout bounds each cell's execution; 0 means no limit.
	Timeout time.Duration
	// Kernel overrides the kernel named in the notebook's metadata.
	Kernel string
	// AllowErrors keeps executing after a cell fails, recording the error
	// in the cell's output instead of stopping.
	AllowErrors bool
	// Log receives nbconvert's and the kernel's log (standard error);
	// nil discards it, but its end still goes into errors.
	Log io.Writer
}

// ExecError is returned by Execute when the notebook did not run cleanly.
type ExecError struct {
	Notebook string          // the notebook executed
	Problems []ipynb.Problem // cell errors found in the executed notebook, if it was written
	Err      error           // nbconvert's failure, if it failed
	Log      string          // the end of nbconvert's standard error
}

// Error tells which notebook failed and why.
func (e *ExecError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "executing %s failed", e.Notebook)
	if e.Err != nil {
		fmt.Fprintf(&b, ": %v", e.Err)
	}
	for _, p := range e.Problems {
		fmt.Fprintf(&b, "\n  %s", strings.ReplaceAll(p.String(), "\n", "\n    "))
	}
	if len(e.Problems) == 0 && e.Log != "" {
		b.WriteString(tail(e.Log, 3000))
	}
	return b.String()
}

// Unwrap returns the error that made the execution fail.
func (e *ExecError) Unwrap() error { return e.Err }

// Execute runs every cell of the notebook at path with `jupyter nbconvert
// --to notebook --execute` and returns the executed notebook. It fails with
// an *ExecError when nbconvert fails or the result holds error outputs or
// cells that did not run. Cancelling ctx stops nbconvert and its kernel.
//
// Execute leaves nothing behind: when it returns, every process nbconvert
// started has ended (GoNB's gopls included), and the kernel's temporary
// folder (TMPDIR, inside the TMPDIR of Env) is removed.
func (j *Jupyter) Execute(ctx context.Context, path string, opts ExecOptions) (*ipynb.Notebook, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	if _, err := os.Stat(abs); err != nil {
		return nil, fmt.Errorf("notebook to execute: %w", err)
	}
	args := []string{"nbconvert", "--to", "notebook", "--execute"}
	out := opts.Output
	if out == "" {
		args = append(args, "--inplace")
		out = abs
	} else {
		if out, err = filepath.Abs(out); err != nil {
			return nil, err
		}
		ext := filepath.Ext(out)
		args = append(args, "--output-dir", filepath.Dir(out), "--output", strings.TrimSuffix(filepath.Base(out), ext))
	}
	if opts.Timeout > 0 {
		args = append(args, "--ExecutePreprocessor.timeout="+strconv.Itoa(int(opts.Timeout.Seconds()+0.5)))
	} else {
		args = append(args, "--ExecutePreprocessor.timeout=-1")
	}
	if opts.Kernel != "" {
		args = append(args, "--ExecutePreprocessor.kernel_name="+opts.Kernel)
	}
	if opts.AllowErrors {
		args = append(args, "--allow-errors")
	}
	args = append(args, abs)

	// The kernel's temporary files (GoNB's build folder, about 90 MB) go
	// into a folder of this run's, removed when it ends, whether or not
	// the kernel had time to clean up.
	tmp, err := os.MkdirTemp(TempDir(j.Env), "jupyter-execute-")
	if err != nil {
		return nil, fmt.Errorf("creating the kernel's temporary folder: %w", err)
	}
	defer os.RemoveAll(tmp)
	env := j.Env
	if env == nil {
		env = os.Environ()
	}
	env = append(slices.Clone(env), "TMPDIR="+tmp)

	before := modTime(out)
	cmd, tree := j.command(ctx, env, args...)
	var stderr tailBuffer
	cmd.Stdout = &stderr
	if opts.Log != nil {
		cmd.Stderr = io.MultiWriter(&stderr, opts.Log)
	} else {
		cmd.Stderr = &stderr
	}
	// The kernel runs in the notebook's folder, as Jupyter would run it.
	cmd.Dir = filepath.Dir(abs)
	runErr := run(cmd, tree)
	if ctx.Err() != nil {
		runErr = fmt.Errorf("%w (%v)", ctx.Err(), runErr)
	}

	xerr := &ExecError{Notebook: path, Err: runErr, Log: stderr.String()}
	var nb *ipynb.Notebook
	if modTime(out).After(before) || (runErr == nil && out != abs) {
		nb, err = ipynb.Read(out)
		if err != nil {
			if xerr.Err == nil {
				xerr.Err = err
			}
			return nil, xerr
		}
		xerr.Problems = append(nb.Errors(), nb.Unexecuted()...)
	} else if runErr == nil {
		xerr.Err = errors.New("nbconvert succeeded but did not write the executed notebook")
	}
	if xerr.Err != nil || len(xerr.Problems) > 0 {
		if xerr.Err != nil && len(xerr.Problems) == 0 {
			xerr.Problems = cellErrorFromLog(xerr.Log)
		}
		return nb, xerr
	}
	return nb, nil
}

// cellErrorFromLog extracts nbclient's report of the failing cell from
// nbconvert's log, when nbconvert stopped at a cell error without writing
// the notebook.
func cellErrorFromLog(log string) []ipynb.Problem {
	const marker = "An error occurred while executing the following cell:"
	i := strings.LastIndex(log, marker)
	if i < 0 {
		return nil
	}
	msg := strings.TrimSpace(log[i+len(marker):])
	if len(msg) > 3000 {
		msg = msg[:3000] + "…"
	}
	return []ipynb.Problem{{Cell: -1, Message: msg}}
}

func modTime(path string) time.Time {
	fi, err := os.Stat(path)
	if err != nil {
		return time.Time{}
	}
	return fi.ModTime()
}

// tailBuffer keeps the last 64 KiB written to it.
type tailBuffer struct{ b []byte }

func (t *tailBuffer) Write(p []byte) (int, error) {
	const max = 64 << 10
	t.b = append(t.b, p...)
	if len(t.b) > max {
		t.b = append(t.b[:0], t.b[len(t.b)-max:]...)
	}
	return len(p), nil
}

func (t *tailBuffer) String() string { return string(t.b) }

// TempDir returns the folder for temporary files that env (nil means this
// process's environment) gives: its last TMPDIR, else os.TempDir().
func TempDir(env []string) string {
	if env == nil {
		return os.TempDir()
	}
	dir := ""
	for _, kv := range env {
		if v, ok := strings.CutPrefix(kv, "TMPDIR="); ok {
			dir = v
		}
	}
	if dir == "" {
		return "/tmp"
	}
	return dir
}
