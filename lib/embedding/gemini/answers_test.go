package gemini_test

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/embedclassify/embedclassify/lib/embedding"
	"github.com/embedclassify/embedclassify/lib/embedding/gemini"
	"github.com/embedclassify/embedclassify/lib/embedding/geminitest"
	"google.golang.org/genai"
)

// TestBadAnswersAreClearErrors: a 200 answer that is not what the service
// sends is an error saying what came, quoting at most a few hundred bytes
// of it, never "could not reach the service", and is not retried (a 200 is
// paid for).
func TestBadAnswersAreClearErrors(t *testing.T) {
	html := "<html><body>" + strings.Repeat("proxy error page ", 5000) + "</body></html>"
	mangle := func(f func([][]float32) [][]float32) geminitest.Fault { return geminitest.Fault{Mangle: f} }
	for _, tc := range []struct {
		name  string
		cfg   gemini.Config
		fault geminitest.Fault
		want  string
	}{
		{"not JSON", gemini.Config{}, geminitest.Fault{Body: html}, fmt.Sprintf(`not JSON: %d bytes, starting "<html><body>proxy error page`, len(html))},
		{"wrong shape", gemini.Config{}, geminitest.Fault{Body: `{"embeddings": "none"}`}, "JSON of the wrong shape"},
		{"one missing", gemini.Config{}, mangle(func(v [][]float32) [][]float32 { return v[1:] }), "sent 9 embeddings for 10 texts"},
		{"768 for 3072", gemini.Config{}, mangle(func(v [][]float32) [][]float32 {
			for i := range v {
				v[i] = v[i][:768]
			}
			return v
		}), "sent 768 values, not 3072 (the dimension of gemini-embedding-001), for text 0 of the batch"},
		{"wrong length with dims", gemini.Config{Dims: 256}, mangle(func(v [][]float32) [][]float32 {
			v[3] = v[3][:128]
			return v
		}), "sent 128 values, not 256 (the output dimensionality asked for), for text 3 of the batch"},
		{"NaN", gemini.Config{}, mangle(func(v [][]float32) [][]float32 {
			v[2][5] = float32(math.NaN())
			return v
		}), "not JSON"},
		{"huge", gemini.Config{}, mangle(func(v [][]float32) [][]float32 {
			v[4][0] = 3e38
			return v
		}), "norm 3e+38, outside the sane"},
		{"zero", gemini.Config{}, mangle(func(v [][]float32) [][]float32 {
			clear(v[1])
			return v
		}), "norm 0, outside the sane"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := newServer(t, geminitest.Options{})
			srv.InjectFaults(tc.fault)
			e := newEmbedder(t, srv, tc.cfg)
			var got int
			err := e.EmbedEach(context.Background(), texts(10), func(_ int, vecs [][]float32) error {
				got += len(vecs)
				return nil
			})
			if err == nil {
				t.Fatal("no error")
			}
			msg := err.Error()
			if !strings.Contains(msg, tc.want) || strings.Contains(msg, "could not reach") {
				t.Errorf("message %q does not say %q", msg, tc.want)
			}
			if len(msg) > 800 {
				t.Errorf("message of %d bytes", len(msg))
			}
			if got != 0 || srv.Requests() != 1 {
				t.Errorf("%d vectors yielded after %d requests; want none after 1", got, srv.Requests())
			}
		})
	}
}

// TestLongErrorBodiesAreClipped: an error page of 1 MB does not end up in
// the message.
func TestLongErrorBodiesAreClipped(t *testing.T) {
	srv := newServer(t, geminitest.Options{})
	srv.InjectFaults(slices.Repeat([]geminitest.Fault{{Status: 502, Body: strings.Repeat("Bad gateway. ", 80000)}}, 4)...)
	e := newEmbedder(t, srv, gemini.Config{})
	_, err := e.Embed(context.Background(), texts(3))
	if err == nil || !strings.Contains(err.Error(), "Bad gateway") || len(err.Error()) > 800 {
		t.Fatalf("err = %.1000v (%d bytes)", err, len(err.Error()))
	}
}

func TestBadBaseURLFailsAtOnce(t *testing.T) {
	for _, u := range []string{"://no-scheme", "localhost:8080", "ftp://host/", "http://"} {
		t.Run(u, func(t *testing.T) {
			cc := genaiConfig(u)
			_, err := gemini.New(context.Background(), gemini.Config{ClientConfig: cc})
			if err == nil || !strings.Contains(err.Error(), "base URL") {
				t.Fatalf("err = %v", err)
			}
			checkNoKey(t, err.Error())
		})
	}
	t.Run("environment", func(t *testing.T) {
		t.Setenv("GOOGLE_GEMINI_BASE_URL", "htp:/typo")
		_, err := gemini.New(context.Background(), gemini.Config{ClientConfig: genaiConfig("")})
		if err == nil || !strings.Contains(err.Error(), "GOOGLE_GEMINI_BASE_URL") {
			t.Fatalf("err = %v", err)
		}
	})
}

func TestEmptyTextIsNamed(t *testing.T) {
	srv := newServer(t, geminitest.Options{})
	e := newEmbedder(t, srv, gemini.Config{})
	in := texts(5)
	in[3] = " \n\t"
	_, err := e.Embed(context.Background(), in)
	var ee *gemini.EmptyTextError
	if !errors.As(err, &ee) || ee.Index != 3 || !strings.Contains(err.Error(), "text 3") || !strings.Contains(err.Error(), "remove it") {
		t.Fatalf("err = %v", err)
	}
	if srv.Requests() != 0 {
		t.Errorf("%d requests sent for a run that cannot succeed", srv.Requests())
	}
	// Through a cache, only the caller knows the rows: it names them.
	c, err := embedding.NewCache(e, t.TempDir(), embedding.CacheOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if gemini.Of(c) != e {
		t.Fatal("Of does not see through the cache")
	}
	err = gemini.CheckTexts(in, gemini.RowName([]string{"a/1", "a/2", "b/3", "b/4", "b/5"}))
	if !errors.As(err, &ee) || ee.Index != 3 || !strings.Contains(err.Error(), "row 4 (b/4) is empty") {
		t.Errorf("err = %v", err)
	}
}

func TestLongTextsAreCut(t *testing.T) {
	srv := newServer(t, geminitest.Options{})
	e := newEmbedder(t, srv, gemini.Config{})
	long := strings.Repeat("orbit ", 3000) // 18,000 bytes: ~4,500 tokens at the fake's 4 a token
	in := []string{"short text", long}
	got, err := e.Embed(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	if st := e.Stats(); st.Cut != 1 {
		t.Errorf("%d texts cut, want 1", st.Cut)
	}
	want := geminitest.Vector(gemini.DefaultModel, gemini.DefaultTaskType, long[:gemini.DefaultMaxChars], 0, 3072)
	if !slices.Equal(got[1], want) {
		t.Error("the long text's vector is not that of its first 6,000 bytes")
	}
	other := newEmbedder(t, srv, gemini.Config{MaxChars: 8000})
	if e.Endpoint() == other.Endpoint() || !strings.HasSuffix(other.Endpoint(), " max-chars=8000") {
		t.Errorf("endpoints %q and %q: a cache would mix texts cut at 6,000 and 8,000 bytes", e.Endpoint(), other.Endpoint())
	}
	if cut, ok := gemini.Cut("héllo", 2); cut != "h" || !ok {
		t.Errorf("Cut split a character: %q", cut)
	}
}

// TestHungServerFailsQuickly: a server that never answers fails the run
// after MaxAttempts timeouts, not after minutes per attempt.
func TestHungServerFailsQuickly(t *testing.T) {
	srv := newServer(t, geminitest.Options{})
	srv.InjectFaults(slices.Repeat([]geminitest.Fault{{Hang: true}}, 10)...)
	e := newEmbedder(t, srv, gemini.Config{RequestTimeout: 30 * time.Millisecond})
	_, err := e.Embed(context.Background(), texts(3))
	var ge *gemini.Error
	if !errors.As(err, &ge) || ge.Attempts != gemini.DefaultMaxAttempts || !strings.Contains(err.Error(), "did not answer") {
		t.Fatalf("err = %v", err)
	}
}

// genaiConfig returns a Gemini API configuration with the test key and
// base URL u.
func genaiConfig(u string) genai.ClientConfig {
	return genai.ClientConfig{APIKey: secretKey, Backend: genai.BackendGeminiAPI, HTTPOptions: genai.HTTPOptions{BaseURL: u}}
}
