package testenv

import (
	"fmt"
	"strings"
	"testing"
)

// recorder is a testing.TB that records how a test ended.
type recorder struct {
	testing.TB
	skipped, failed string
}

func (r *recorder) Helper()                        {}
func (r *recorder) Skip(args ...any)               { r.skipped = args[0].(string) }
func (r *recorder) Fatalf(format string, a ...any) { r.failed = fmt.Sprintf(format, a...) }

func TestMissing(t *testing.T) {
	for _, ci := range []string{"", "false", "true"} {
		t.Run("CI="+ci, func(t *testing.T) {
			t.Setenv(CIEnv, ci)
			r := &recorder{TB: t}
			Missing(r, "no %s", "chromium")
			if ci == "true" {
				if !strings.Contains(r.failed, "no chromium") || r.skipped != "" {
					t.Errorf("in CI: failed %q, skipped %q; want a failure", r.failed, r.skipped)
				}
				return
			}
			if r.skipped != "no chromium" || r.failed != "" {
				t.Errorf("locally: skipped %q, failed %q; want a skip saying what is missing", r.skipped, r.failed)
			}
		})
	}
}

func TestInCI(t *testing.T) {
	t.Setenv(CIEnv, "true")
	if !InCI() {
		t.Error("CI=true: InCI() = false")
	}
	t.Setenv(CIEnv, "1")
	if InCI() {
		t.Error(`CI=1: InCI() = true; only "true" marks CI`)
	}
}
