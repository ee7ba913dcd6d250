package gemini_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
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
	took     time.Duration // by the virtual clock
	statuses []gemini.Status
	arrivals []time.Time
}

// quotaRun embeds n short texts against an in-process server enforcing
// opts, inside a testing/synctest bubble: the embedder's pacer and
// back-off and the server's quota read one virtual clock, which moves on
// only when every goroutine waits for it, so the times and counts do not
// depend on how busy the machine is. during, when set, acts on the server
// before the run.
func quotaRun(t *testing.T, opts geminitest.Options, cfg gemini.Config, n int, during func(*geminitest.Server)) quotaResult {
	t.Helper()
	var res quotaResult
	synctest.Test(t, func(t *testing.T) {
		opts.APIKeys = []string{secretKey}
		srv := geminitest.NewInProcess(opts)
		cfg.ClientConfig = *srv.ClientConfig(secretKey)
		cfg.Dims = 128 // small answers: the test is about pacing
		var mu sync.Mutex
		cfg.Status = func(s gemini.Status) {
			mu.Lock()
			res.statuses = append(res.statuses, s)
			mu.Unlock()
		}
		e, err := gemini.New(context.Background(), cfg)
		if err != nil {
			t.Fatal(err)
		}
		gemini.SetJitter(e, func() float64 { return 0.5 }) // back-offs of 87.5% of their step
		if during != nil {
			during(srv)
		}
		start := time.Now()
		_, res.err = e.Embed(context.Background(), texts(n))
		res.took = time.Since(start)
		res.st, res.arrivals = srv.Stats(), srv.Arrivals()
	})
	return res
}

// minimumTime is the least time n requests take under a quota of rpm
// requests in any minute.
func minimumTime(n, rpm int) time.Duration {
	return time.Duration((n+rpm-1)/rpm-1) * time.Minute
}

// quotaLatency is the time the fake takes to answer in the quota tests: a
// batch of 100 short texts, answered in about half a second.
const quotaLatency = 500 * time.Millisecond

// TestPacedToQuota: with --rpm 20 against a server enforcing 20 requests a
// minute, all sci.* posts go through with no 429 at all (the issue allows
// one), in at most 10% over the quota's minimum time. That minimum is the
// quota's minute (for 21 to 40 requests) plus the ramp: the time the first
// 20 requests took to arrive, 4 at a time, which pacing cannot shorten.
// The time measured is the span of the requests' arrivals at the server,
// by the virtual clock: the pacer's 2 s margin makes it 62 s plus the
// ramp's 2 s, exactly.
func TestPacedToQuota(t *testing.T) {
	res := quotaRun(t, geminitest.Options{RPM: 20, Latency: quotaLatency}, gemini.Config{RPM: 20}, sciPosts, nil)
	if res.err != nil {
		t.Fatal(res.err)
	}
	st, took, arr := res.st, res.took, res.arrivals
	reqs := (sciPosts + 99) / 100
	ramp := arr[19].Sub(arr[0])
	least := minimumTime(reqs, 20) + ramp
	span := arr[len(arr)-1].Sub(arr[0])
	t.Logf("%d requests, %d answered 429, sent over %v (least %v with a ramp of %v), done in %v by the virtual clock",
		st.EmbedRequests, st.Throttled, span, least, ramp, took)
	if st.Throttled != 0 || st.EmbedRequests != int64(reqs) {
		t.Errorf("%d requests, %d answered 429; want %d and none", st.EmbedRequests, st.Throttled, reqs)
	}
	if span > least*11/10 {
		t.Errorf("requests sent over %v, more than 10%% over the least %v", span, least)
	}
	if want := 64 * time.Second; span != want || ramp != 2*time.Second {
		t.Errorf("sent over %v with a ramp of %v; want %v and 2s", span, ramp, want)
	}
}

// TestQuotaWithoutPacing: without --rpm, a server that says how long to
// wait gets at most 10% of requests refused: the workers reach the 21st
// request nearly together, so one to four (one per worker) are refused,
// and the first refusal teaches the pacer the quota: the requests sent
// before the refused one, answered or still in flight. The run then takes
// the quota's minimum time, within 10%, plus the ramp. (It used to learn
// from the answered ones only, 17 of the 20, and took two minutes.) Which
// worker reaches the server first at the same virtual instant is up to the
// scheduler, so the counts may vary a little between runs, never with the
// load.
func TestQuotaWithoutPacing(t *testing.T) {
	res := quotaRun(t, geminitest.Options{RPM: 20, QuotaRetryInfo: true, Latency: quotaLatency}, gemini.Config{}, sciPosts, nil)
	if res.err != nil {
		t.Fatal(res.err)
	}
	st, took, statuses := res.st, res.took, res.statuses
	t.Logf("%d requests, %d answered 429, %v by the virtual clock", st.EmbedRequests, st.Throttled, took)
	reqs := int64(sciPosts+99) / 100
	if st.Throttled*10 > st.EmbedRequests || st.Throttled < 1 || st.Throttled > 4 || st.EmbedRequests != reqs+st.Throttled {
		t.Errorf("%d of %d requests answered 429; want 1 to 4 (one per worker), under 10%%, and %d others", st.Throttled, st.EmbedRequests, reqs)
	}
	ramp := res.arrivals[19].Sub(res.arrivals[0])
	if least := minimumTime(int(reqs), 20) + ramp; took < least || took > least*11/10+quotaLatency {
		t.Errorf("took %v; want %v to 10%% more", took, least)
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
// so. With the jitter fixed, the back-offs are 4.4, 8.8, 17.5, 35 and 52.5
// s: 6 refusals, and the run ends after the storm, within one back-off
// step of its end (2m48s or 2m53s by the virtual clock, as the first
// refusals of the four workers fall).
func TestQuotaStormIsWaitedOut(t *testing.T) {
	res := quotaRun(t, geminitest.Options{Latency: quotaLatency}, gemini.Config{}, 1000, func(s *geminitest.Server) { s.Throttle(2 * time.Minute) })
	if res.err != nil {
		t.Fatal(res.err)
	}
	st, took, statuses := res.st, res.took, res.statuses
	t.Logf("%d requests, %d answered 429, %v by the virtual clock", st.EmbedRequests, st.Throttled, took)
	if took < 2*time.Minute || took > 2*time.Minute+time.Minute {
		t.Errorf("took %v for a 2-minute storm; want 2 to 3 minutes", took)
	}
	if st.Throttled != 6 {
		t.Errorf("%d refusals; want 6: the workers did not back off together", st.Throttled)
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
	res := quotaRun(t, geminitest.Options{Latency: quotaLatency}, gemini.Config{MaxWait: time.Minute}, 100, func(s *geminitest.Server) { s.Throttle(time.Hour) })
	err, took := res.err, res.took
	var apiErr genai.APIError
	if !errors.As(err, &apiErr) || apiErr.Code != 429 || !strings.Contains(err.Error(), "--max-wait") {
		t.Fatalf("err = %v", err)
	}
	if took < time.Minute || took > time.Minute+2*quotaLatency {
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
