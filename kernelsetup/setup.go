package main

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
	"strings"
	"time"

	"github.com/embedclassify/embedclassify/internal/ipynb"
	"github.com/embedclassify/embedclassify/internal/jupyter"
)

// kernelName is the name GoNB registers its kernel under.
const kernelName = "gonb"

// tools are the packages built from go.mod's tool directives, and the
// binaries they give.
var tools = []struct{ pkg, bin string }{
	{"github.com/janpfeifer/gonb", "gonb"},
	{"golang.org/x/tools/cmd/goimports", "goimports"},
	{"golang.org/x/tools/gopls", "gopls"},
}

// module is this project's module path: kernelsetup must run inside it.
const module = "github.com/embedclassify/embedclassify"

// run does what opts ask, reporting progress to out.
func run(ctx context.Context, opts options, out io.Writer) error {
	j, jerr := findJupyter(ctx, opts.jupyter)
	if opts.execute != "" {
		if jerr != nil {
			return jerr
		}
		return executeNotebook(ctx, j, opts, out)
	}

	genv, gerr := goEnvironment(ctx)
	if gerr != nil {
		return gerr
	}
	bin := binDir(genv, opts.bin)
	start := time.Now()
	fmt.Fprintf(out, "Building gonb, goimports and gopls (go.mod tool versions) into %s ...\n", bin)
	if err := buildTools(ctx, genv, bin); err != nil {
		return err
	}
	fmt.Fprintf(out, "  done in %.1fs\n", time.Since(start).Seconds())

	if jerr != nil {
		return fmt.Errorf("%w\nThen run `go run ./kernelsetup` again to register the Go kernel", jerr)
	}
	fmt.Fprintf(out, "Jupyter: %s\n", j.Path)

	spec, err := installKernel(ctx, j, genv, bin)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "Kernel %q (%s) registered in %s\n", kernelName, spec.Spec.DisplayName, spec.ResourceDir)
	fmt.Fprintf(out, "  the kernel finds go, goimports and gopls through PATH=%s\n", spec.Spec.Env["PATH"])

	if !opts.check {
		fmt.Fprintln(out, "Open a notebook with `jupyter notebook notebooks/` and pick the \"Go (gonb)\" kernel.")
		return nil
	}
	return checkKernel(ctx, j, genv, opts, out)
}

// findJupyter finds a working jupyter: the one given, or the default search.
func findJupyter(ctx context.Context, given string) (*jupyter.Jupyter, error) {
	var cands []string
	if given != "" {
		cands = []string{given}
	}
	j, err := jupyter.Find(ctx, cands...)
	if err != nil {
		return nil, fmt.Errorf("notebooks need Jupyter: %w", err)
	}
	return j, nil
}

// goEnv holds what kernelsetup needs from `go env`.
type goEnv struct {
	GOROOT, GOBIN, GOPATH, GOMOD string
}

// goEnvironment asks the go command for its settings and checks that it
// runs inside this module.
func goEnvironment(ctx context.Context) (goEnv, error) {
	var e goEnv
	goCmd, err := exec.LookPath("go")
	if err != nil {
		return e, fmt.Errorf("the go command is not on PATH (%w): install Go from https://go.dev/dl and run `go run ./kernelsetup` in the repository", err)
	}
	b, err := exec.CommandContext(ctx, goCmd, "env", "-json", "GOROOT", "GOBIN", "GOPATH", "GOMOD").Output()
	if err != nil {
		return e, fmt.Errorf("go env: %w", err)
	}
	if err := json.Unmarshal(b, &e); err != nil {
		return e, fmt.Errorf("reading go env: %w", err)
	}
	if e.GOMOD == "" || e.GOMOD == os.DevNull {
		return e, errors.New("not inside a Go module: run `go run ./kernelsetup` from the embedclassify repository")
	}
	mod, err := os.ReadFile(e.GOMOD)
	if err != nil {
		return e, fmt.Errorf("reading go.mod: %w", err)
	}
	if !bytes.Contains(mod, []byte("module "+module+"\n")) {
		return e, fmt.Errorf("%s is not the embedclassify module's go.mod: run kernelsetup from the embedclassify repository", e.GOMOD)
	}
	return e, nil
}

// root returns the module's root folder.
func (e goEnv) root() string { return filepath.Dir(e.GOMOD) }

// binDir returns the folder for the tools: the flag's, else GOBIN, else the
// first GOPATH entry's bin.
func binDir(e goEnv, flagBin string) string {
	switch {
	case flagBin != "":
		if abs, err := filepath.Abs(flagBin); err == nil {
			return abs
		}
		return flagBin
	case e.GOBIN != "":
		return e.GOBIN
	}
	first, _, _ := strings.Cut(e.GOPATH, string(os.PathListSeparator))
	return filepath.Join(first, "bin")
}

// buildTools builds the tools into bin with the module's versions.
func buildTools(ctx context.Context, e goEnv, bin string) error {
	if err := os.MkdirAll(bin, 0o755); err != nil {
		return fmt.Errorf("creating the tools folder: %w", err)
	}
	args := []string{"build", "-o", bin + string(os.PathSeparator)}
	for _, t := range tools {
		args = append(args, t.pkg)
	}
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = e.root()
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stderr, &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("building the Go tools (go %s): %w\n%s\nThe versions come from go.mod's tool directives; the module proxy must be reachable the first time",
			strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	return nil
}

// kernelPath returns the PATH the kernel gets: the tools' folder and Go's
// own bin folder before the PATH Jupyter runs with.
func kernelPath(bin, goroot string) string {
	dirs := []string{bin}
	if goroot != "" {
		if gb := filepath.Join(goroot, "bin"); gb != bin {
			dirs = append(dirs, gb)
		}
	}
	return strings.Join(dirs, string(os.PathListSeparator)) + string(os.PathListSeparator) + "${PATH}"
}

// installKernel runs `gonb --install` into Jupyter's data folder, fixes up
// the kernel.json it writes and checks that Jupyter lists the kernel.
func installKernel(ctx context.Context, j *jupyter.Jupyter, e goEnv, bin string) (jupyter.KernelSpec, error) {
	var spec jupyter.KernelSpec
	dataDir, err := j.DataDir(ctx)
	if err != nil {
		return spec, err
	}
	gonb := filepath.Join(bin, "gonb")
	cmd := exec.CommandContext(ctx, gonb, "--install")
	// gonb --install checks that goimports and gopls are on PATH, and
	// writes into $JUPYTER_DATA_DIR: give it the folder Jupyter reads.
	cmd.Env = append(os.Environ(),
		"PATH="+strings.ReplaceAll(kernelPath(bin, e.GOROOT), "${PATH}", os.Getenv("PATH")),
		"JUPYTER_DATA_DIR="+dataDir)
	var log bytes.Buffer
	cmd.Stdout, cmd.Stderr = &log, &log
	if err := cmd.Run(); err != nil {
		return spec, fmt.Errorf("registering the kernel (%s --install): %w\n%s", gonb, err, strings.TrimSpace(log.String()))
	}
	kernelJSON := filepath.Join(dataDir, "kernels", kernelName, "kernel.json")
	if err := fixKernelJSON(kernelJSON, gonb, kernelPath(bin, e.GOROOT)); err != nil {
		return spec, err
	}

	kernels, err := j.Kernels(ctx)
	if err != nil {
		return spec, fmt.Errorf("checking the kernel is registered: %w", err)
	}
	spec, ok := kernels[kernelName]
	if !ok {
		return spec, fmt.Errorf("gonb --install wrote %s but Jupyter does not list a %q kernel: is JUPYTER_PATH or JUPYTER_DATA_DIR pointing elsewhere?", kernelJSON, kernelName)
	}
	if len(spec.Spec.Argv) == 0 || spec.Spec.Argv[0] != gonb {
		return spec, fmt.Errorf("the %q kernel Jupyter uses (in %s) runs %v, not %s: remove that kernel folder and run kernelsetup again",
			kernelName, spec.ResourceDir, spec.Spec.Argv, gonb)
	}
	return spec, nil
}

// fixKernelJSON edits the kernel.json gonb --install wrote: the kernel runs
// the gonb binary at gonb, and its PATH is path. Jupyter replaces ${PATH}
// in a kernel's env with its own PATH (jupyter_client 7 and later), so the
// kernel finds go, goimports and gopls even when Jupyter is started from an
// environment that lacks them. Other fields are kept; fixing again gives
// the same file.
func fixKernelJSON(file, gonb, path string) error {
	b, err := os.ReadFile(file)
	if err != nil {
		return fmt.Errorf("reading the kernel spec: %w", err)
	}
	var spec map[string]any
	if err := json.Unmarshal(b, &spec); err != nil {
		return fmt.Errorf("kernel spec %s is not valid JSON (%w): delete it and run kernelsetup again", file, err)
	}
	argv, _ := spec["argv"].([]any)
	if len(argv) == 0 {
		return fmt.Errorf("kernel spec %s has no argv: delete it and run kernelsetup again", file)
	}
	argv[0] = gonb
	env, _ := spec["env"].(map[string]any)
	if env == nil {
		env = map[string]any{}
	}
	env["PATH"] = path
	spec["env"] = env
	nb, err := json.MarshalIndent(spec, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(file, append(nb, '\n'), 0o644); err != nil {
		return fmt.Errorf("writing the kernel spec: %w", err)
	}
	return nil
}

// checkFile is the notebook --check executes, relative to the module root.
const checkFile = "kernelsetup/testdata/check.ipynb"

// checkKernel executes the check notebook into a temporary folder and
// verifies its outputs.
func checkKernel(ctx context.Context, j *jupyter.Jupyter, e goEnv, opts options, out io.Writer) error {
	if err := j.HasNBConvert(ctx); err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "kernelsetup-check-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	timeout := opts.timeout
	if timeout == 0 {
		timeout = 10 * time.Minute
	}
	fmt.Fprintf(out, "Checking the kernel: executing %s (the first run compiles the packages, which takes a while) ...\n", checkFile)
	start := time.Now()
	nb, err := j.Execute(ctx, filepath.Join(e.root(), checkFile), jupyter.ExecOptions{
		Output: filepath.Join(tmp, "check.ipynb"), Timeout: timeout, Log: logWriter(opts, out),
	})
	if err != nil {
		return fmt.Errorf("the Go kernel check FAILED: %w", err)
	}
	if err := checkOutputs(nb); err != nil {
		return fmt.Errorf("the Go kernel check FAILED: %w", err)
	}
	fmt.Fprintf(out, "Kernel check passed in %.1fs: GoNB compiled and ran the cells and showed text and HTML.\n", time.Since(start).Seconds())
	return nil
}

// checkOutputs verifies the executed check notebook shows what it should.
func checkOutputs(nb *ipynb.Notebook) error {
	var text, html []string
	for _, o := range nb.Outputs() {
		switch o.Type {
		case ipynb.Stream:
			text = append(text, o.Text)
		case ipynb.DisplayData, ipynb.ExecuteResult:
			if h, ok := o.DataText("text/html"); ok {
				html = append(html, h)
			}
		}
	}
	var missing []string
	if !slices.ContainsFunc(text, func(s string) bool { return strings.Contains(s, "gonb check: ok") }) {
		missing = append(missing, `the printed line "gonb check: ok"`)
	}
	if !slices.ContainsFunc(html, func(s string) bool { return strings.Contains(s, "<table") }) {
		missing = append(missing, "the HTML table (rich output through gonbui)")
	}
	if !slices.ContainsFunc(html, func(s string) bool { return strings.Contains(s, "<progress") }) {
		missing = append(missing, "the progress bar")
	}
	if len(missing) > 0 {
		return fmt.Errorf("the notebook ran but its outputs lack %s", strings.Join(missing, ", "))
	}
	return nil
}

// logWriter returns where nbconvert's log goes: out with -v, else nowhere.
func logWriter(opts options, out io.Writer) io.Writer {
	if opts.verbose {
		return out
	}
	return nil
}

// executeNotebook runs a notebook in place with the installed kernel.
func executeNotebook(ctx context.Context, j *jupyter.Jupyter, opts options, out io.Writer) error {
	if err := j.HasNBConvert(ctx); err != nil {
		return err
	}
	kernels, err := j.Kernels(ctx)
	if err != nil {
		return fmt.Errorf("listing Jupyter kernels: %w", err)
	}
	if _, ok := kernels[kernelName]; !ok {
		return fmt.Errorf("the Go kernel %q is not installed in Jupyter: run `go run ./kernelsetup` first", kernelName)
	}
	nb, err := ipynb.Read(opts.execute)
	if err != nil {
		return err
	}
	code := 0
	for _, c := range nb.Cells {
		if c.Type == ipynb.Code {
			code++
		}
	}
	fmt.Fprintf(out, "Executing %s (%d code cells) with the %q kernel ...\n", opts.execute, code, kernelName)
	// Run into a temporary copy, going on after errors so that every
	// failing cell is reported with its outputs (GoNB shows compiler
	// errors as HTML outputs); the notebook is replaced only on success.
	tmp, err := os.CreateTemp(filepath.Dir(opts.execute), ".kernelsetup-*.ipynb")
	if err != nil {
		return fmt.Errorf("creating a temporary notebook: %w", err)
	}
	tmp.Close()
	defer os.Remove(tmp.Name())
	start := time.Now()
	nb, err = j.Execute(ctx, opts.execute, jupyter.ExecOptions{
		Output: tmp.Name(), Timeout: opts.timeout, AllowErrors: true, Log: logWriter(opts, out),
	})
	if err != nil {
		return fmt.Errorf("%w\n%s is unchanged", err, opts.execute)
	}
	if err := os.Rename(tmp.Name(), opts.execute); err != nil {
		return fmt.Errorf("saving the executed notebook: %w", err)
	}
	fmt.Fprintf(out, "Done in %.1fs: %d outputs saved into %s\n", time.Since(start).Seconds(), len(nb.Outputs()), opts.execute)
	if !opts.html {
		return nil
	}
	page := jupyter.HTMLPath(opts.execute)
	if err := j.ExportHTML(ctx, opts.execute, page); err != nil {
		return err
	}
	fmt.Fprintf(out, "HTML page (charts embedded): %s\n", page)
	return nil
}
