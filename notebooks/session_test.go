package notebooks

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/embedclassify/embedclassify/internal/jupyter/jupytertest"
	"github.com/embedclassify/embedclassify/internal/testenv"
	"github.com/embedclassify/embedclassify/notebooks/internal/cells"
)

// session is a GoNB kernel driven cell by cell, as a person at Jupyter
// drives it (testdata/session.py).
type session struct {
	t     *testing.T
	stdin io.WriteCloser
	out   *bufio.Scanner
	cmd   *exec.Cmd
}

// startSession starts a GoNB kernel in this folder with env.
func startSession(t *testing.T, env []string) *session {
	t.Helper()
	j := jupytertest.Jupyter(t)
	jupytertest.Kernel(t, j, "gonb")
	py, err := j.Python()
	if err != nil {
		testenv.Missing(t, "no Python for jupyter_client: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Minute)
	t.Cleanup(cancel)
	// The kernel and everything it starts (gopls) are killed at the end; the
	// test fails if anything is left.
	cmd := jupytertest.Command(t, ctx, env, py, filepath.Join("testdata", "session.py"), "gonb", ".")
	var stderr strings.Builder
	cmd.Stderr = &stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s := &session{t: t, stdin: stdin, out: bufio.NewScanner(stdout), cmd: cmd}
	s.out.Buffer(make([]byte, 1<<20), 64<<20)
	t.Cleanup(func() {
		stdin.Close()
		if err := cmd.Wait(); err != nil {
			t.Errorf("session.py: %v\n%s", err, trim(stderr.String(), 3000))
		}
	})
	if !s.out.Scan() || !strings.Contains(s.out.Text(), "ready") {
		t.Fatalf("session.py did not start: %s\n%s", s.out.Text(), trim(stderr.String(), 3000))
	}
	return s
}

// request is one cell for session.py to run: its source and, optionally,
// when to interrupt it.
type request struct {
	Source         string  `json:"source"`
	InterruptAfter string  `json:"interrupt_after,omitempty"` // interrupt Delay seconds after the output shows this
	Delay          float64 `json:"delay,omitempty"`
}

// reply is what session.py says of a cell it ran.
type reply struct {
	Status  string
	Seconds float64 // from the interrupt, or from the start, to the reply
	Text    string  // the cell's text and HTML outputs
}

// exec runs one cell as r says and returns the reply.
func (s *session) exec(r request) reply {
	s.t.Helper()
	b, _ := json.Marshal(r)
	if _, err := s.stdin.Write(append(b, '\n')); err != nil {
		s.t.Fatal(err)
	}
	if !s.out.Scan() {
		s.t.Fatalf("session.py stopped: %v", s.out.Err())
	}
	var rep reply
	if err := json.Unmarshal(s.out.Bytes(), &rep); err != nil {
		s.t.Fatal(err)
	}
	return rep
}

// run executes source as one cell and returns its text and HTML output;
// the cell must succeed.
func (s *session) run(id, source string) string {
	s.t.Helper()
	r := s.exec(request{Source: source})
	if r.Status != "ok" || strings.Contains(r.Text, "exit status") {
		s.t.Fatalf("cell %s failed (%s):\n%s", id, r.Status, trim(r.Text, 3000))
	}
	return r.Text
}

var valRE = regexp.MustCompile(`val_accuracy: [0-9.]+ - val_loss: [0-9.]+`)

// TestRerunAndEditConstant runs the tutorial to its training cell in one
// kernel session, then: runs the training cell again, which must replay
// its epoch log from the cache; edits the test sample size in the sample
// cell and runs it, which must do no work of the cells below; and runs the
// training cell again, which must train anew on the new validation posts.
func TestRerunAndEditConstant(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: runs a GoNB kernel")
	}
	t.Parallel()
	s := startSession(t, runEnv(t))
	nb := cells.Notebook()
	source := map[string]string{}
	for _, c := range nb.Cells {
		if c.Type != "code" {
			continue
		}
		source[c.ID] = c.Source
		if c.ID == "gemini-call" || c.ID == "models" {
			continue // not needed for training
		}
		out := s.run(c.ID, c.Source)
		if c.ID == "train" {
			if !strings.Contains(out, "Epoch 1/20") || strings.Contains(out, "cache") {
				t.Fatalf("first training run:\n%s", trim(out, 3000))
			}
			break
		}
	}
	first := s.run("train", source["train"])
	if !strings.Contains(first, "From the session cache: training") || !strings.Contains(first, "Epoch 1/20") ||
		!strings.Contains(first, "Trained for") {
		t.Errorf("training cell run again: want its epoch log replayed under the cache note, got:\n%s", trim(first, 3000))
	}

	edited := strings.Replace(source["sample"], "testNumSamples  = 25", "testNumSamples  = 10", 1)
	if edited == source["sample"] {
		t.Fatalf("no testNumSamples = 25 in the sample cell:\n%s", source["sample"])
	}
	if out := s.run("sample", edited); strings.Contains(out, "<progress") || strings.Contains(out, "Epoch") {
		t.Errorf("the sample cell did the work of the cells below it:\n%s", trim(out, 3000))
	}
	if out := s.run("counts-test", source["counts-test"]); !strings.Contains(out, "sci.med            10") {
		t.Errorf("counts after the edit:\n%s", trim(out, 2000))
	}
	second := s.run("train", source["train"])
	if strings.Contains(second, "From the session cache: training") || !strings.Contains(second, "Epoch 1/20") ||
		!strings.Contains(second, "40/40") {
		t.Errorf("training cell after the edit: want the 40 test posts embedded and a new training, got:\n%s", trim(second, 3000))
	}
	before, after := valRE.FindAllString(first, -1), valRE.FindAllString(second, -1)
	t.Logf("validation, 25 posts per class: %v", before)
	t.Logf("validation, 10 posts per class: %v", after)
	if len(before) == 0 || len(after) == 0 || strings.Join(before, "|") == strings.Join(after, "|") {
		t.Errorf("the validation history did not change with the test sample size")
	}
}
