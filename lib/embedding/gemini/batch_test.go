package gemini_test

import (
	"context"
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/embedclassify/embedclassify/lib/embedding"
	"github.com/embedclassify/embedclassify/lib/embedding/gemini"
	"github.com/embedclassify/embedclassify/lib/embedding/geminitest"
)

// batchCache returns a Cache in dir over a batch-mode Embedder on srv,
// keeping its job records in dir too.
func batchCache(t *testing.T, srv *geminitest.Server, dir string, cfg gemini.Config) (*embedding.Cache, *gemini.Embedder) {
	t.Helper()
	cfg.Batch, cfg.BatchDir = true, filepath.Join(dir, "batch")
	e := newEmbedder(t, srv, cfg)
	c, err := embedding.NewCache(e, dir, embedding.CacheOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return c, e
}

func records(t *testing.T, dir string) []string {
	t.Helper()
	names, _ := filepath.Glob(filepath.Join(dir, "batch", "*.json"))
	return names
}

func checkVectors(t *testing.T, in []string, got [][]float32) {
	t.Helper()
	for i := range in {
		if !slices.Equal(got[i], geminitest.Vector(gemini.DefaultModel, gemini.DefaultTaskType, in[i], 0, 3072)) {
			t.Fatalf("vector %d is not its text's", i)
		}
	}
}

// TestBatchModeEmbedsAndCaches: the tutorial's 500 texts go through one
// Batch API job into the cache; a re-run sends nothing.
func TestBatchModeEmbedsAndCaches(t *testing.T) {
	srv := newServer(t, geminitest.Options{})
	dir := t.TempDir()
	in := texts(500)
	var states []string
	c, e := batchCache(t, srv, dir, gemini.Config{Status: func(s gemini.Status) { states = append(states, s.String()) }})
	got, err := c.Embed(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	checkVectors(t, in, got)
	st := srv.Stats()
	if st.BatchCreates != 1 || st.EmbedRequests != 0 || st.BatchPolls != 3 || st.Texts != 500 {
		t.Errorf("server saw %+v; want one job polled 3 times, no online request", st)
	}
	if e.Stats().Texts != 500 {
		t.Errorf("embedder stats %+v", e.Stats())
	}
	if !slices.ContainsFunc(states, func(s string) bool { return strings.Contains(s, "JOB_STATE_RUNNING") }) {
		t.Errorf("no progress while polling: %q", states)
	}
	if r := records(t, dir); len(r) != 0 {
		t.Errorf("job records left after success: %v", r)
	}

	srv.ResetStats()
	c2, _ := batchCache(t, srv, dir, gemini.Config{})
	if _, err := c2.Embed(context.Background(), in); err != nil {
		t.Fatal(err)
	}
	if st := srv.Stats(); st.BatchCreates != 0 || st.BatchPolls != 0 || st.EmbedRequests != 0 {
		t.Errorf("the re-run sent something: %+v", st)
	}
}

// TestBatchModeResumes: a run cut off while its job runs leaves the job's
// record; the next run polls that job instead of paying for a new one.
func TestBatchModeResumes(t *testing.T) {
	srv := newServer(t, geminitest.Options{BatchPolls: 5})
	dir := t.TempDir()
	in := texts(500)
	ctx, cancel := context.WithCancel(context.Background())
	c, _ := batchCache(t, srv, dir, gemini.Config{Status: func(s gemini.Status) {
		if strings.Contains(s.Batch, "RUNNING") {
			cancel()
		}
	}})
	if _, err := c.Embed(ctx, in); !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "resumes") {
		t.Fatalf("cut-off run: err = %v", err)
	}
	if r := records(t, dir); len(r) != 1 {
		t.Fatalf("job records after the cut: %v", r)
	}
	jobs := srv.BatchJobs()

	var notes []string
	c2, _ := batchCache(t, srv, dir, gemini.Config{Status: func(s gemini.Status) { notes = append(notes, s.Batch) }})
	got, err := c2.Embed(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	checkVectors(t, in, got)
	if now := srv.BatchJobs(); !slices.Equal(now, jobs) || srv.Stats().BatchCreates != 1 {
		t.Errorf("jobs %v after resuming, want still %v", now, jobs)
	}
	if !slices.ContainsFunc(notes, func(s string) bool { return strings.Contains(s, "resuming batch job "+jobs[0]) }) {
		t.Errorf("the resumed run did not say so: %q", notes)
	}
	if r := records(t, dir); len(r) != 0 {
		t.Errorf("job records left: %v", r)
	}
}

// TestBatchModeEndStates: a job that fails, is cancelled or expires is a
// clear error; nothing of it is cached, its record goes, and a new run
// submits a new job.
func TestBatchModeEndStates(t *testing.T) {
	for _, tc := range []struct{ state, want string }{
		{geminitest.BatchFailed, "ended in failure"},
		{geminitest.BatchCancelled, "ended cancelled"},
		{geminitest.BatchExpired, "ended expired"},
	} {
		t.Run(tc.state, func(t *testing.T) {
			srv := newServer(t, geminitest.Options{})
			srv.SetBatchEnd(tc.state)
			dir := t.TempDir()
			c, _ := batchCache(t, srv, dir, gemini.Config{})
			_, err := c.Embed(context.Background(), texts(20))
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "run again") {
				t.Fatalf("err = %v", err)
			}
			if n, _ := c.Len(); n != 0 {
				t.Errorf("%d vectors cached from a %s job", n, tc.state)
			}
			if r := records(t, dir); len(r) != 0 {
				t.Errorf("records left: %v", r)
			}
			srv.SetBatchEnd(geminitest.BatchSucceeded)
			c2, _ := batchCache(t, srv, dir, gemini.Config{})
			if _, err := c2.Embed(context.Background(), texts(20)); err != nil {
				t.Fatal(err)
			}
			if n := len(srv.BatchJobs()); n != 2 {
				t.Errorf("%d jobs, want a new one after the %s", n, tc.state)
			}
		})
	}
}

// TestBatchModeSplitsLargeInputs: input past the inline limit goes in
// several jobs, each yielded as it succeeds.
func TestBatchModeSplitsLargeInputs(t *testing.T) {
	defer gemini.SetMaxInlineBytes(1000)()
	srv := newServer(t, geminitest.Options{})
	in := texts(200) // about 6,000 bytes
	e := newEmbedder(t, srv, gemini.Config{Batch: true})
	got, err := e.Embed(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	checkVectors(t, in, got)
	total := 0
	for _, s := range in {
		total += len(s)
	}
	least := (total + 999) / 1000
	if n := srv.Stats().BatchCreates; n < int64(least) || n > int64(2*least) {
		t.Errorf("%d jobs for %d bytes at most 1,000 a job", n, total)
	}
}

// TestBatchModeItemError: a text the service refuses inside a job names
// the text.
func TestBatchModeItemError(t *testing.T) {
	srv := newServer(t, geminitest.Options{})
	in := texts(5)
	in[2] = strings.Repeat("word ", 3000)
	e := newEmbedder(t, srv, gemini.Config{Batch: true, MaxChars: 1 << 20})
	_, err := e.Embed(context.Background(), in)
	if err == nil || !strings.Contains(err.Error(), "refused text 2") || !strings.Contains(err.Error(), "exceeds the maximum") {
		t.Fatalf("err = %v", err)
	}
}
