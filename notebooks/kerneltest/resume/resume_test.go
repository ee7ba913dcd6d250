// Package resume interrupts the tutorial's embedding cell in a GoNB kernel
// and runs it again.
package resume

import (
	"strings"
	"testing"
	"time"

	"github.com/embedclassify/embedclassify/lib/embedding/geminitest"
	"github.com/embedclassify/embedclassify/notebooks/internal/cells"
	"github.com/embedclassify/embedclassify/notebooks/internal/nbtest"
)

// TestInterruptAndResume interrupts the cell embedding the training posts
// while one Gemini request waits on a rate limit, as Jupyter's stop button
// does, then runs the cell again: it must stop promptly with a message
// saying how to go on, and the second run must ask only for the texts the
// first did not get.
func TestInterruptAndResume(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: runs a GoNB kernel")
	}
	srv := geminitest.NewServer(geminitest.Options{APIKeys: []string{nbtest.DummyKey}})
	defer srv.Close()
	s := nbtest.StartSession(t, nbtest.RunEnv(t, "GEMINI_API_KEY="+nbtest.DummyKey, "GOOGLE_GEMINI_BASE_URL="+srv.URL, "EMBEDCLASSIFY_DIMS=768"))
	var target string
	for _, c := range cells.Notebook().Cells {
		if c.Type != "code" {
			continue
		}
		if c.ID == "embed-train" {
			target = c.Source
			break
		}
		s.Run(c.ID, c.Source)
	}

	before := srv.Stats().Texts
	// One of the four batches of 100 is refused with a long Retry-After:
	// the other three arrive (and are cached) while it waits.
	srv.InjectFaults(geminitest.Fault{Status: 429, RetryAfter: time.Minute})
	r := s.Exec(nbtest.Request{Source: target, InterruptAfter: "/400", Delay: 3})
	t.Logf("interrupted cell: status %s, stopped %.2fs after the interrupt", r.Status, r.Seconds)
	// GoNB answers "ok" for a cell whose program failed, and says "exit
	// status 1" on stderr.
	if !strings.Contains(r.Text, "exit status 1") || !strings.Contains(r.Text, "Interrupted. Run the cell again") {
		t.Errorf("interrupted cell: status %q, output:\n%s", r.Status, nbtest.Trim(r.Text, 3000))
	}
	// GoNB kills the cell's program 5s after the interrupt: stopping before
	// shows the cell's context was cancelled.
	if r.Seconds > 4 {
		t.Errorf("the cell took %.1fs to stop after the interrupt", r.Seconds)
	}
	// With the default 100 texts per request and 4 requests at a time, 300
	// texts arrive; any number between none and all shows a partial run.
	got := srv.Stats().Texts - before
	t.Logf("%d of 400 texts embedded before the interrupt", got)
	if got <= 0 || got >= 400 {
		t.Errorf("the fake server embedded %d texts before the interrupt, want some but not all of 400", got)
	}

	if out := s.Run("embed-train", target); !strings.Contains(out, "400/400") {
		t.Errorf("re-run cell output:\n%s", nbtest.Trim(out, 3000))
	}
	if got := srv.Stats().Texts - before; got != 400 {
		t.Errorf("after the re-run the server embedded %d texts in all, want 400: the re-run must ask only for the 100 missing", got)
	}
}
