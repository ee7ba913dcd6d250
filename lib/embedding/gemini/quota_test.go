package gemini_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/embedclassify/embedclassify/lib/embedding/gemini"
	"github.com/embedclassify/embedclassify/lib/embedding/geminitest"
	"google.golang.org/genai"
)

// sciPosts is the number of sci.* posts in 20 Newsgroups (train and test).
const sciPosts = 3952

// quotaResult is what quotaRun saw.
type quotaResult struct {
	err      error
	st       geminitest.Stats
	took     time.Duration // by the test clock
	statuses []gemini.Status
	arrivals []time.Time
}

// quotaRun embeds n short texts against a server enforcing opts.RPM with a
// clock factor times faster than the wall clock.
func quotaRun(t *testing.T, factor float64, opts geminitest.Options, cfg gemini.Config, n int, during func(*geminitest.Server)) quotaResult {
	t.Helper()
	clk := newScaledClock(factor)
	opts.Now = clk.Now
	opts.APIKeys = []string{secretKey}
	srv := geminitest.NewServer(opts)
	t.Cleanup(srv.Close)
	cfg.ClientConfig = *srv.ClientConfig(secretKey)
	cfg.Dims = 128 // small answers: the test is about pacing
	var (
		mu       sync.Mutex
		statuses []gemini.Status
	)
	cfg.Status = func(s gemini.Status) {
		mu.Lock()
		statuses = append(statuses, s)
		mu.Unlock()
	}
	e, err := gemini.New(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	gemini.SetClock(e, clk)
	if during != nil {
		during(srv)
	}
	start := clk.Now()
	_, err = e.Embed(context.Background(), texts(n))
	took := clk.Now().Sub(start)
	mu.Lock()
	defer mu.Unlock()
	return quotaResult{err, srv.Stats(), took, statuses, srv.Arrivals()}
}

// minimumTime is the least time n requests take under a quota of rpm
// requests in any minute.
func minimumTime(n, rpm int) time.Duration {
	return time.Duration((n+rpm-1)/rpm-1) * time.Minute
}

// TestPacedToQuota: with --rpm 20 against a server enforcing 20 requests a
// minute, all sci.* posts go through with at most one 429, in at most 10%
// over the quota's minimum time. That minimum is the quota's minute (for
// 21 to 40 requests) plus the ramp: the time the first 20 requests took to
// arrive, 4 at a time, which pacing cannot shorten (it is long on a busy
// machine, by a clock 5 times faster than the wall's). The time measured
// is the span of the requests' arrivals at the server. The clock runs only 5
// times faster than the wall's so that the pacer's 2 s margin is 400 ms of
// real scheduling slack on a busy machine.
func TestPacedToQuota(t *testing.T) {
	res := quotaRun(t, 5, geminitest.Options{RPM: 20}, gemini.Config{RPM: 20}, sciPosts, nil)
	if res.err != nil {
		t.Fatal(res.err)
	}
	st, took, arr := res.st, res.took, res.arrivals
	reqs := (sciPosts + 99) / 100
	ramp := arr[19].Sub(arr[0])
	least := minimumTime(reqs, 20) + ramp
	span := arr[len(arr)-1].Sub(arr[0])
	t.Logf("%d requests, %d answered 429, sent over %v (least %v with a ramp of %v), done in %v by the test clock",
		st.EmbedRequests, st.Throttled, span.Round(time.Second), least.Round(time.Second), ramp.Round(time.Second), took.Round(time.Second))
	if st.Throttled > 1 || st.EmbedRequests > int64(reqs)+1 {
		t.Errorf("%d requests, %d answered 429; want %d and at most one", st.EmbedRequests, st.Throttled, reqs)
	}
	if span > least*11/10 {
		t.Errorf("requests sent over %v, more than 10%% over the least %v", span, least)
	}
}

// TestQuotaWithoutPacing: without --rpm, a server that says how long to
// wait gets at most 10% of requests refused.
func TestQuotaWithoutPacing(t *testing.T) {
	res := quotaRun(t, 10, geminitest.Options{RPM: 20, QuotaRetryInfo: true}, gemini.Config{}, sciPosts, nil)
	if res.err != nil {
		t.Fatal(res.err)
	}
	st, took, statuses := res.st, res.took, res.statuses
	t.Logf("%d requests, %d answered 429, %v by the test clock", st.EmbedRequests, st.Throttled, took.Round(time.Second))
	if st.Throttled*10 > st.EmbedRequests {
		t.Errorf("%d of %d requests answered 429, more than 10%%", st.Throttled, st.EmbedRequests)
	}
	waited := false
	for _, s := range statuses {
		if !s.WaitUntil.IsZero() && strings.Contains(s.String(), "waiting until") && strings.Contains(s.WaitReason, "asked to wait") {
			waited = true
		}
	}
	if !waited {
		t.Error("no status said what the run waited for")
	}
}

// TestQuotaStormIsWaitedOut: two minutes of 429 without Retry-After are
// waited out, all workers backing off together, and the status line says
// so.
func TestQuotaStormIsWaitedOut(t *testing.T) {
	res := quotaRun(t, 60, geminitest.Options{}, gemini.Config{}, 1000, func(s *geminitest.Server) { s.Throttle(2 * time.Minute) })
	if res.err != nil {
		t.Fatal(res.err)
	}
	st, took, statuses := res.st, res.took, res.statuses
	t.Logf("%d requests, %d answered 429, %v by the test clock", st.EmbedRequests, st.Throttled, took.Round(time.Second))
	if took < 2*time.Minute { // no upper bound: by this fast clock, a busy machine adds minutes
		t.Errorf("took %v for a 2-minute storm", took)
	}
	if st.Throttled > 12 {
		t.Errorf("%d refusals: the workers did not back off together", st.Throttled)
	}
	last := statuses[len(statuses)-1]
	if last.Refused != st.Throttled || last.Done != 1000 {
		t.Errorf("last status %+v", last)
	}
	seen := false
	for _, s := range statuses {
		seen = seen || strings.Contains(s.String(), "backing off")
	}
	if !seen {
		t.Error("no status said the run was backing off")
	}
}

// TestQuotaStormPastMaxWait: a storm longer than --max-wait fails after
// about --max-wait, saying so.
func TestQuotaStormPastMaxWait(t *testing.T) {
	res := quotaRun(t, 60, geminitest.Options{}, gemini.Config{MaxWait: time.Minute}, 100, func(s *geminitest.Server) { s.Throttle(time.Hour) })
	err, took := res.err, res.took
	var apiErr genai.APIError
	if !errors.As(err, &apiErr) || apiErr.Code != 429 || !strings.Contains(err.Error(), "--max-wait") {
		t.Fatalf("err = %v", err)
	}
	if took < time.Minute || took > 80*time.Second {
		t.Errorf("gave up after %v, want about the minute allowed", took)
	}
}

// TestLongRetryAfterFailsAtOnce: a server asking for an hour when the user
// allows ten minutes gets an error at once, not a long wait.
func TestLongRetryAfterFailsAtOnce(t *testing.T) {
	srv := newServer(t, geminitest.Options{})
	srv.InjectFaults(geminitest.Fault{Status: 429, RetryAfter: time.Hour})
	e, clk := newEmbedderClock(t, srv, gemini.Config{})
	_, err := e.Embed(context.Background(), texts(3))
	if err == nil || !strings.Contains(err.Error(), "asked to wait 1h0m0s, longer than the 10m0s allowed") {
		t.Fatalf("err = %v", err)
	}
	if clk.Slept() != 0 {
		t.Errorf("waited %v first", clk.Slept())
	}
}

// TestTokenQuotaSplitsBatches: with --tpm, no request carries more
// estimated tokens than the quota, and the run stays within it.
func TestTokenQuotaSplitsBatches(t *testing.T) {
	in := make([]string, 300)
	for i := range in {
		in[i] = strings.Repeat("word ", 200) + texts(1)[0] // ~1,000 bytes: ~334 estimated tokens
	}
	srv := newServer(t, geminitest.Options{})
	e, clk := newEmbedderClock(t, srv, gemini.Config{TPM: 10000, Concurrency: 1})
	if _, err := e.Embed(context.Background(), in); err != nil {
		t.Fatal(err)
	}
	per := gemini.EstimateTokens(in[0])
	if st := srv.Stats(); st.MaxBatch > int64(10000/per) {
		t.Errorf("a request of %d texts (%d tokens)", st.MaxBatch, st.MaxBatch*int64(per))
	}
	total := 300 * per
	least := time.Duration(total/10000) * time.Minute
	if clk.Slept() < least*9/10 {
		t.Errorf("slept %v for %d tokens at 10,000 a minute", clk.Slept(), total)
	}
}
