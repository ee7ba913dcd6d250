package gemini

import (
	"context"
	"fmt"
	"math"
	"sync"
	"time"
	"unicode/utf8"
)

// EstimateTokens returns a high estimate of the number of tokens the
// service counts for text: one token per three bytes of UTF-8, rounded up.
// English prose runs at nearer four bytes a token, so this overestimates
// it; a character outside ASCII takes two to four bytes, so CJK text, at
// roughly one token a character, is not underestimated either. Text that
// is not prose (random characters, base64, long numbers) is split finer
// and can take more tokens than this says: the estimate is safe for a
// run's total, not for every text (README, "Gemini", has the figures).
// Pacing and --estimate use it.
func EstimateTokens(text string) int {
	if text == "" {
		return 0
	}
	return (len(text) + 2) / 3
}

// MaxInputTokens is the most input tokens gemini-embedding-001 takes for
// one text.
const MaxInputTokens = 2048

// DefaultMaxChars is the length past which a text is cut before it is
// sent (Config.MaxChars): 6,000 bytes of UTF-8 are at most 2,000 tokens by
// EstimateTokens, safely under MaxInputTokens.
const DefaultMaxChars = 6000

// Cut returns text cut to at most maxChars bytes of UTF-8 (as many
// characters of ASCII text; a wider character counts its 2 to 4 bytes, as
// it costs more tokens), at a character boundary, and whether it was cut.
// maxChars ≤ 0 means DefaultMaxChars.
func Cut(text string, maxChars int) (string, bool) {
	if maxChars <= 0 {
		maxChars = DefaultMaxChars
	}
	if len(text) <= maxChars {
		return text, false
	}
	end := maxChars
	for end > 0 && !utf8.RuneStart(text[end]) {
		end--
	}
	return text[:end], true
}

// clock tells the time and waits; tests replace it with a faster one.
type clock interface {
	Now() time.Time
	// Sleep waits for d or until ctx is done, returning ctx's cause then.
	Sleep(ctx context.Context, d time.Duration) error
}

type realClock struct{}

func (realClock) Now() time.Time { return time.Now() }

func (realClock) Sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return context.Cause(ctx)
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return context.Cause(ctx)
	case <-t.C:
		return nil
	}
}

// quotaWindow is the span over which RPM and TPM quotas count, with a
// margin for the time a request takes to reach the service (which varies
// with its size and the network), so that the service never sees more
// than the quota within its own minute.
const quotaWindow = time.Minute + 2*time.Second

// pacer keeps requests within a requests-per-minute and a
// tokens-per-minute quota, shared by all workers: it admits a request only
// when fewer than rpm requests, and fewer than tpm tokens with it, were
// admitted during the last quotaWindow. Zero limits are off.
type pacer struct {
	clk      clock
	rpm, tpm int

	mu      sync.Mutex
	sent    []sentReq   // admitted requests of the last window, oldest first
	all     []time.Time // requests sent during the last minute
	ok      []time.Time // requests that succeeded during the last window
	learned bool        // rpm was learned from a refusal
}

type sentReq struct {
	at     time.Time
	tokens int
}

// wait blocks until a request of tokens may be sent under the quotas (and
// the shared back-off lets it go, see throttle.gate), and records it as
// sent at the time it returns. The quotas are asked first, and the gate
// only when they allow the request, with p.mu held throughout: a request
// that the gate lets out as the probe after a refusal is always sent, so a
// probe can never be held back by the pacer while the others wait for it.
func (p *pacer) wait(ctx context.Context, tokens int, gate func(now time.Time) time.Time) (time.Time, error) {
	for {
		now := p.clk.Now()
		p.mu.Lock()
		until := p.next(now, tokens)
		if until.IsZero() {
			if until = gate(now); until.IsZero() {
				p.record(now, tokens)
			}
		}
		p.mu.Unlock()
		if until.IsZero() {
			return now, nil
		}
		if err := p.clk.Sleep(ctx, until.Sub(now)); err != nil {
			return time.Time{}, err
		}
	}
}

// refused forgets the request admitted at at: the service refused it, and
// a refused request does not count against a quota.
func (p *pacer) refused(at time.Time) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for i, s := range p.sent {
		if s.at.Equal(at) {
			p.sent = append(p.sent[:i], p.sent[i+1:]...)
			return
		}
	}
}

// next returns the zero time if the quotas allow a request of tokens now,
// else the time at which to try again. p.mu is held.
func (p *pacer) next(now time.Time, tokens int) time.Time {
	cut := now.Add(-quotaWindow)
	i := 0
	for i < len(p.sent) && !p.sent[i].at.After(cut) {
		i++
	}
	p.sent = p.sent[i:]
	if p.rpm > 0 && len(p.sent) >= p.rpm {
		return p.sent[len(p.sent)-p.rpm].at.Add(quotaWindow)
	}
	if p.tpm > 0 {
		sum := tokens
		for _, s := range p.sent {
			sum += s.tokens
		}
		// Free the oldest requests until this one fits.
		for j := 0; sum > p.tpm && j < len(p.sent); j++ {
			sum -= p.sent[j].tokens
			if sum <= p.tpm {
				return p.sent[j].at.Add(quotaWindow)
			}
		}
	}
	return time.Time{}
}

// record counts a request of tokens sent at now. p.mu is held.
func (p *pacer) record(now time.Time, tokens int) {
	p.sent = append(p.sent, sentReq{now, tokens})
	p.all = append(p.all, now)
}

// succeeded records a request admitted at at that succeeded.
func (p *pacer) succeeded(at time.Time) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.ok = append(p.ok, at)
}

// learn paces a run that had no requests-per-minute quota to the number of
// requests the service accepted during the last window, after it refused
// the one sent at refused for quota: the requests sent before that one
// and not refused, those that succeeded and those still in flight (they
// most likely will). It learns only when some request of the window
// succeeded: refusals alone (a storm) say nothing of the quota. A service
// that refuses the 21st request of a minute gets 20 a minute from then on;
// when one counted in flight is refused in turn, the quota is learned
// again, lower. It returns the learned quota, or 0.
func (p *pacer) learn(now, refused time.Time) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.rpm > 0 && !p.learned {
		return 0
	}
	cut := now.Add(-quotaWindow)
	i := 0
	for i < len(p.ok) && !p.ok[i].After(cut) {
		i++
	}
	p.ok = p.ok[i:]
	if len(p.ok) == 0 {
		return p.rpm
	}
	n := 0
	for _, s := range p.sent {
		if s.at.After(cut) && s.at.Before(refused) {
			n++
		}
	}
	if n > 0 && (p.rpm == 0 || n < p.rpm) {
		p.rpm, p.learned = n, true
	}
	return p.rpm
}

// quota returns the requests-per-minute quota paced to, given or learned.
func (p *pacer) quota() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.rpm
}

// pace returns the requests sent during the last minute.
func (p *pacer) pace() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	cut := p.clk.Now().Add(-time.Minute)
	i := 0
	for i < len(p.all) && !p.all[i].After(cut) {
		i++
	}
	p.all = p.all[i:]
	return len(p.all)
}

// throttle is the back-off all workers share after a quota refusal (429):
// no request leaves before its until time; then one request goes first,
// and the others follow once it succeeds; a refusal that keeps coming back
// doubles the wait, up to a cap, until a request succeeds. It gives up once
// quota refusals have lasted maxWait with no success in between.
type throttle struct {
	clk     clock
	jitter  func() float64 // in [0, 1)
	initial time.Duration  // first wait when the server does not say
	cap     time.Duration
	maxWait time.Duration

	mu       sync.Mutex
	until    time.Time // no request before this
	setAt    time.Time // when until was last pushed back
	since    time.Time // start of the current run of refusals; zero when none
	streak   int       // refusals in the current run that escalated the wait
	refusals int64     // 429 answers seen in all
	reason   string
	probing  bool // after a refusal, one request is out to test the water
}

// probeWait is how often requests held back behind a probe look again.
const probeWait = 250 * time.Millisecond

// gate returns the zero time if a request may leave now, else when to ask
// again.
func (t *throttle) gate(now time.Time) time.Time {
	t.mu.Lock()
	defer t.mu.Unlock()
	switch {
	case t.until.After(now):
		return t.until
	case t.since.IsZero():
		return time.Time{}
	case t.probing:
		return now.Add(probeWait)
	}
	t.probing = true
	return time.Time{}
}

// refused records a 429 for a request sent at sent, with the delay the
// server asked for (ok false when it did not say). It returns why to give
// up when the refusals have lasted longer than maxWait, else "".
func (t *throttle) refused(sent time.Time, server time.Duration, ok bool) string {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := t.clk.Now()
	t.refusals++
	if t.since.IsZero() {
		t.since = sent
	}
	if now.Sub(t.since) >= t.maxWait {
		return fmt.Sprintf("the refusals lasted %s, longer than the %s allowed (--max-wait)", roundDur(now.Sub(t.since)), t.maxWait)
	}
	if sent.Before(t.setAt) {
		// Sent before the latest back-off was decided: it says nothing new.
		return ""
	}
	t.probing = false
	var wait time.Duration
	if ok {
		wait = server
		t.reason = fmt.Sprintf("the service asked to wait %s", roundDur(server))
	} else {
		d := float64(t.initial) * math.Pow(2, float64(t.streak))
		d = math.Min(d, float64(t.cap))
		wait = time.Duration(d*0.75 + t.jitter()*d*0.25)
		t.streak++
		t.reason = fmt.Sprintf("quota refusal %d in a row, backing off %s", t.streak, roundDur(wait))
	}
	// Never wait past the deadline by more than the last step.
	if end := t.since.Add(t.maxWait); now.Add(wait).After(end) {
		wait = max(end.Sub(now), 0)
	}
	if u := now.Add(wait); u.After(t.until) {
		t.until = u
	}
	t.setAt = now
	return ""
}

// failed releases the probe after an answer other than success or 429.
func (t *throttle) failed() {
	t.mu.Lock()
	t.probing = false
	t.mu.Unlock()
}

// succeeded ends a run of refusals.
func (t *throttle) succeeded() {
	t.mu.Lock()
	t.since, t.streak, t.probing = time.Time{}, 0, false
	t.mu.Unlock()
}

// waiting returns the time requests wait for and why, or the zero time.
func (t *throttle) waiting() (time.Time, string, int64) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if !t.until.After(t.clk.Now()) {
		return time.Time{}, "", t.refusals
	}
	return t.until, t.reason, t.refusals
}

func roundDur(d time.Duration) time.Duration {
	if d >= 10*time.Second {
		return d.Round(time.Second)
	}
	return d.Round(100 * time.Millisecond)
}
