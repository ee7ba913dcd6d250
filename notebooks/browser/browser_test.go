package browser

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/embedclassify/embedclassify/internal/ipynb"
	"github.com/embedclassify/embedclassify/internal/jupyter"
	"github.com/embedclassify/embedclassify/internal/jupyter/jupytertest"
	"github.com/embedclassify/embedclassify/internal/proctree"
	"github.com/embedclassify/embedclassify/internal/shared"
	"github.com/embedclassify/embedclassify/internal/testenv"
	"github.com/embedclassify/embedclassify/lib/embedding"
)

// tutorial is the notebook the browser runs, relative to the repository.
const tutorial = "notebooks/classify_text_with_embeddings.ipynb"

// minCharts is the fewest chart images the tutorial shows.
const minCharts = 4

// repoRoot returns the repository's root folder (this package is two
// levels below it).
func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("no go.mod two folders up: %v", err)
	}
	return root
}

// needChromium returns the chromium to drive, or skips (fails in CI).
func needChromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	testenv.Missing(t, "no chromium on PATH (Debian: apt-get install chromium)")
	return ""
}

// browser starts a headless chromium whose processes carry tree's mark
// and returns a chromedp context for one tab. Cancelling it (at the end of
// the test) closes the browser.
func browser(t *testing.T, ctx context.Context, chromium string, tree *proctree.Tree, env []string) context.Context {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromium),
		chromedp.UserDataDir(filepath.Join(t.TempDir(), "chromium")),
		chromedp.WindowSize(1400, 1000),
		chromedp.NoSandbox, // tests may run as root, where the sandbox refuses to start
		chromedp.Env(append(env, tree.Mark())...),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	bctx, cancelTab := chromedp.NewContext(actx, chromedp.WithLogf(t.Logf))
	t.Cleanup(func() {
		cancelTab()
		cancelAlloc()
		if err := tree.Kill(); err != nil {
			t.Error(err)
		}
	})
	if err := chromedp.Do(bctx); err != nil {
		t.Fatalf("starting %s: %v", chromium, err)
	}
	return bctx
}

// testContext returns a context that ends after d, or a minute before
// the test binary's deadline (go test -timeout), so that the test fails
// with its cleanups run, its processes killed, rather than be stopped by a
// panic that leaves them running.
func testContext(t *testing.T, d time.Duration) (context.Context, context.CancelFunc) {
	deadline := time.Now().Add(d)
	if td, ok := t.Deadline(); ok && td.Add(-time.Minute).Before(deadline) {
		deadline = td.Add(-time.Minute)
	}
	return context.WithDeadline(context.Background(), deadline)
}

// freePort returns a TCP port on the loopback interface that was free a
// moment ago.
func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// goEnv returns the Go settings a command needs with HOME moved
// elsewhere: the module and build caches stay where they are.
func goEnv(t *testing.T) []string {
	t.Helper()
	b, err := exec.Command("go", "env", "-json", "GOCACHE", "GOMODCACHE", "GOPATH").Output()
	if err != nil {
		t.Fatalf("go env: %v", err)
	}
	var m map[string]string
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	var env []string
	for k, v := range m {
		env = append(env, k+"="+v)
	}
	return env
}

// notebookEnv returns the environment of the Jupyter server and its
// kernels: this process's without Gemini settings (the offline embedder),
// with the shared dataset, an empty embedding cache, HOME and Jupyter's
// folders in dir.
func notebookEnv(t *testing.T, dir string) []string {
	t.Helper()
	data := shared.Archive(t)
	drop := []string{"GEMINI_API_KEY", "GOOGLE_API_KEY", "GOOGLE_GENAI_USE_VERTEXAI", "GOOGLE_CLOUD_PROJECT",
		"GOOGLE_CLOUD_LOCATION", "GOOGLE_GEMINI_BASE_URL", "EMBEDCLASSIFY_DIMS", "EMBEDCLASSIFY_DATA",
		embedding.CacheDirEnv, "HOME", "JUPYTER_DATA_DIR", "JUPYTER_CONFIG_DIR", "JUPYTER_RUNTIME_DIR", "JUPYTER_PATH", "XDG_DATA_HOME"}
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if !slices.Contains(drop, k) {
			env = append(env, kv)
		}
	}
	env = append(env, goEnv(t)...)
	return append(env,
		"HOME="+filepath.Join(dir, "home"),
		"JUPYTER_DATA_DIR="+filepath.Join(dir, "data"),
		"JUPYTER_CONFIG_DIR="+filepath.Join(dir, "config"),
		"JUPYTER_RUNTIME_DIR="+filepath.Join(dir, "runtime"),
		"EMBEDCLASSIFY_DATA="+data,
		embedding.CacheDirEnv+"="+filepath.Join(dir, "embeddings"),
	)
}

// registerKernel runs `go run ./kernelsetup` with env: it builds GoNB,
// goimports and gopls into dir/bin and registers the kernel in env's
// JUPYTER_DATA_DIR.
func registerKernel(t *testing.T, ctx context.Context, root, dir string, env []string) {
	t.Helper()
	cmd := exec.CommandContext(ctx, "go", "run", "./kernelsetup", "--bin", filepath.Join(dir, "bin"))
	cmd.Dir = root
	cmd.Env = env
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go run ./kernelsetup: %v\n%s", err, out)
	}
}

// startNotebookServer starts `jupyter notebook` on the loopback interface
// with a random token, serving folder, and returns its base URL and token.
// The server and everything it starts are killed when the test ends; the
// test fails if a process survives.
func startNotebookServer(t *testing.T, ctx context.Context, j *jupyter.Jupyter, env []string, folder string) (base *url.URL, token string) {
	t.Helper()
	token = rand.Text()
	port := freePort(t)
	cmd := jupytertest.Command(t, ctx, env, j.Path, "notebook", "--allow-root", "--no-browser",
		"--ip=127.0.0.1", fmt.Sprintf("--port=%d", port), "--port-retries=0",
		"--NotebookApp.token="+token, "--notebook-dir="+folder)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("starting jupyter notebook: %v", err)
	}
	// The server says where it listens once it is ready.
	ready := regexp.MustCompile(`http://127\.0\.0\.1:(\d+)/`)
	lines := make(chan string)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			lines <- sc.Text()
		}
	}()
	var log []string
	for line := range lines {
		log = append(log, line)
		if ready.MatchString(line) {
			go func() {
				for range lines { // keep draining the server's log
				}
			}()
			base, _ = url.Parse(fmt.Sprintf("http://127.0.0.1:%d/", port))
			return base, token
		}
	}
	t.Fatalf("jupyter notebook stopped before serving:\n%s", strings.Join(log, "\n"))
	return nil, ""
}

// needNotebookServer returns a jupyter with the notebook server, or skips
// (fails in CI).
func needNotebookServer(t *testing.T) *jupyter.Jupyter {
	t.Helper()
	j := jupytertest.Jupyter(t)
	if out, err := exec.Command(j.Path, "notebook", "--version").Output(); err != nil {
		testenv.Missing(t, "jupyter notebook does not run (%v); Debian: apt-get install jupyter-notebook", err)
	} else {
		t.Logf("Jupyter Notebook %s", strings.TrimSpace(string(out)))
	}
	return j
}

// cellState is what the page says of one code cell.
type cellState struct {
	Prompt  any  `json:"prompt"`  // execution count, "*" while running, null before
	Images  int  `json:"images"`  // <img> elements in its output area
	Loaded  int  `json:"loaded"`  // of which loaded with a non-empty image
	Errored bool `json:"errored"` // an error output shown
}

// cellsJS lists the state of every code cell of the open notebook.
const cellsJS = `Jupyter.notebook.get_cells().filter(c => c.cell_type === "code").map(c => {
	const imgs = Array.from(c.element[0].querySelectorAll(".output_area img"));
	return {
		prompt: c.input_prompt_number === undefined ? null : c.input_prompt_number,
		images: imgs.length,
		loaded: imgs.filter(i => i.complete && i.naturalWidth > 0 && i.naturalHeight > 0).length,
		errored: c.element[0].querySelector(".output_error") !== null,
	};
})`

// TestTutorialInBrowser runs every cell of the tutorial notebook through
// Jupyter Notebook's UI (Cell > Run All) in headless chromium, with the
// GoNB kernel registered by kernelsetup and the offline embedder, waits
// for the kernel to go idle, and checks that every cell ran without an
// error and every chart image rendered. It saves a screenshot of the page
// in the test's temporary folder, and ends every process it started.
func TestTutorialInBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: runs the whole notebook in a browser")
	}
	t.Parallel()
	start := time.Now()
	chromium := needChromium(t)
	j := needNotebookServer(t)
	root := repoRoot(t)
	ctx, cancel := testContext(t, 20*time.Minute)
	defer cancel()

	dir := t.TempDir()
	env := notebookEnv(t, dir)
	registerKernel(t, ctx, root, dir, env)
	t.Logf("kernel registered in %.0fs", time.Since(start).Seconds())

	// The notebook runs from a copy in a new folder beside notebooks/ (its
	// first cell finds the repository as its folder's parent), so that the
	// UI never saves into the committed file.
	folder, err := os.MkdirTemp(root, "browsertest-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(folder) })
	nbBytes, err := os.ReadFile(filepath.Join(root, tutorial))
	if err != nil {
		t.Fatal(err)
	}
	name := filepath.Base(tutorial)
	if err := os.WriteFile(filepath.Join(folder, name), nbBytes, 0o644); err != nil {
		t.Fatal(err)
	}

	base, token := startNotebookServer(t, ctx, j, env, folder)
	bctx := browser(t, ctx, chromium, proctree.New(), env)

	page := base.JoinPath("notebooks", name)
	page.RawQuery = url.Values{"token": {token}}.Encode()
	kernelReady := `typeof Jupyter !== "undefined" && Jupyter.notebook && Jupyter.notebook.kernel && Jupyter.notebook.kernel.is_connected()`
	if err := chromedp.Do(bctx,
		chromedp.Navigate(page.String()),
		chromedp.Poll[chromedp.Void](kernelReady, chromedp.WithPollingTimeout(3*time.Minute)),
		// Never write the copy: the outputs are read from the page.
		chromedp.Evaluate[chromedp.Void](`Jupyter.notebook.set_autosave_interval(0), true`),
	); err != nil {
		t.Fatalf("opening %s: %v", page.Redacted(), err)
	}
	kernelName, err := chromedp.Run(bctx, chromedp.Evaluate[string](`Jupyter.notebook.kernel.name`))
	if err != nil || kernelName != "gonb" {
		t.Fatalf("the notebook runs kernel %q (%v), want gonb", kernelName, err)
	}

	// Cell > Run All, as a person would.
	runStart := time.Now()
	if err := chromedp.Do(bctx,
		chromedp.Click(chromedp.ID("celllink")),
		chromedp.Click(chromedp.CSS("#run_all_cells a")),
	); err != nil {
		t.Fatalf("Cell > Run All: %v", err)
	}
	// Done: every code cell has an execution count and the kernel is idle.
	done := `(() => {
		const cells = Jupyter.notebook.get_cells().filter(c => c.cell_type === "code");
		return cells.length > 0 && cells.every(c => typeof c.input_prompt_number === "number") &&
			!Jupyter.notebook.kernel_busy &&
			document.querySelector("#kernel_indicator_icon").classList.contains("kernel_idle_icon");
	})()`
	if err := chromedp.Do(bctx, chromedp.Poll[chromedp.Void](done, chromedp.WithPollingInterval(time.Second), chromedp.WithPollingTimeout(15*time.Minute))); err != nil {
		cells, _ := chromedp.Run(bctx, chromedp.Evaluate[[]cellState](cellsJS))
		t.Fatalf("waiting for the cells to run: %v; cells: %+v", err, cells)
	}
	t.Logf("all cells ran in %.0fs", time.Since(runStart).Seconds())

	cells, err := chromedp.Run(bctx, chromedp.Evaluate[[]cellState](cellsJS))
	if err != nil {
		t.Fatal(err)
	}
	nbJSON, err := chromedp.Run(bctx, chromedp.Evaluate[string](`JSON.stringify(Jupyter.notebook.toJSON())`))
	if err != nil {
		t.Fatal(err)
	}
	shot, err := chromedp.Run(bctx, chromedp.FullScreenshot(80))
	if err != nil {
		t.Fatal(err)
	}
	shotPath := filepath.Join(t.TempDir(), "notebook.jpg")
	if err := os.WriteFile(shotPath, shot, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s (%d bytes)", shotPath, len(shot))

	// No cell failed: the checks of the nbconvert tests, on what the page
	// holds, and no error box on the page.
	nb, err := ipynb.Parse([]byte(nbJSON))
	if err != nil {
		t.Fatalf("the page's notebook: %v", err)
	}
	for _, p := range append(nb.Errors(), nb.Unexecuted()...) {
		t.Errorf("%v", p)
	}
	charts, rendered := 0, 0
	for i, c := range cells {
		if c.Errored {
			t.Errorf("code cell %d shows an error", i)
		}
		charts += c.Images
		rendered += c.Loaded
		if c.Loaded < c.Images {
			t.Errorf("code cell %d: %d of its %d images rendered", i, c.Loaded, c.Images)
		}
	}
	pngs := 0
	for _, o := range nb.Outputs() {
		if slices.Contains(o.MIMETypes(), "image/png") {
			pngs++
		}
	}
	if charts != pngs || charts < minCharts {
		t.Errorf("the page shows %d chart images (%d rendered) for %d PNG outputs; want them equal and at least %d", charts, rendered, pngs, minCharts)
	}
	t.Logf("%d code cells, %d charts rendered; wall time %.0fs", len(cells), rendered, time.Since(start).Seconds())
}

// TestExportedHTMLWraps exports a notebook with a long code line, a long
// output line and a chart to HTML (jupyter.ExportHTML, which kernelsetup
// --html uses), opens the page in chromium from disk, and checks that the
// chart shows and no line runs past the page's width.
func TestExportedHTMLWraps(t *testing.T) {
	t.Parallel()
	chromium := needChromium(t)
	j := jupytertest.Jupyter(t)
	ctx, cancel := testContext(t, 5*time.Minute)
	defer cancel()
	if err := j.HasNBConvert(ctx); err != nil {
		testenv.Missing(t, "%v", err)
	}
	w := jupytertest.NewWatch(t, nil)
	j.Env = w.Env

	dir := t.TempDir()
	long := "// " + strings.Repeat("a long comment that goes on and on ", 12)
	words := strings.Repeat("word ", 200)
	src, _ := json.Marshal("%%\n" + long + "\nfmt.Println(strings.Repeat(\"word \", 200))")
	nb, err := ipynb.Parse([]byte(`{"nbformat": 4, "nbformat_minor": 5,
	 "metadata": {"kernelspec": {"name": "gonb", "display_name": "Go (gonb)", "language": "go"}},
	 "cells": [{"cell_type": "code", "id": "long", "execution_count": 1, "metadata": {}, "source": ` + string(src) + `,
	  "outputs": [
	   {"output_type": "stream", "name": "stdout", "text": "` + words + `\n"},
	   {"output_type": "display_data", "metadata": {}, "data": {"image/png": "` + onePixelPNG + `", "text/plain": "a chart"}}]}]}`))
	if err != nil {
		t.Fatal(err)
	}
	in := filepath.Join(dir, "long.ipynb")
	if err := nb.Write(in); err != nil {
		t.Fatal(err)
	}
	out := jupyter.HTMLPath(in)
	if err := j.ExportHTML(ctx, in, out); err != nil {
		t.Fatal(err)
	}
	if err := w.Leftovers(); err != nil {
		t.Error(err)
	}
	html, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(html), `src="data:image/png;base64,`+onePixelPNG) {
		t.Error("the page does not embed the chart as a data: URL")
	}

	bctx := browser(t, ctx, chromium, proctree.New(), nil)
	type pageState struct {
		Overflowing []string `json:"overflowing"`
		Pres        int      `json:"pres"`
		Images      int      `json:"images"`
		Loaded      int      `json:"loaded"`
	}
	check := `(() => {
		const pres = Array.from(document.querySelectorAll("pre"));
		const imgs = Array.from(document.querySelectorAll("img"));
		return {
			overflowing: pres.filter(p => p.scrollWidth > p.clientWidth + 1).map(p => p.textContent.slice(0, 60)),
			pres: pres.length,
			images: imgs.length,
			loaded: imgs.filter(i => i.complete && i.naturalWidth > 0).length,
		};
	})()`
	if err := chromedp.Do(bctx, chromedp.Navigate("file://"+out), chromedp.WaitReady(chromedp.CSS("body"))); err != nil {
		t.Fatal(err)
	}
	state, err := chromedp.Run(bctx, chromedp.Evaluate[pageState](check))
	if err != nil {
		t.Fatal(err)
	}
	if state.Pres < 2 {
		t.Fatalf("the page has %d <pre> elements, want the code and the output", state.Pres)
	}
	if len(state.Overflowing) > 0 {
		t.Errorf("lines run past the page's width in %d of %d <pre>: %q", len(state.Overflowing), state.Pres, state.Overflowing)
	}
	if state.Images != 1 || state.Loaded != 1 {
		t.Errorf("the page shows %d images, %d loaded; want the chart", state.Images, state.Loaded)
	}
}

// onePixelPNG is a 1×1 PNG, base64-encoded.
const onePixelPNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
