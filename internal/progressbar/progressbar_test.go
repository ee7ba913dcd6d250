package progressbar

import (
	"strings"
	"testing"
	"time"
)

func TestText(t *testing.T) {
	for _, tc := range []struct {
		s    State
		want string
	}{
		{State{Label: "Embedding", Done: 0, Total: 400}, "Embedding   0%|                    | 0/400 [00:00]"},
		{State{Label: "Embedding", Done: 100, Total: 400, Elapsed: 10 * time.Second}, "Embedding  25%|#####               | 100/400 [00:10<00:30, 10.00 it/s]"},
		{State{Label: "Embedding", Done: 400, Total: 400, Elapsed: 40 * time.Second, Finished: true}, "Embedding 100%|####################| 400/400 [00:40, 10.00 it/s]"},
		{State{Label: "Embedding", Done: 300, Total: 400, Elapsed: 30 * time.Second, Finished: true}, "Embedding  75%|###############     | 300/400 [00:30, 10.00 it/s] stopped"},
		{State{Label: "Reading", Done: 7, Elapsed: time.Hour + 2*time.Second}, "Reading   0%|                    | 7 [1:00:02, 0.00 it/s]"},
	} {
		if got := tc.s.Text(20); got != tc.want {
			t.Errorf("%+v:\n got %q\nwant %q", tc.s, got, tc.want)
		}
	}
}

func TestHTML(t *testing.T) {
	got := State{Label: "<b>posts</b>", Done: 500, Total: 400}.HTML()
	for _, want := range []string{`&lt;b&gt;posts&lt;/b&gt;`, `value="400" max="400"`, "100%", "500/400"} {
		if !strings.Contains(got, want) {
			t.Errorf("HTML() = %s\nlacks %s", got, want)
		}
	}
	if strings.Contains(got, "<b>") {
		t.Errorf("HTML() does not escape the label: %s", got)
	}
}
