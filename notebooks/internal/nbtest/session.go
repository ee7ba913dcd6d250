package nbtest

import (
	"bufio"
	"context"
	_ "embed"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/embedclassify/embedclassify/internal/jupyter/jupytertest"
	"github.com/embedclassify/embedclassify/internal/testenv"
)

//go:embed session.py
var sessionPy []byte

// A Session is a GoNB kernel driven cell by cell, as a person at Jupyter
// drives it (session.py, run with the Python that runs Jupyter).
type Session struct {
	t     testing.TB
	stdin io.WriteCloser
	out   *bufio.Scanner
	cmd   *exec.Cmd
}

// StartSession starts a GoNB kernel in Dir with env. The kernel and
// everything it starts (gopls) are killed when the test ends, and the test
// fails if anything is left.
func StartSession(t testing.TB, env []string) *Session {
	t.Helper()
	j := jupytertest.Jupyter(t)
	jupytertest.Kernel(t, j, "gonb")
	py, err := j.Python()
	if err != nil {
		testenv.Missing(t, "no Python for jupyter_client: %v", err)
	}
	script := filepath.Join(t.TempDir(), "session.py")
	if err := os.WriteFile(script, sessionPy, 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Minute)
	t.Cleanup(cancel)
	cmd := jupytertest.Command(t, ctx, env, py, script, "gonb", Dir(t))
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
	s := &Session{t: t, stdin: stdin, out: bufio.NewScanner(stdout), cmd: cmd}
	s.out.Buffer(make([]byte, 1<<20), 64<<20)
	t.Cleanup(func() {
		stdin.Close()
		if err := cmd.Wait(); err != nil {
			t.Errorf("session.py: %v\n%s", err, Trim(stderr.String(), 3000))
		}
	})
	if !s.out.Scan() || !strings.Contains(s.out.Text(), "ready") {
		t.Fatalf("session.py did not start: %s\n%s", s.out.Text(), Trim(stderr.String(), 3000))
	}
	return s
}

// Request is one cell for the session to run: its source and, optionally,
// when to interrupt it.
type Request struct {
	Source         string  `json:"source"`
	InterruptAfter string  `json:"interrupt_after,omitempty"` // interrupt Delay seconds after the output shows this
	Delay          float64 `json:"delay,omitempty"`
}

// Reply is what the session says of a cell it ran.
type Reply struct {
	Status  string
	Seconds float64 // from the interrupt, or from the start, to the reply
	Text    string  // the cell's text and HTML outputs
}

// Exec runs one cell as r says and returns the reply.
func (s *Session) Exec(r Request) Reply {
	s.t.Helper()
	b, _ := json.Marshal(r)
	if _, err := s.stdin.Write(append(b, '\n')); err != nil {
		s.t.Fatal(err)
	}
	if !s.out.Scan() {
		s.t.Fatalf("session.py stopped: %v", s.out.Err())
	}
	var rep Reply
	if err := json.Unmarshal(s.out.Bytes(), &rep); err != nil {
		s.t.Fatal(err)
	}
	return rep
}

// Run executes source as one cell and returns its text and HTML output;
// the cell must succeed.
func (s *Session) Run(id, source string) string {
	s.t.Helper()
	r := s.Exec(Request{Source: source})
	if r.Status != "ok" || strings.Contains(r.Text, "exit status") {
		s.t.Fatalf("cell %s failed (%s):\n%s", id, r.Status, Trim(r.Text, 3000))
	}
	return r.Text
}
