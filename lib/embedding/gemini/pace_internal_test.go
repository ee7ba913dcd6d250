package gemini

import (
	"context"
	"math/rand/v2"
	"testing"
	"time"
)

// stepClock is a clock whose Sleep moves its time on at once.
type stepClock struct{ now time.Time }

func (c *stepClock) Now() time.Time { return c.now }

func (c *stepClock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.now = c.now.Add(max(d, time.Millisecond))
	return nil
}

// TestProbeHeldByPacerStillGoes: after a quota refusal the throttle lets
// one request out as its probe. When the pacer's quota holds that request
// back at the moment the gate chose it, the request must still go out once
// the quota allows it; it used to keep the probe for itself and wait for
// it forever, and every other worker with it.
func TestProbeHeldByPacerStillGoes(t *testing.T) {
	clk := &stepClock{now: time.Unix(1e9, 0)}
	p := &pacer{clk: clk, rpm: 1}
	th := &throttle{clk: clk, jitter: rand.Float64, initial: time.Second, cap: time.Minute, maxWait: time.Hour}

	first, err := p.wait(context.Background(), 1, th.gate)
	if err != nil {
		t.Fatal(err)
	}
	// The service refused it: a run of refusals begins, with a back-off of
	// about a second, and the pacer's minute is used up by the one request.
	th.refused(first, time.Second, true)
	clk.now = clk.now.Add(2 * time.Second)

	// One day of the step clock is far more than the quota's minute.
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	deadline := clk.now.Add(24 * time.Hour)
	gate := func(now time.Time) time.Time {
		if now.After(deadline) {
			cancel()
		}
		return th.gate(now)
	}
	sent, err := p.wait(ctx, 1, gate)
	if err != nil {
		t.Fatalf("the probe never went out (%v): it was held by the pacer and waited for itself", err)
	}
	if want := first.Add(quotaWindow); sent.Before(want) {
		t.Errorf("sent at %v, before the quota allowed it (%v)", sent, want)
	}
}

// TestLearnQuota: after a refusal, a run without --rpm learns as its
// quota the requests sent before the refused one and not refused: those
// that succeeded and those still in flight. Refusals alone (a storm)
// teach nothing.
func TestLearnQuota(t *testing.T) {
	start := time.Unix(1e9, 0)
	at := func(i int) time.Time { return start.Add(time.Duration(i) * 100 * time.Millisecond) }
	p := &pacer{clk: &stepClock{now: start}}
	for i := range 24 {
		p.record(at(i), 1)
	}
	if n := p.learn(at(24), at(20)); n != 0 {
		t.Fatalf("learned %d from requests none of which succeeded", n)
	}
	for i := range 17 { // 17 answered, 3 in flight, then the 21st refused and 3 more in flight
		p.succeeded(at(i))
	}
	p.refused(at(20))
	if n := p.learn(at(24), at(20)); n != 20 {
		t.Errorf("learned %d, want 20: the 17 answered and the 3 in flight before the refused one", n)
	}
	p.refused(at(19)) // one counted in flight was refused too
	if n := p.learn(at(25), at(19)); n != 19 {
		t.Errorf("learned %d after a second refusal, want 19", n)
	}
}
