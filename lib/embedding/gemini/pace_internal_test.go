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
