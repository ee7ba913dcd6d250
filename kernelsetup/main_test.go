package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/embedclassify/embedclassify/internal/ipynb"
	"github.com/embedclassify/embedclassify/internal/jupyter"
	"github.com/embedclassify/embedclassify/internal/jupyter/jupytertest"
	"github.com/embedclassify/embedclassify/internal/testenv"
)

func TestParseArgs(t *testing.T) {
	tests := []struct {
		args    []string
		want    options
		wantErr string
	}{
		{args: nil, want: options{}},
		{args: []string{"--check"}, want: options{check: true}},
		{args: []string{"--execute", "nb.ipynb", "--timeout", "30m"}, want: options{execute: "nb.ipynb", timeout: 30 * time.Minute}},
		{args: []string{"--bin", "/opt/bin", "--jupyter", "/usr/bin/jupyter", "-v"}, want: options{bin: "/opt/bin", jupyter: "/usr/bin/jupyter", verbose: true}},
		{args: []string{"nb.ipynb"}, wantErr: `unexpected argument "nb.ipynb"`},
		{args: []string{"--check", "--execute", "nb.ipynb"}, wantErr: "cannot be used together"},
		{args: []string{"--execute", "nb.ipynb", "--html"}, want: options{execute: "nb.ipynb", html: true}},
		{args: []string{"--html"}, wantErr: "--html goes with --execute"},
		{args: []string{"--timeout", "-1s"}, wantErr: "must not be negative"},
		{args: []string{"--timeout", "10ms"}, wantErr: "at least 1s"},
		{args: []string{"--timeout", "ten"}, wantErr: "invalid value"},
		{args: []string{"--nope"}, wantErr: "not defined"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			got, err := parseArgs(tt.args, io.Discard)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error = %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("options = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestHelp(t *testing.T) {
	var buf bytes.Buffer
	_, err := parseArgs([]string{"-h"}, &buf)
	if !errors.Is(err, flag.ErrHelp) {
		t.Fatalf("error = %v, want flag.ErrHelp", err)
	}
	for _, want := range []string{"--check", "--execute NOTEBOOK.ipynb", "-timeout", "tool directives"} {
		if !strings.Contains(buf.String(), want) {
			t.Errorf("help lacks %q:\n%s", want, buf.String())
		}
	}
}

func TestBinDir(t *testing.T) {
	tests := []struct {
		env  goEnv
		flag string
		want string
	}{
		{goEnv{GOBIN: "/gobin", GOPATH: "/gopath"}, "/flag", "/flag"},
		{goEnv{GOBIN: "/gobin", GOPATH: "/gopath"}, "", "/gobin"},
		{goEnv{GOPATH: "/a" + string(os.PathListSeparator) + "/b"}, "", "/a/bin"},
	}
	for _, tt := range tests {
		if got := binDir(tt.env, tt.flag); got != tt.want {
			t.Errorf("binDir(%+v, %q) = %q, want %q", tt.env, tt.flag, got, tt.want)
		}
	}
}

func TestKernelPath(t *testing.T) {
	if got, want := kernelPath("/root/go/bin", "/usr/local/go"), "/root/go/bin:/usr/local/go/bin:${PATH}"; got != want {
		t.Errorf("kernelPath = %q, want %q", got, want)
	}
	if got, want := kernelPath("/usr/local/go/bin", "/usr/local/go"), "/usr/local/go/bin:${PATH}"; got != want {
		t.Errorf("kernelPath with bin = GOROOT/bin: %q, want %q", got, want)
	}
}

func TestFixKernelJSON(t *testing.T) {
	// What gonb --install v0.11.1 writes.
	const fromGonb = `{"argv":["/tmp/go-build1/gonb","--kernel","{connection_file}","--logtostderr"],"display_name":"Go (gonb)","language":"go","interrupt_mode":"message","env":{}}` + "\n"
	tests := []struct {
		name, in, wantErr string
		wantEnv           map[string]string
	}{
		{name: "fresh", in: fromGonb, wantEnv: map[string]string{"PATH": "/bin:${PATH}"}},
		{name: "keeps other env", in: `{"argv":["x"],"env":{"GOFLAGS":"-mod=mod","PATH":"old"}}`, wantEnv: map[string]string{"GOFLAGS": "-mod=mod", "PATH": "/bin:${PATH}"}},
		{name: "no env", in: `{"argv":["x"],"display_name":"Go"}`, wantEnv: map[string]string{"PATH": "/bin:${PATH}"}},
		{name: "broken", in: `{"argv":`, wantErr: "not valid JSON"},
		{name: "no argv", in: `{"env":{}}`, wantErr: "has no argv"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			file := filepath.Join(t.TempDir(), "kernel.json")
			if err := os.WriteFile(file, []byte(tt.in), 0o644); err != nil {
				t.Fatal(err)
			}
			err := fixKernelJSON(file, "/bin/gonb", "/bin:${PATH}")
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || !strings.Contains(err.Error(), "run kernelsetup again") {
					t.Fatalf("error = %v, want one containing %q and the remedy", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			first, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			var spec struct {
				Argv        []string          `json:"argv"`
				DisplayName string            `json:"display_name"`
				Env         map[string]string `json:"env"`
			}
			if err := json.Unmarshal(first, &spec); err != nil {
				t.Fatal(err)
			}
			if spec.Argv[0] != "/bin/gonb" {
				t.Errorf("argv = %q, want the gonb binary first", spec.Argv)
			}
			if len(spec.Env) != len(tt.wantEnv) {
				t.Errorf("env = %v, want %v", spec.Env, tt.wantEnv)
			}
			for k, v := range tt.wantEnv {
				if spec.Env[k] != v {
					t.Errorf("env[%s] = %q, want %q", k, spec.Env[k], v)
				}
			}
			if tt.name == "fresh" && (spec.DisplayName != "Go (gonb)" || len(spec.Argv) != 4) {
				t.Errorf("other fields changed: %s", first)
			}
			// Re-running gives the same file.
			if err := fixKernelJSON(file, "/bin/gonb", "/bin:${PATH}"); err != nil {
				t.Fatal(err)
			}
			second, _ := os.ReadFile(file)
			if !bytes.Equal(first, second) {
				t.Errorf("second fix changed the file:\n%s\n%s", first, second)
			}
		})
	}
}

func TestCheckOutputs(t *testing.T) {
	nb, err := ipynb.Parse([]byte(`{"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [
	 {"cell_type": "code", "execution_count": 2, "metadata": {}, "source": "", "outputs": [
	  {"output_type": "display_data", "metadata": {}, "data": {"text/html": "<div><progress value=\"3\" max=\"3\"></progress></div>"}},
	  {"output_type": "display_data", "metadata": {}, "data": {"text/html": ["<table>", "</table>"]}},
	  {"output_type": "stream", "name": "stdout", "text": ["gonb check: ok\n"]}]}]}`))
	if err != nil {
		t.Fatal(err)
	}
	if err := checkOutputs(nb); err != nil {
		t.Errorf("complete outputs: %v", err)
	}
	nb.Cells[0].Outputs = nb.Cells[0].Outputs[2:]
	err = checkOutputs(nb)
	if err == nil || !strings.Contains(err.Error(), "HTML table") || !strings.Contains(err.Error(), "progress bar") {
		t.Errorf("outputs without HTML: error = %v", err)
	}
}

func TestMissingTools(t *testing.T) {
	t.Setenv("PATH", "")
	t.Setenv("JUPYTER", "")
	_, err := findJupyter(context.Background(), "jupyter")
	if err == nil || !strings.Contains(err.Error(), "pip install jupyterlab") || !strings.Contains(err.Error(), "apt-get install jupyter-notebook") {
		t.Errorf("without Jupyter: %v", err)
	}
	_, err = goEnvironment(context.Background())
	if err == nil || !strings.Contains(err.Error(), "go command is not on PATH") {
		t.Errorf("without go: %v", err)
	}
	// run gives the Jupyter message for --execute, before anything else.
	err = run(context.Background(), options{execute: "x.ipynb", jupyter: "jupyter"}, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "notebooks need Jupyter") {
		t.Errorf("run --execute without Jupyter: %v", err)
	}
}

func TestOutsideModule(t *testing.T) {
	t.Chdir(t.TempDir())
	t.Setenv("GO111MODULE", "")
	t.Setenv("GOFLAGS", "")
	_, err := goEnvironment(context.Background())
	if err == nil || !strings.Contains(err.Error(), "embedclassify repository") {
		t.Errorf("outside the module: %v", err)
	}
}

// TestSetupAndCheck installs the kernel into a temporary Jupyter data
// folder with tools in a temporary bin folder, twice, then runs --check and
// --execute. It needs Jupyter: skipped without it, failed in CI.
func TestSetupAndCheck(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: builds the tools and runs Jupyter")
	}
	j := jupytertest.Jupyter(t)
	if err := j.HasNBConvert(context.Background()); err != nil {
		testenv.Missing(t, "%v", err)
	}
	ctx := context.Background()
	hermeticHome(t)
	data := t.TempDir()
	t.Setenv("JUPYTER_DATA_DIR", data)
	bin := t.TempDir()

	var out bytes.Buffer
	opts := options{bin: bin, jupyter: j.Path, timeout: 10 * time.Minute}
	if err := run(ctx, opts, &out); err != nil {
		t.Fatalf("setup: %v\n%s", err, out.String())
	}
	for _, tool := range tools {
		if _, err := os.Stat(filepath.Join(bin, tool.bin)); err != nil {
			t.Errorf("tool not built: %v", err)
		}
	}
	kernelJSON := filepath.Join(data, "kernels", "gonb", "kernel.json")
	first, err := os.ReadFile(kernelJSON)
	if err != nil {
		t.Fatalf("kernel not installed in JUPYTER_DATA_DIR: %v\n%s", err, out.String())
	}
	if !bytes.Contains(first, []byte(filepath.Join(bin, "gonb"))) || !bytes.Contains(first, []byte(bin+":")) {
		t.Errorf("kernel.json does not run the built gonb with its folder on PATH:\n%s", first)
	}

	// Again, with the check: same kernel.json, and the notebook runs.
	out.Reset()
	opts.check = true
	if err := run(ctx, opts, &out); err != nil {
		t.Fatalf("setup --check: %v\n%s", err, out.String())
	}
	second, _ := os.ReadFile(kernelJSON)
	if !bytes.Equal(first, second) {
		t.Errorf("re-running changed kernel.json:\n%s\n%s", first, second)
	}
	if !strings.Contains(out.String(), "Kernel check passed") {
		t.Errorf("check output:\n%s", out.String())
	}

	// --execute writes outputs into the notebook.
	dir := t.TempDir()
	nbPath := filepath.Join(dir, "hello.ipynb")
	nb := ipynb.New("gonb", "Go (gonb)", "go")
	nb.Cells = []ipynb.Cell{{Type: ipynb.Code, Source: "%%\nfmt.Println(\"hello from\", runtime.Version()[:2])"}}
	if err := nb.Write(nbPath); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	if err := run(ctx, options{execute: nbPath, jupyter: j.Path, timeout: 5 * time.Minute, html: true}, &out); err != nil {
		t.Fatalf("--execute --html: %v\n%s", err, out.String())
	}
	// --html: the page beside the notebook, with the output and the CSS
	// that wraps long lines (notebooks/browser checks it in a browser).
	page, err := os.ReadFile(filepath.Join(dir, "hello.html"))
	if err != nil {
		t.Fatalf("--html wrote no page: %v\n%s", err, out.String())
	}
	if !bytes.Contains(page, []byte("hello from go")) || !bytes.Contains(page, []byte(jupyter.WrapCSS)) {
		t.Errorf("the HTML page lacks the cell's output or the wrapping CSS")
	}
	got, err := ipynb.Read(nbPath)
	if err != nil {
		t.Fatal(err)
	}
	if outs := got.Outputs(); len(outs) != 1 || outs[0].Text != "hello from go\n" {
		t.Errorf("executed notebook outputs = %+v", outs)
	}

	// A failing cell: the error names the cell and the compiler's message.
	nb.Cells = []ipynb.Cell{{Type: ipynb.Code, Source: "%%\nundefinedThing()"}}
	if err := nb.Write(nbPath); err != nil {
		t.Fatal(err)
	}
	err = run(ctx, options{execute: nbPath, jupyter: j.Path, timeout: 5 * time.Minute}, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "undefinedThing") {
		t.Errorf("--execute of a broken notebook: %v", err)
	}

	// Without the kernel: a clear message.
	t.Setenv("JUPYTER_DATA_DIR", t.TempDir())
	hermeticHome(t)
	err = run(ctx, options{execute: nbPath, jupyter: j.Path}, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "run `go run ./kernelsetup` first") {
		t.Errorf("--execute without the kernel: %v", err)
	}
}

// hermeticHome points HOME at a new temporary folder, so that Jupyter sees
// no kernel of the user's (it also reads ~/.local/share/jupyter), and keeps
// Go's caches where they are.
func hermeticHome(t *testing.T) {
	t.Helper()
	b, err := exec.Command("go", "env", "-json", "GOCACHE", "GOMODCACHE", "GOPATH").Output()
	if err != nil {
		t.Fatalf("go env: %v", err)
	}
	var env map[string]string
	if err := json.Unmarshal(b, &env); err != nil {
		t.Fatal(err)
	}
	for k, v := range env {
		t.Setenv(k, v)
	}
	t.Setenv("HOME", t.TempDir())
	t.Setenv("XDG_DATA_HOME", "")
}
