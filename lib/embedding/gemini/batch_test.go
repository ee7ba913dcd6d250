package gemini_test

import (
	"context"
	"errors"
	"math"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/embedclassify/embedclassify/lib/embedding"
	"github.com/embedclassify/embedclassify/lib/embedding/gemini"
	"github.com/embedclassify/embedclassify/lib/embedding/geminitest"
	"google.golang.org/genai"
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

// checkVectors checks that got holds the fake's vectors of the texts in,
// as sent (cut to the default MaxChars). The values may differ in the last
// bits of the tiniest ones (around 1e-18): the SDK reads JSON numbers as
// float64 before making them float32.
func checkVectors(t *testing.T, in []string, got [][]float32) {
	t.Helper()
	for i := range in {
		sent, _ := gemini.Cut(in[i], 0)
		want := geminitest.Vector(gemini.DefaultModel, gemini.DefaultTaskType, sent, 0, 3072)
		if len(got[i]) != len(want) {
			t.Fatalf("vector %d has %d values, want %d", i, len(got[i]), len(want))
		}
		for j := range want {
			if math.Abs(float64(got[i][j]-want[j])) > 1e-12 {
				t.Fatalf("vector %d is not its text's: value %d is %g, want %g", i, j, got[i][j], want[j])
			}
		}
	}
}

// routes are the two ways batch mode sends a job: inlined requests, and
// the Files API, which the tests force by lowering the inline limit to
// 1,000 bytes.
var routes = []struct {
	name   string
	byFile bool
}{{"inline", false}, {"file", true}}

func useRoute(t *testing.T, byFile bool) {
	if byFile {
		t.Cleanup(gemini.SetMaxInlineBytes(1000))
	}
}

// outputsOnly reports whether the server keeps no file but the result
// files of batch jobs: batch mode deletes the input files it uploaded once
// their job ended.
func outputsOnly(srv *geminitest.Server) bool {
	return !slices.ContainsFunc(srv.Files(), func(f string) bool { return !strings.HasPrefix(f, "files/batch-") })
}

// TestBatchModeEmbedsAndCaches: the tutorial's 500 texts go through one
// Batch API job into the cache, by inlined requests or through the Files
// API (one upload, one job, one download of its result file); a re-run
// sends nothing.
func TestBatchModeEmbedsAndCaches(t *testing.T) {
	in := tutorialTexts(t)
	for _, route := range routes {
		t.Run(route.name, func(t *testing.T) {
			useRoute(t, route.byFile)
			srv := newServer(t, geminitest.Options{})
			dir := t.TempDir()
			var states []string
			c, e := batchCache(t, srv, dir, gemini.Config{Status: func(s gemini.Status) { states = append(states, s.String()) }})
			got, err := c.Embed(context.Background(), in)
			if err != nil {
				t.Fatal(err)
			}
			checkVectors(t, in, got)
			st := srv.Stats()
			files := int64(0)
			if route.byFile {
				files = 1
			}
			if st.BatchCreates != 1 || st.EmbedRequests != 0 || st.BatchPolls != 3 || st.Texts != 500 || st.FileUploads != files || st.Downloads != files {
				t.Errorf("server saw %+v; want one job polled 3 times, %d upload and download, no online request", st, files)
			}
			if e.Stats().Texts != 500 {
				t.Errorf("embedder stats %+v", e.Stats())
			}
			if !slices.ContainsFunc(states, func(s string) bool { return strings.Contains(s, "JOB_STATE_RUNNING") }) {
				t.Errorf("no progress while polling: %q", states)
			}
			if route.byFile && !slices.ContainsFunc(states, func(s string) bool { return strings.Contains(s, "uploading 500 texts") }) {
				t.Errorf("the upload was not said: %q", states)
			}
			if r := records(t, dir); len(r) != 0 {
				t.Errorf("job records left after success: %v", r)
			}
			if !outputsOnly(srv) {
				t.Errorf("input files left on the service: %v", srv.Files())
			}

			srv.ResetStats()
			c2, _ := batchCache(t, srv, dir, gemini.Config{})
			if _, err := c2.Embed(context.Background(), in); err != nil {
				t.Fatal(err)
			}
			if st := srv.Stats(); st != (geminitest.Stats{}) {
				t.Errorf("the re-run sent something: %+v", st)
			}
		})
	}
}

// TestBatchModeResumes: a run cut off while its job runs leaves the job's
// record; the next run polls that job instead of paying for a new one
// (nor uploading its input again).
func TestBatchModeResumes(t *testing.T) {
	for _, route := range routes {
		t.Run(route.name, func(t *testing.T) {
			useRoute(t, route.byFile)
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
			jobs, uploads := srv.BatchJobs(), srv.Stats().FileUploads

			var notes []string
			c2, _ := batchCache(t, srv, dir, gemini.Config{Status: func(s gemini.Status) { notes = append(notes, s.Batch) }})
			got, err := c2.Embed(context.Background(), in)
			if err != nil {
				t.Fatal(err)
			}
			checkVectors(t, in, got)
			st := srv.Stats()
			if now := srv.BatchJobs(); !slices.Equal(now, jobs) || st.BatchCreates != 1 || st.FileUploads != uploads {
				t.Errorf("jobs %v and %d uploads after resuming, want still %v and %d", now, st.FileUploads, jobs, uploads)
			}
			if !slices.ContainsFunc(notes, func(s string) bool { return strings.Contains(s, "resuming batch job "+jobs[0]) }) {
				t.Errorf("the resumed run did not say so: %q", notes)
			}
			if r := records(t, dir); len(r) != 0 {
				t.Errorf("job records left: %v", r)
			}
		})
	}
}

// cutAfterUpload is a transport that cancels a run once its upload is
// finalized: the run is cut off between the upload and the job's creation.
type cutAfterUpload struct {
	base   http.RoundTripper
	cancel func()
}

func (c cutAfterUpload) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := c.base.RoundTrip(r)
	if err == nil && strings.Contains(r.Header.Get("X-Goog-Upload-Command"), "finalize") {
		c.cancel()
	}
	return resp, err
}

// TestBatchModeResumesUpload: a run cut off after uploading its input file
// but before creating the job leaves the file's name in the record; the
// next run creates the job from that file without uploading it again, or,
// when the file has gone meanwhile, uploads it again and says so.
func TestBatchModeResumesUpload(t *testing.T) {
	for _, gone := range []bool{false, true} {
		t.Run(map[bool]string{false: "file kept", true: "file gone"}[gone], func(t *testing.T) {
			useRoute(t, true)
			srv := newServer(t, geminitest.Options{})
			dir := t.TempDir()
			in := texts(100)
			ctx, cancel := context.WithCancel(context.Background())
			cfg := gemini.Config{ClientConfig: *srv.ClientConfig(secretKey)}
			cfg.ClientConfig.HTTPClient = &http.Client{Transport: cutAfterUpload{http.DefaultTransport, cancel}}
			c, _ := batchCache(t, srv, dir, cfg)
			if _, err := c.Embed(ctx, in); !errors.Is(err, context.Canceled) {
				t.Fatalf("cut-off run: err = %v", err)
			}
			if st := srv.Stats(); st.FileUploads != 1 || st.BatchCreates != 0 || len(records(t, dir)) != 1 {
				t.Fatalf("after the cut: %+v, records %v", st, records(t, dir))
			}
			if gone {
				client, err := genai.NewClient(context.Background(), srv.ClientConfig(secretKey))
				if err != nil {
					t.Fatal(err)
				}
				if _, err := client.Files.Delete(context.Background(), srv.Files()[0], nil); err != nil {
					t.Fatal(err)
				}
			}

			var notes []string
			c2, _ := batchCache(t, srv, dir, gemini.Config{Status: func(s gemini.Status) { notes = append(notes, s.Batch) }})
			got, err := c2.Embed(context.Background(), in)
			if err != nil {
				t.Fatal(err)
			}
			checkVectors(t, in, got)
			uploads := int64(1)
			if gone {
				uploads = 2
			}
			if st := srv.Stats(); st.FileUploads != uploads || st.BatchCreates != 1 {
				t.Errorf("%d uploads and %d jobs after resuming, want %d and 1", st.FileUploads, st.BatchCreates, uploads)
			}
			said := slices.ContainsFunc(notes, func(s string) bool { return strings.Contains(s, "is gone; uploading it again") })
			if said != gone {
				t.Errorf("notes %q", notes)
			}
			if len(records(t, dir)) != 0 || !outputsOnly(srv) {
				t.Errorf("records %v, files %v left", records(t, dir), srv.Files())
			}
		})
	}
}

// TestBatchModeKeepsJobWhenDownloadFails: a succeeded job whose result
// file cannot be fetched stays on record; the next run fetches it, paying
// for nothing new.
func TestBatchModeKeepsJobWhenDownloadFails(t *testing.T) {
	useRoute(t, true)
	srv := newServer(t, geminitest.Options{})
	dir := t.TempDir()
	in := texts(100)
	srv.FailDownloads(1)
	c, _ := batchCache(t, srv, dir, gemini.Config{})
	if _, err := c.Embed(context.Background(), in); err == nil || !strings.Contains(err.Error(), "run again to fetch them") {
		t.Fatalf("err = %v", err)
	}
	if len(records(t, dir)) != 1 {
		t.Fatalf("records %v: the paid job was forgotten", records(t, dir))
	}
	c2, _ := batchCache(t, srv, dir, gemini.Config{})
	got, err := c2.Embed(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	checkVectors(t, in, got)
	if st := srv.Stats(); st.BatchCreates != 1 || st.FileUploads != 1 || st.Downloads != 1 {
		t.Errorf("server saw %+v; want one job, one upload, one download", st)
	}
}

// TestBatchModeEndStates: a job that fails, is cancelled or expires is a
// clear error; nothing of it is cached, what was cached before stays and
// is not sent again, its record (and uploaded input file) goes, and a new
// run submits a new job.
func TestBatchModeEndStates(t *testing.T) {
	for _, route := range routes {
		for _, tc := range []struct{ state, want string }{
			{geminitest.BatchFailed, "ended in failure"},
			{geminitest.BatchCancelled, "ended cancelled"},
			{geminitest.BatchExpired, "ended expired"},
		} {
			t.Run(route.name+"/"+tc.state, func(t *testing.T) {
				useRoute(t, route.byFile)
				srv := newServer(t, geminitest.Options{})
				dir := t.TempDir()
				c, _ := batchCache(t, srv, dir, gemini.Config{})
				if _, err := c.Embed(context.Background(), texts(10)); err != nil {
					t.Fatal(err)
				}
				srv.SetBatchEnd(tc.state)
				srv.ResetStats()
				_, err := c.Embed(context.Background(), texts(30))
				if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "run again") {
					t.Fatalf("err = %v", err)
				}
				if st := srv.Stats(); st.Texts != 0 || st.MaxBatch != 20 {
					t.Errorf("the %s run sent %+v; want the 20 texts not cached", tc.state, st)
				}
				if n, _ := c.Len(); n != 10 {
					t.Errorf("%d vectors cached after a %s job; want the 10 cached before", n, tc.state)
				}
				if r := records(t, dir); len(r) != 0 || !outputsOnly(srv) {
					t.Errorf("records %v, files %v left", r, srv.Files())
				}
				srv.SetBatchEnd(geminitest.BatchSucceeded)
				c2, _ := batchCache(t, srv, dir, gemini.Config{})
				got, err := c2.Embed(context.Background(), texts(30))
				if err != nil {
					t.Fatal(err)
				}
				checkVectors(t, texts(30), got)
				if n := len(srv.BatchJobs()); n != 3 {
					t.Errorf("%d jobs, want a new one after the %s", n, tc.state)
				}
			})
		}
	}
}

// TestBatchModeSplitsFileJobs: input whose answers would not fit one job's
// bound goes in several file jobs, each yielded as it succeeds.
func TestBatchModeSplitsFileJobs(t *testing.T) {
	useRoute(t, true)
	defer gemini.SetMaxFileJobValues(200 * 3072)()
	srv := newServer(t, geminitest.Options{})
	in := texts(500)
	e := newEmbedder(t, srv, gemini.Config{Batch: true})
	if est := e.Estimate(in); est.Requests != 3 || !est.ByFile || !strings.Contains(est.Format(0.15), "3 Batch API job(s), through the Files API") {
		t.Errorf("estimate %+v:\n%s", est, est.Format(0.15))
	}
	got, err := e.Embed(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	checkVectors(t, in, got)
	if st := srv.Stats(); st.BatchCreates != 3 || st.FileUploads != 3 || st.Downloads != 3 || st.MaxBatch != 200 {
		t.Errorf("server saw %+v; want 3 jobs of at most 200 texts", st)
	}
}

// TestBatchModeItemError: a text the service refuses inside a job names
// the text.
func TestBatchModeItemError(t *testing.T) {
	for _, route := range routes {
		t.Run(route.name, func(t *testing.T) {
			useRoute(t, route.byFile)
			srv := newServer(t, geminitest.Options{})
			in := texts(5)
			in[2] = strings.Repeat("word ", 3000)
			e := newEmbedder(t, srv, gemini.Config{Batch: true, MaxChars: 1 << 20})
			_, err := e.Embed(context.Background(), in)
			if err == nil || !strings.Contains(err.Error(), "refused text 2") || !strings.Contains(err.Error(), "exceeds the maximum") {
				t.Fatalf("err = %v", err)
			}
		})
	}
}
