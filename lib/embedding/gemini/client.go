package gemini

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"unicode/utf8"

	"google.golang.org/genai"
)

// NewClient makes an SDK client from cc (nil: all from the environment),
// with an error message that never contains the key. It refuses a base
// URL that does not parse.
func NewClient(ctx context.Context, cc *genai.ClientConfig) (*genai.Client, error) {
	var c genai.ClientConfig
	if cc != nil {
		c = *cc
	}
	return newClient(ctx, c)
}

// newClient makes the SDK client for cc (a copy: the SDK fills it in), with
// a transport that records what each answer said (see responseHint), and
// checks its base URL.
func newClient(ctx context.Context, cc genai.ClientConfig) (*genai.Client, error) {
	if cc.HTTPClient != nil {
		// A copy too, as its transport gets wrapped below.
		hc := *cc.HTTPClient
		cc.HTTPClient = &hc
	}
	key := cc.APIKey
	if key == "" {
		key = envKey()
	}
	c, err := genai.NewClient(ctx, &cc)
	if err != nil {
		// The SDK's message may print the whole ClientConfig, key
		// included: keep only a scrubbed copy of the text.
		return nil, fmt.Errorf("gemini: cannot make the SDK client: %s", clip(scrub(err.Error(), key)))
	}
	if err := checkBaseURL(c); err != nil {
		return nil, err
	}
	// Learn Retry-After headers and the start of unreadable answers: the
	// SDK's errors do not carry the first and carry all of the second.
	if hc := c.ClientConfig().HTTPClient; hc != nil {
		base := hc.Transport
		if base == nil {
			base = http.DefaultTransport
		}
		if _, already := base.(*hintTransport); !already {
			hc.Transport = &hintTransport{base: base}
		}
	}
	return c, nil
}

// checkBaseURL returns an error when the client's base URL (from
// HTTPOptions.BaseURL or GOOGLE_GEMINI_BASE_URL) is not an http or https
// URL with a host.
func checkBaseURL(c *genai.Client) error {
	raw := c.ClientConfig().HTTPOptions.BaseURL
	if raw == "" {
		return nil // the SDK's default
	}
	u, err := url.Parse(raw)
	if err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" {
		return nil
	}
	return fmt.Errorf("gemini: the base URL %q (HTTPOptions.BaseURL or GOOGLE_GEMINI_BASE_URL) is not an http:// or https:// address with a host; fix or unset it", clip(raw))
}

// envKey returns the API key the SDK would read from the environment.
func envKey() string {
	return cmp.Or(os.Getenv("GOOGLE_API_KEY"), os.Getenv("GEMINI_API_KEY"))
}

// hintKey is the context key under which a request carries its
// responseHint.
type hintKey struct{}

// headBytes is how much of an answer is kept to quote in an error.
const headBytes = 300

// responseHint receives what the transport saw of a request's answer: its
// status, Retry-After header, size and first headBytes bytes.
type responseHint struct {
	mu          sync.Mutex
	status      int
	retryAfterV string
	head        []byte
	size        int64
}

func (h *responseHint) retryAfter() string {
	if h == nil {
		return ""
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.retryAfterV
}

// badAnswer returns an error describing the answer, when err says that a
// 200 answer arrived whole but could not be read as the SDK expected (not
// JSON, or JSON of the wrong shape); nil otherwise.
func (h *responseHint) badAnswer(err error) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	var apiErr genai.APIError
	if h.status != http.StatusOK || errors.As(err, &apiErr) || transportError(err) {
		return nil
	}
	what := "could not be read"
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		what = "is not JSON"
	case errors.As(err, &te):
		what = fmt.Sprintf("is JSON of the wrong shape (%s where %s was expected)", te.Value, te.Type)
	}
	return &AnswerError{fmt.Sprintf("the service answered 200 but its answer %s: %d bytes, starting %s", what, h.size, quote(h.head, h.size))}
}

// AnswerError reports an answer of the service that is not what the API
// promises: not JSON, JSON of the wrong shape, the wrong number of vectors,
// vectors of the wrong length, with values that are not finite or with an
// absurd norm. Its message says what the service sent, in a few hundred
// bytes at most.
type AnswerError struct{ msg string }

func (e *AnswerError) Error() string { return e.msg }

// quote returns head, the start of an answer of size bytes, quoted.
func quote(head []byte, size int64) string {
	s := fmt.Sprintf("%q", head)
	if size > int64(len(head)) {
		s += "…"
	}
	return s
}

// hintTransport records in the request's responseHint what its answer
// said.
type hintTransport struct{ base http.RoundTripper }

func (t *hintTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.base.RoundTrip(req)
	if resp != nil {
		if h, ok := req.Context().Value(hintKey{}).(*responseHint); ok {
			h.mu.Lock()
			h.status, h.retryAfterV = resp.StatusCode, resp.Header.Get("Retry-After")
			h.mu.Unlock()
			resp.Body = &headReader{ReadCloser: resp.Body, h: h}
		}
	}
	return resp, err
}

// headReader keeps the first bytes of a body and counts them all.
type headReader struct {
	io.ReadCloser
	h *responseHint
}

func (r *headReader) Read(p []byte) (int, error) {
	n, err := r.ReadCloser.Read(p)
	r.h.mu.Lock()
	if room := headBytes - len(r.h.head); room > 0 {
		r.h.head = append(r.h.head, p[:min(n, room)]...)
	}
	r.h.size += int64(n)
	r.h.mu.Unlock()
	return n, err
}

// scrub removes key from s.
func scrub(s, key string) string {
	if len(key) < 4 {
		return s
	}
	return strings.ReplaceAll(s, key, "[REDACTED]")
}

// clip shortens s to a few hundred bytes for an error message.
func clip(s string) string {
	const most = 300
	if len(s) <= most {
		return s
	}
	cut := most
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + fmt.Sprintf("… (%d bytes in all)", len(s))
}
