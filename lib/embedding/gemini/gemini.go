// Package gemini embeds texts with Google's embedding models (by default
// gemini-embedding-001) through the google.golang.org/genai SDK, as a careful
// client of a paid API should: up to 100 texts per request (the service's
// limit; the SDK does not split), several requests in flight, results in
// input order, retries with exponential backoff and jitter on 408, 429, 5xx
// and broken connections (honouring the server's Retry-After header or
// RetryInfo), and progress reports.
//
// Both of the SDK's backends work: the Gemini API (key from GEMINI_API_KEY or
// GOOGLE_API_KEY, or Config.ClientConfig.APIKey) and Vertex AI
// (GOOGLE_GENAI_USE_VERTEXAI=true with GOOGLE_CLOUD_PROJECT and
// GOOGLE_CLOUD_LOCATION, or the same in ClientConfig). The SDK's base URL
// settings (HTTPOptions.BaseURL, GOOGLE_GEMINI_BASE_URL) point it at another
// server, such as the fake one in package geminitest.
//
// The API key never appears in an error, a log line or a cache file.
package gemini

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/embedclassify/embedclassify/lib/embedding/internal/unitvec"

	"google.golang.org/genai"
)

// Defaults of Config.
const (
	DefaultModel    = "gemini-embedding-001"
	DefaultTaskType = "CLASSIFICATION"
	// MaxBatchSize is the most texts the Gemini API accepts in one
	// batchEmbedContents request.
	MaxBatchSize       = 100
	DefaultConcurrency = 4
	DefaultMaxAttempts = 6
)

// taskTypes are the task types the embedding models accept.
var taskTypes = []string{
	"SEMANTIC_SIMILARITY", "CLASSIFICATION", "CLUSTERING", "RETRIEVAL_DOCUMENT",
	"RETRIEVAL_QUERY", "CODE_RETRIEVAL_QUERY", "QUESTION_ANSWERING", "FACT_VERIFICATION",
}

// TaskTypes returns the eight task types the embedding models accept.
func TaskTypes() []string { return slices.Clone(taskTypes) }

// ValidateTaskType returns the canonical (upper-case) form of a task type, or
// an error listing the accepted ones.
func ValidateTaskType(t string) (string, error) {
	u := strings.ToUpper(strings.TrimSpace(t))
	u = strings.TrimPrefix(u, "TASK_TYPE_")
	if slices.Contains(taskTypes, u) {
		return u, nil
	}
	return "", fmt.Errorf("gemini: unknown task type %q; use one of %s", t, strings.Join(taskTypes, ", "))
}

// Output dimensionality limits of gemini-embedding-001.
const (
	MinDims = 128
	MaxDims = 3072
)

// Config configures an Embedder. The zero value embeds with
// gemini-embedding-001, task type CLASSIFICATION, full 3072-dimension
// vectors, 100 texts per request and 4 requests in flight, with the key and
// backend from the environment.
type Config struct {
	// Client is the SDK client to use. When nil, New makes one from
	// ClientConfig.
	Client *genai.Client
	// ClientConfig configures the client New makes: APIKey, Backend,
	// Project, Location, HTTPOptions.BaseURL... Fields left empty come from
	// the SDK's environment variables.
	ClientConfig genai.ClientConfig

	// Model is the embedding model (default "gemini-embedding-001").
	Model string
	// TaskType is one of TaskTypes() (default "CLASSIFICATION").
	TaskType string
	// Dims asks for vectors of this length (128 to 3072); 0 keeps the
	// model's own. Truncated vectors are L2-normalised, as Google advises.
	Dims int

	// BatchSize is the number of texts per request (default and maximum
	// 100; on Vertex AI, Gemini models take one text per request).
	BatchSize int
	// Concurrency is the number of requests in flight (default 4).
	Concurrency int

	// MaxAttempts bounds the attempts per request, first one included
	// (default 6).
	MaxAttempts int
	// InitialBackoff is the wait before the first retry (default 1s); it
	// doubles with each retry, with random jitter, up to MaxBackoff
	// (default 60s). A server's Retry-After or RetryInfo replaces it.
	InitialBackoff time.Duration
	MaxBackoff     time.Duration
	// RequestTimeout bounds each attempt (default 2 minutes); an attempt
	// that times out is retried.
	RequestTimeout time.Duration

	// Progress, when set, is called as batches finish with the number of
	// texts done and the total, from one goroutine at a time.
	Progress func(done, total int)
}

// Stats counts an Embedder's traffic.
type Stats struct {
	Requests int64 // HTTP requests made, retries included
	Retries  int64 // of which retries
	Texts    int64 // texts embedded successfully
}

// Embedder embeds texts with a Gemini embedding model. It is safe for
// concurrent use.
type Embedder struct {
	client   *genai.Client
	model    string
	taskType string
	dims     int
	batch    int
	conc     int
	attempts int
	backoff  time.Duration
	maxWait  time.Duration
	timeout  time.Duration
	progress func(done, total int)
	vertex   bool
	key      string // only to scrub it from error messages

	dim      atomic.Int64 // learned from the first response when unknown
	requests atomic.Int64
	retries  atomic.Int64
	texts    atomic.Int64
}

// knownDims gives the default vector length of well-known models.
var knownDims = map[string]int{
	"gemini-embedding-001":       3072,
	"gemini-embedding-exp":       3072,
	"gemini-embedding-exp-03-07": 3072,
	"text-embedding-004":         768,
	"text-embedding-005":         768,
	"embedding-001":              768,
}

// New returns an Embedder for cfg. It checks the configuration and makes
// the SDK client, but sends no request.
func New(ctx context.Context, cfg Config) (*Embedder, error) {
	e := &Embedder{
		model:    cfg.Model,
		dims:     cfg.Dims,
		batch:    cfg.BatchSize,
		conc:     cfg.Concurrency,
		attempts: cfg.MaxAttempts,
		backoff:  cfg.InitialBackoff,
		maxWait:  cfg.MaxBackoff,
		timeout:  cfg.RequestTimeout,
		progress: cfg.Progress,
	}
	if e.model == "" {
		e.model = DefaultModel
	}
	if cfg.TaskType == "" {
		e.taskType = DefaultTaskType
	} else {
		t, err := ValidateTaskType(cfg.TaskType)
		if err != nil {
			return nil, err
		}
		e.taskType = t
	}
	if e.dims != 0 && (e.dims < MinDims || e.dims > MaxDims) {
		return nil, fmt.Errorf("gemini: output dimensionality %d is out of range; use %d to %d, or 0 for the model's own", e.dims, MinDims, MaxDims)
	}
	if e.batch < 0 || e.batch > MaxBatchSize {
		return nil, fmt.Errorf("gemini: batch size %d is out of range; the service takes 1 to %d texts per request", e.batch, MaxBatchSize)
	}
	if e.batch == 0 {
		e.batch = MaxBatchSize
	}
	if e.conc < 0 {
		return nil, fmt.Errorf("gemini: concurrency %d must be positive", e.conc)
	}
	if e.conc == 0 {
		e.conc = DefaultConcurrency
	}
	if e.attempts <= 0 {
		e.attempts = DefaultMaxAttempts
	}
	if e.backoff <= 0 {
		e.backoff = time.Second
	}
	if e.maxWait <= 0 {
		e.maxWait = time.Minute
	}
	if e.timeout <= 0 {
		e.timeout = 2 * time.Minute
	}

	if cfg.Client != nil {
		e.client = cfg.Client
	} else {
		cc := cfg.ClientConfig // a copy: the SDK fills it in
		if cc.HTTPClient != nil {
			// A copy too, as its transport gets wrapped below.
			hc := *cc.HTTPClient
			cc.HTTPClient = &hc
		}
		keyForScrub := cc.APIKey
		if keyForScrub == "" {
			keyForScrub = envKey()
		}
		c, err := genai.NewClient(ctx, &cc)
		if err != nil {
			// The SDK's message may print the whole ClientConfig, key
			// included: keep only a scrubbed copy of the text.
			return nil, fmt.Errorf("gemini: cannot make the SDK client: %s", scrub(err.Error(), keyForScrub))
		}
		e.client = c
		// Learn Retry-After headers: the SDK's APIError does not carry them.
		if hc := c.ClientConfig().HTTPClient; hc != nil {
			base := hc.Transport
			if base == nil {
				base = http.DefaultTransport
			}
			if _, already := base.(*hintTransport); !already {
				hc.Transport = &hintTransport{base: base}
			}
		}
	}
	ccfg := e.client.ClientConfig()
	e.key = ccfg.APIKey
	e.vertex = ccfg.Backend == genai.BackendVertexAI
	if e.vertex && strings.Contains(e.model, "gemini") && e.batch > 1 {
		// Vertex AI's Gemini embedding models take one text per request.
		e.batch = 1
	}
	if d, ok := knownDims[strings.TrimPrefix(e.model, "models/")]; ok && e.dims == 0 {
		e.dim.Store(int64(d))
	}
	if e.dims != 0 {
		e.dim.Store(int64(e.dims))
	}
	return e, nil
}

// envKey returns the API key the SDK would read from the environment.
func envKey() string {
	if k := os.Getenv("GOOGLE_API_KEY"); k != "" {
		return k
	}
	return os.Getenv("GEMINI_API_KEY")
}

// KeySource names the environment variable the SDK takes the Gemini API key
// from ("GOOGLE_API_KEY" wins over "GEMINI_API_KEY", as in the SDK), or
// returns "" when neither is set. It never returns the key.
func KeySource() string {
	switch {
	case os.Getenv("GOOGLE_API_KEY") != "":
		return "GOOGLE_API_KEY"
	case os.Getenv("GEMINI_API_KEY") != "":
		return "GEMINI_API_KEY"
	}
	return ""
}

// VertexConfigured reports whether the environment selects Vertex AI with a
// project (GOOGLE_GENAI_USE_VERTEXAI=true and GOOGLE_CLOUD_PROJECT set) or
// Vertex AI express mode (with an API key).
func VertexConfigured() bool {
	v := strings.ToLower(os.Getenv("GOOGLE_GENAI_USE_VERTEXAI"))
	if v != "1" && v != "true" {
		return false
	}
	return os.Getenv("GOOGLE_CLOUD_PROJECT") != "" || KeySource() != ""
}

// Configured reports whether the environment gives the SDK what it needs to
// call Gemini: an API key, or Vertex AI settings.
func Configured() bool { return KeySource() != "" || VertexConfigured() }

// Model returns the model name, as configured.
func (e *Embedder) Model() string { return e.model }

// TaskType returns the task type sent with every request.
func (e *Embedder) TaskType() string { return e.taskType }

// Dim returns the vector length: Config.Dims when set, else the model's
// known default (3072 for gemini-embedding-001), else what the first
// response showed, else 0.
func (e *Embedder) Dim() int { return int(e.dim.Load()) }

// Backend returns "Vertex AI" or "Gemini API".
func (e *Embedder) Backend() string {
	if e.vertex {
		return "Vertex AI"
	}
	return "Gemini API"
}

// BatchSize returns the number of texts sent per request.
func (e *Embedder) BatchSize() int { return e.batch }

// Concurrency returns the number of requests kept in flight.
func (e *Embedder) Concurrency() int { return e.conc }

// Client returns the SDK client.
func (e *Embedder) Client() *genai.Client { return e.client }

// Stats returns the traffic so far.
func (e *Embedder) Stats() Stats {
	return Stats{Requests: e.requests.Load(), Retries: e.retries.Load(), Texts: e.texts.Load()}
}

// Embed returns one vector per text, in input order.
func (e *Embedder) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	out := make([][]float32, len(texts))
	err := e.EmbedEach(ctx, texts, func(start int, vecs [][]float32) error {
		copy(out[start:], vecs)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// EmbedEach embeds texts in batches of BatchSize with up to Concurrency
// requests in flight, and calls yield with each finished batch (the vectors
// of texts[start:start+len(vecs)]), never concurrently. The first failure
// (after retries) cancels the rest and is returned; batches already yielded
// stay valid.
func (e *Embedder) EmbedEach(ctx context.Context, texts []string, yield func(start int, vecs [][]float32) error) error {
	for i, t := range texts {
		if strings.TrimSpace(t) == "" {
			return fmt.Errorf("gemini: text %d is empty; the service refuses empty content", i)
		}
	}
	total := len(texts)
	if total == 0 {
		return nil
	}
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)

	starts := make(chan int)
	var (
		mu       sync.Mutex
		done     int
		firstErr error
	)
	fail := func(err error) {
		mu.Lock()
		if firstErr == nil {
			firstErr = err
		}
		mu.Unlock()
		cancel(err)
	}
	var wg sync.WaitGroup
	for w := 0; w < min(e.conc, (total+e.batch-1)/e.batch); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for start := range starts {
				end := min(start+e.batch, total)
				vecs, err := e.embedBatch(ctx, texts[start:end], start)
				if err != nil {
					fail(err)
					continue
				}
				mu.Lock()
				if firstErr == nil {
					if err := yield(start, vecs); err != nil {
						firstErr = err
						cancel(err)
					} else {
						done += len(vecs)
						if e.progress != nil {
							e.progress(done, total)
						}
					}
				}
				mu.Unlock()
			}
		}()
	}
feed:
	for start := 0; start < total; start += e.batch {
		select {
		case starts <- start:
		case <-ctx.Done():
			break feed
		}
	}
	close(starts)
	wg.Wait()
	if firstErr != nil {
		return firstErr
	}
	if err := context.Cause(ctx); err != nil {
		return fmt.Errorf("gemini: embedding stopped after %d of %d texts: %w", done, total, err)
	}
	return nil
}

// embedBatch sends one batch, retrying as configured, and returns its
// vectors.
func (e *Embedder) embedBatch(ctx context.Context, texts []string, start int) ([][]float32, error) {
	contents := make([]*genai.Content, len(texts))
	for i, t := range texts {
		contents[i] = &genai.Content{Parts: []*genai.Part{{Text: t}}}
	}
	timeout := e.timeout
	cfg := &genai.EmbedContentConfig{TaskType: e.taskType, HTTPOptions: &genai.HTTPOptions{Timeout: &timeout}}
	if e.dims != 0 {
		d := int32(e.dims)
		cfg.OutputDimensionality = &d
	}
	for attempt := 1; ; attempt++ {
		hint := &retryHint{}
		e.requests.Add(1)
		if attempt > 1 {
			e.retries.Add(1)
		}
		resp, err := e.client.Models.EmbedContent(context.WithValue(ctx, hintKey{}, hint), e.model, contents, cfg)
		if err == nil {
			vecs, verr := e.vectors(resp, len(texts))
			if verr != nil {
				return nil, &Error{Start: start, End: start + len(texts), Attempts: attempt, Err: verr, key: e.key, model: e.model}
			}
			e.texts.Add(int64(len(texts)))
			return vecs, nil
		}
		if ctx.Err() != nil {
			return nil, &Error{Start: start, End: start + len(texts), Attempts: attempt, Err: context.Cause(ctx), key: e.key, model: e.model}
		}
		if !retryable(err) || attempt >= e.attempts {
			return nil, &Error{Start: start, End: start + len(texts), Attempts: attempt, Err: err, key: e.key, model: e.model}
		}
		wait := e.backoffFor(attempt)
		if d, ok := serverDelay(err, hint); ok {
			wait = d
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, &Error{Start: start, End: start + len(texts), Attempts: attempt, Err: context.Cause(ctx), key: e.key, model: e.model}
		case <-t.C:
		}
	}
}

// vectors checks a response and returns its vectors, normalised when a
// reduced dimensionality was asked for.
func (e *Embedder) vectors(resp *genai.EmbedContentResponse, n int) ([][]float32, error) {
	if resp == nil || len(resp.Embeddings) != n {
		got := 0
		if resp != nil {
			got = len(resp.Embeddings)
		}
		return nil, fmt.Errorf("the service returned %d embeddings for %d texts", got, n)
	}
	vecs := make([][]float32, n)
	for i, emb := range resp.Embeddings {
		if emb == nil || len(emb.Values) == 0 {
			return nil, fmt.Errorf("the service returned an empty embedding for text %d of the batch", i)
		}
		v := emb.Values
		if e.dims != 0 {
			if len(v) != e.dims {
				return nil, fmt.Errorf("the service returned %d values, not the %d asked for", len(v), e.dims)
			}
			v = unitvec.Normalize(v)
		}
		if i > 0 && len(v) != len(vecs[0]) {
			return nil, fmt.Errorf("the service returned vectors of lengths %d and %d", len(vecs[0]), len(v))
		}
		vecs[i] = v
	}
	e.dim.CompareAndSwap(0, int64(len(vecs[0])))
	return vecs, nil
}

// backoffFor returns the wait before retry number attempt (1 = first
// retry): exponential with full jitter in its upper half, capped.
func (e *Embedder) backoffFor(attempt int) time.Duration {
	d := float64(e.backoff) * math.Pow(2, float64(attempt-1))
	d = math.Min(d, float64(e.maxWait))
	d = d/2 + rand.Float64()*d/2
	return time.Duration(d)
}

// retryable reports whether an attempt that failed with err may succeed if
// repeated: 408, 429 and 5xx answers, and transport failures (a refused or
// broken connection, a timeout, a truncated answer).
func retryable(err error) bool {
	var apiErr genai.APIError
	if errors.As(err, &apiErr) {
		return apiErr.Code == http.StatusRequestTimeout || apiErr.Code == http.StatusTooManyRequests || apiErr.Code >= 500
	}
	var ue *url.Error
	var ne net.Error
	return errors.As(err, &ue) || errors.As(err, &ne) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF)
}

// maxServerDelay caps how long a server may ask us to wait.
const maxServerDelay = 5 * time.Minute

// serverDelay returns the wait a server asked for, from the Retry-After
// header or a google.rpc.RetryInfo detail.
func serverDelay(err error, hint *retryHint) (time.Duration, bool) {
	var apiErr genai.APIError
	if errors.As(err, &apiErr) {
		for _, d := range apiErr.Details {
			if t, _ := d["@type"].(string); strings.HasSuffix(t, "google.rpc.RetryInfo") {
				if s, ok := d["retryDelay"].(string); ok {
					if dur, err := time.ParseDuration(s); err == nil && dur >= 0 {
						return min(dur, maxServerDelay), true
					}
				}
			}
		}
	}
	if v := hint.get(); v != "" {
		if secs, err := strconv.ParseFloat(v, 64); err == nil && secs >= 0 {
			return min(time.Duration(secs*float64(time.Second)), maxServerDelay), true
		}
		if t, err := http.ParseTime(v); err == nil {
			return min(max(time.Until(t), 0), maxServerDelay), true
		}
	}
	return 0, false
}

// hintKey is the context key under which a request carries its retryHint.
type hintKey struct{}

// retryHint receives the Retry-After header of a response.
type retryHint struct {
	mu sync.Mutex
	v  string
}

func (h *retryHint) set(v string) {
	h.mu.Lock()
	h.v = v
	h.mu.Unlock()
}

func (h *retryHint) get() string {
	if h == nil {
		return ""
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.v
}

// hintTransport records the Retry-After header of responses in the
// request's retryHint.
type hintTransport struct{ base http.RoundTripper }

func (t *hintTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.base.RoundTrip(req)
	if resp != nil {
		if h, ok := req.Context().Value(hintKey{}).(*retryHint); ok {
			h.set(resp.Header.Get("Retry-After"))
		}
	}
	return resp, err
}

// scrub removes key from s.
func scrub(s, key string) string {
	if len(key) < 4 {
		return s
	}
	return strings.ReplaceAll(s, key, "[REDACTED]")
}
