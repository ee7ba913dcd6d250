package gemini_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/embedclassify/embedclassify/lib/embedding"
	"github.com/embedclassify/embedclassify/lib/embedding/gemini"
	"github.com/embedclassify/embedclassify/lib/embedding/geminitest"
	"github.com/embedclassify/embedclassify/lib/embedding/selector"
	"google.golang.org/genai"
)

// secretKey is the API key the tests use; it must never show up in an error
// message or a cache file.
const secretKey = "AIzaSy-TEST-SECRET-KEY-0123456789"

func newServer(t *testing.T, opts geminitest.Options) *geminitest.Server {
	t.Helper()
	if opts.APIKeys == nil {
		opts.APIKeys = []string{secretKey}
	}
	srv := geminitest.NewServer(opts)
	t.Cleanup(srv.Close)
	return srv
}

// newEmbedder returns an Embedder on srv that waits on a fake clock: its
// back-offs take no time.
func newEmbedder(t *testing.T, srv *geminitest.Server, cfg gemini.Config) *gemini.Embedder {
	t.Helper()
	e, _ := newEmbedderClock(t, srv, cfg)
	return e
}

// newEmbedderClock is newEmbedder, returning the fake clock too.
func newEmbedderClock(t *testing.T, srv *geminitest.Server, cfg gemini.Config) (*gemini.Embedder, *fakeClock) {
	t.Helper()
	if cfg.Client == nil && cfg.ClientConfig.HTTPOptions.BaseURL == "" {
		cfg.ClientConfig = *srv.ClientConfig(secretKey)
	}
	e, err := gemini.New(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	clk := newFakeClock()
	gemini.SetClock(e, clk)
	return e, clk
}

func texts(n int) []string {
	topics := []string{"the rocket reached orbit", "encryption keys and privacy", "the doctor prescribed medicine", "a circuit with a resistor"}
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("Text %d about %s.", i, topics[i%len(topics)])
	}
	return out
}

func checkNoKey(t *testing.T, s string) {
	t.Helper()
	if strings.Contains(s, secretKey) || strings.Contains(s, secretKey[8:]) {
		t.Fatalf("the API key leaked into %q", s)
	}
}

func TestEmbedBatchesInOrder(t *testing.T) {
	srv := newServer(t, geminitest.Options{Latency: 20 * time.Millisecond})
	var reports [][2]int
	e := newEmbedder(t, srv, gemini.Config{Concurrency: 3, Progress: func(d, n int) { reports = append(reports, [2]int{d, n}) }})
	in := texts(250)
	got, err := e.Embed(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	st := srv.Stats()
	if st.EmbedRequests != 3 || st.MaxBatch != 100 || st.Texts != 250 {
		t.Fatalf("server saw %+v, want 3 requests of at most 100 texts", st)
	}
	if st.MaxInFlight < 2 {
		t.Errorf("requests were not concurrent: max in flight %d", st.MaxInFlight)
	}
	for i, v := range got {
		want := geminitest.Vector(gemini.DefaultModel, gemini.DefaultTaskType, in[i], 0, 3072)
		if !slices.Equal(v, want) {
			t.Fatalf("vector %d is not the one for its text (order lost)", i)
		}
	}
	if e.Dim() != 3072 || len(got[0]) != 3072 {
		t.Errorf("Dim() = %d, len = %d, want 3072", e.Dim(), len(got[0]))
	}
	if last := reports[len(reports)-1]; last != [2]int{250, 250} || len(reports) != 3 {
		t.Errorf("progress reports %v", reports)
	}
}

func TestOrderUnderConcurrencyWithSmallBatches(t *testing.T) {
	srv := newServer(t, geminitest.Options{Latency: 5 * time.Millisecond})
	e := newEmbedder(t, srv, gemini.Config{BatchSize: 7, Concurrency: 8})
	in := texts(200)
	got, err := e.Embed(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	if n := srv.Stats().EmbedRequests; n != 29 {
		t.Errorf("%d requests, want 29 (200 texts by 7)", n)
	}
	for i := range in {
		if !slices.Equal(got[i], geminitest.Vector(gemini.DefaultModel, "CLASSIFICATION", in[i], 0, 3072)) {
			t.Fatalf("vector %d out of order", i)
		}
	}
}

func TestRetriesThenSuccess(t *testing.T) {
	for _, tc := range []struct {
		name    string
		faults  []geminitest.Fault
		minWait time.Duration
	}{
		{"429 with RetryInfo", []geminitest.Fault{{Status: 429, RetryInfo: 50 * time.Millisecond}}, 50 * time.Millisecond},
		{"429 with Retry-After", []geminitest.Fault{{Status: 429, RetryAfter: 30 * time.Second}}, 30 * time.Second},
		{"429 without a delay", []geminitest.Fault{{Status: 429}, {Status: 429}}, 10 * time.Second},
		{"503 twice", []geminitest.Fault{{Status: 503}, {Status: 503}}, 0},
		{"500", []geminitest.Fault{{Status: 500}}, 0},
		{"broken connection", []geminitest.Fault{{Disconnect: true}}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := newServer(t, geminitest.Options{})
			srv.InjectFaults(tc.faults...)
			e, clk := newEmbedderClock(t, srv, gemini.Config{})
			got, err := e.Embed(context.Background(), texts(10))
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != 10 {
				t.Fatalf("%d vectors", len(got))
			}
			if slept := clk.Slept(); slept < tc.minWait {
				t.Errorf("retried after %v, before the server's %v", slept, tc.minWait)
			}
			want := int64(len(tc.faults) + 1)
			if st := e.Stats(); st.Requests != want || st.Retries != want-1 || srv.Requests() != want {
				t.Errorf("stats %+v, server %d requests; want %d requests", st, srv.Requests(), want)
			}
		})
	}
}

func TestFinalFailureAfterRetryBudget(t *testing.T) {
	srv := newServer(t, geminitest.Options{})
	srv.InjectFaults(slices.Repeat([]geminitest.Fault{{Status: 503}}, 10)...)
	e := newEmbedder(t, srv, gemini.Config{MaxAttempts: 3})
	_, err := e.Embed(context.Background(), texts(5))
	if err == nil {
		t.Fatal("no error after the retry budget")
	}
	var apiErr genai.APIError
	if !errors.As(err, &apiErr) || apiErr.Code != 503 {
		t.Fatalf("err %v does not wrap the 503 APIError", err)
	}
	var ge *gemini.Error
	if !errors.As(err, &ge) || ge.Attempts != 3 {
		t.Fatalf("err %v: want a *gemini.Error after 3 attempts", err)
	}
	if srv.Requests() != 3 {
		t.Errorf("server saw %d requests, want 3", srv.Requests())
	}
	if !strings.Contains(err.Error(), "after 3 attempts") || !strings.Contains(err.Error(), "try again later") {
		t.Errorf("unhelpful message: %v", err)
	}
	checkNoKey(t, err.Error())
}

func TestDistinctErrorMessages(t *testing.T) {
	srv := newServer(t, geminitest.Options{})
	ctx := context.Background()
	cases := []struct {
		name string
		cfg  gemini.Config
		in   []string
		want string
		code int
	}{
		{"wrong key", gemini.Config{ClientConfig: *srv.ClientConfig("wrong-key-" + secretKey[:6])}, texts(1), "refused the API key", 400},
		{"unknown model", gemini.Config{Model: "no-such-model"}, texts(1), `model "no-such-model" was not found`, 404},
		{"too long", gemini.Config{MaxChars: 1 << 20}, []string{strings.Repeat("word ", 2000)}, "too long", 400},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newEmbedder(t, srv, tc.cfg)
			_, err := e.Embed(ctx, tc.in)
			if err == nil {
				t.Fatal("no error")
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("message %q does not say %q", err, tc.want)
			}
			var apiErr genai.APIError
			if !errors.As(err, &apiErr) || apiErr.Code != tc.code {
				t.Errorf("err does not wrap an APIError with code %d: %v", tc.code, err)
			}
			if e.Stats().Requests != 1 {
				t.Errorf("a %d was retried: %d requests", tc.code, e.Stats().Requests)
			}
			checkNoKey(t, err.Error())
		})
	}
}

func TestMissingKeyAnswer(t *testing.T) {
	srv := newServer(t, geminitest.Options{})
	resp, err := http.Post(srv.URL+"/v1beta/models/gemini-embedding-001:batchEmbedContents", "application/json", strings.NewReader(`{"requests":[]}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 403 {
		t.Fatalf("status %d, want 403", resp.StatusCode)
	}
}

func TestConfigErrors(t *testing.T) {
	srv := newServer(t, geminitest.Options{})
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		cfg  gemini.Config
		want string
	}{
		{"task type", gemini.Config{TaskType: "SORTING"}, "CLASSIFICATION, CLUSTERING"},
		{"dims", gemini.Config{Dims: 5000}, "128 to 3072"},
		{"batch", gemini.Config{BatchSize: 101}, "1 to 100"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := tc.cfg
			cfg.ClientConfig = *srv.ClientConfig(secretKey)
			_, err := gemini.New(ctx, cfg)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want one mentioning %q", err, tc.want)
			}
		})
	}
	if got, err := gemini.ValidateTaskType("retrieval_query"); err != nil || got != "RETRIEVAL_QUERY" {
		t.Errorf("ValidateTaskType(retrieval_query) = %q, %v", got, err)
	}
	if n := len(gemini.TaskTypes()); n != 8 {
		t.Errorf("%d task types, want 8", n)
	}
}

func TestReducedDimsAreNormalised(t *testing.T) {
	srv := newServer(t, geminitest.Options{})
	e := newEmbedder(t, srv, gemini.Config{Dims: 256})
	got, err := e.Embed(context.Background(), texts(3))
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range got {
		var ss float64
		for _, x := range v {
			ss += float64(x) * float64(x)
		}
		if len(v) != 256 || math.Abs(ss-1) > 1e-5 {
			t.Fatalf("len %d, |v|² %f; want 256 and 1", len(v), ss)
		}
	}
	if e.Dim() != 256 {
		t.Errorf("Dim() = %d", e.Dim())
	}
}

func TestVertexPredict(t *testing.T) {
	srv := newServer(t, geminitest.Options{})
	for _, model := range []string{"text-embedding-004", "gemini-embedding-001"} {
		t.Run(model, func(t *testing.T) {
			srv.ResetStats()
			e := newEmbedder(t, srv, gemini.Config{ClientConfig: *srv.VertexClientConfig(), Model: model})
			in := texts(5)
			got, err := e.Embed(context.Background(), in)
			if err != nil {
				t.Fatal(err)
			}
			for i := range in {
				if !slices.Equal(got[i], geminitest.Vector(model, "CLASSIFICATION", in[i], 0, e.Dim())) {
					t.Fatalf("vector %d differs", i)
				}
			}
			if e.Backend() != "Vertex AI" {
				t.Errorf("backend %q", e.Backend())
			}
			wantReqs := int64(1)
			if strings.Contains(model, "gemini") {
				wantReqs = 5 // one text per request on Vertex AI
			}
			if n := srv.Requests(); n != wantReqs {
				t.Errorf("%d requests, want %d", n, wantReqs)
			}
		})
	}
}

func TestBaseURLFromEnvironment(t *testing.T) {
	srv := newServer(t, geminitest.Options{})
	t.Setenv("GOOGLE_GEMINI_BASE_URL", srv.URL)
	t.Setenv("GOOGLE_API_KEY", "")
	t.Setenv("GEMINI_API_KEY", secretKey)
	t.Setenv("GOOGLE_GENAI_USE_VERTEXAI", "")
	if !gemini.Configured() || gemini.KeySource() != "GEMINI_API_KEY" {
		t.Fatalf("Configured %v, KeySource %q", gemini.Configured(), gemini.KeySource())
	}
	e, err := gemini.New(context.Background(), gemini.Config{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.Embed(context.Background(), texts(3)); err != nil {
		t.Fatal(err)
	}
	if srv.Requests() != 1 {
		t.Errorf("%d requests", srv.Requests())
	}
	emb, msg, err := selector.Select(context.Background(), selector.Config{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if emb.Model() != gemini.DefaultModel || !strings.Contains(msg, "GEMINI_API_KEY") {
		t.Errorf("Select chose %s: %s", emb.Model(), msg)
	}
	checkNoKey(t, msg)
}

func TestListEmbeddingModels(t *testing.T) {
	srv := newServer(t, geminitest.Options{})
	client, err := gemini.NewClient(context.Background(), srv.ClientConfig(secretKey))
	if err != nil {
		t.Fatal(err)
	}
	names, err := gemini.ListEmbeddingModels(context.Background(), client)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"models/embedding-001", "models/text-embedding-004", "models/gemini-embedding-exp-03-07", "models/gemini-embedding-exp", "models/gemini-embedding-001"}
	if !slices.Equal(names, want) {
		t.Errorf("got %v, want %v", names, want)
	}
}

func TestClientErrorHidesKey(t *testing.T) {
	// The SDK prints its whole configuration in some errors; ours must not
	// carry the key along.
	_, err := gemini.New(context.Background(), gemini.Config{ClientConfig: genai.ClientConfig{
		APIKey: secretKey, Backend: genai.BackendGeminiAPI, Project: "p", Location: "l"}})
	if err == nil {
		t.Fatal("expected an error for project/location on the Gemini API")
	}
	checkNoKey(t, err.Error())
}

// TestCancelLeavesUsableCache cuts a cached run off half-way, then checks
// that the next run pays only for what is missing and the one after pays
// nothing, and that no cache file holds the key.
func TestCancelLeavesUsableCache(t *testing.T) {
	srv := newServer(t, geminitest.Options{Latency: 30 * time.Millisecond})
	dir := t.TempDir()
	in := texts(300)

	ctx, cancel := context.WithCancel(context.Background())
	e := newEmbedder(t, srv, gemini.Config{BatchSize: 10, Concurrency: 2})
	var seen atomic.Int64
	c, err := embedding.NewCache(e, dir, embedding.CacheOptions{Progress: func(done, total int) {
		if seen.Store(int64(done)); done >= 100 {
			cancel()
		}
	}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Embed(ctx, in)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("cut-off run: err = %v, want context.Canceled", err)
	}
	checkNoKey(t, err.Error())
	saved := seen.Load()
	if saved < 100 || saved >= 300 {
		t.Fatalf("saved %d texts before the cut", saved)
	}
	first := srv.Stats().Texts

	srv.ResetStats()
	e2 := newEmbedder(t, srv, gemini.Config{BatchSize: 10, Concurrency: 2})
	c2, _ := embedding.NewCache(e2, dir, embedding.CacheOptions{})
	got, err := c2.Embed(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	if paid := srv.Stats().Texts; paid != 300-saved {
		t.Errorf("resumed run paid for %d texts, want %d (first run embedded %d, saved %d)", paid, 300-saved, first, saved)
	}
	for i := range in {
		if !slices.Equal(got[i], geminitest.Vector(gemini.DefaultModel, "CLASSIFICATION", in[i], 0, 3072)) {
			t.Fatalf("vector %d wrong after resume", i)
		}
	}

	srv.ResetStats()
	c3, _ := embedding.NewCache(newEmbedder(t, srv, gemini.Config{}), dir, embedding.CacheOptions{})
	if _, err := c3.Embed(context.Background(), in); err != nil {
		t.Fatal(err)
	}
	if n := srv.Requests(); n != 0 {
		t.Errorf("third run made %d requests, want 0", n)
	}

	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, _ := os.ReadFile(p)
		if strings.Contains(string(b), secretKey) {
			t.Errorf("cache file %s holds the key", p)
		}
		return nil
	})
}
