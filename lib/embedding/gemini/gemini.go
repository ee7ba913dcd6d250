// Package gemini embeds texts with Google's embedding models (by default
// gemini-embedding-001) through the google.golang.org/genai SDK, as a careful
// client of a paid API should: up to 100 texts per request (the service's
// limit; the SDK does not split), several requests in flight, results in
// input order, and progress reports.
//
// It stays within a quota: Config.RPM and Config.TPM pace the requests so
// that a run that knows its quota meets no refusal (tokens are estimated
// with EstimateTokens, on the high side). Quota refusals (429) are waited
// out, all workers together, for up to Config.MaxWait, honouring the
// server's Retry-After or RetryInfo; 5xx answers, timeouts and broken
// connections are retried a few times with backoff; an answer that is not
// what the API promises (see AnswerError) is an error that quotes it
// briefly. Embedder.Estimate says what a run would send and cost before
// anything is sent, and Config.Batch sends the texts through the Batch API
// instead, at half the price, resuming a job a cut-off run left running.
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

	"golang.org/x/sync/errgroup"
	"google.golang.org/genai"

	"github.com/embedclassify/embedclassify/lib/embedding"
)

// Defaults of Config.
const (
	DefaultModel    = "gemini-embedding-001"
	DefaultTaskType = "CLASSIFICATION"
	// MaxBatchSize is the most texts the Gemini API accepts in one
	// batchEmbedContents request.
	MaxBatchSize       = 100
	DefaultConcurrency = 4
	DefaultMaxAttempts = 4
	// DefaultMaxWait is how long quota refusals are waited out by default.
	DefaultMaxWait = 10 * time.Minute
	// DefaultRequestTimeout bounds one request by default.
	DefaultRequestTimeout = 15 * time.Second
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

// Config configures an Embedder. Its fields RPM, TPM, MaxWait, MaxChars
// and Batch, when zero, are taken from the environment variables EnvRPM,
// EnvTPM, EnvMaxWait, EnvMaxChars and EnvBatch. The zero value embeds with
// gemini-embedding-001, task type CLASSIFICATION, full 3072-dimension
// vectors, 100 texts per request and 4 requests in flight, with the key and
// backend from the environment, no pacing, and quota refusals waited out
// for up to 10 minutes.
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
	// 100; on Vertex AI, Gemini models take one text per request). With
	// TPM set, a request also carries at most TPM estimated tokens.
	BatchSize int
	// Concurrency is the number of requests in flight (default 4).
	Concurrency int

	// RPM and TPM pace the requests to stay within a quota of requests
	// and of input tokens per minute (0: no limit). Tokens are estimated
	// with EstimateTokens, on the high side. Without RPM, a run that meets
	// a quota refusal paces itself from then on to the requests that
	// succeeded during the minute before it.
	RPM, TPM int
	// MaxChars cuts every text to at most this many bytes of UTF-8 (as
	// many characters of ASCII text) before sending (default
	// DefaultMaxChars, about 2,000 estimated tokens; see Cut). Stats counts
	// the texts cut.
	MaxChars int

	// MaxWait bounds how long quota refusals (429) are waited out with no
	// request succeeding in between (default 10 minutes). All workers wait
	// for the same moment: the server's Retry-After or RetryInfo, else a
	// back-off from 5 s doubling to 1 minute.
	MaxWait time.Duration
	// MaxAttempts bounds the attempts of a request that fails with a 5xx
	// answer, a timeout or a broken connection, first one included
	// (default 4).
	MaxAttempts int
	// InitialBackoff is the wait before the first such retry (default 1s);
	// it doubles with each retry, with random jitter, up to MaxBackoff
	// (default 30s).
	InitialBackoff time.Duration
	MaxBackoff     time.Duration
	// RequestTimeout bounds each attempt (default 15 s: the service
	// answers a batch of 100 texts in seconds), so that a server that
	// hangs fails the run in about a minute.
	RequestTimeout time.Duration

	// Progress, when set, is called as batches finish with the number of
	// texts done and the total, from one goroutine at a time.
	Progress embedding.ProgressFunc
	// Batch sends the texts through the Batch API (Batches.CreateEmbeddings)
	// instead of one request per BatchSize texts: half the price and no
	// per-minute quota, but answers in minutes to hours. A small job goes
	// as inlined requests, a large one through the Files API (see
	// MaxInlineBytes). BatchDir keeps the name of each input file uploaded
	// and job submitted, so that a run cut off resumes the same job, without
	// uploading again, rather than paying again (default: no record);
	// BatchPoll is the time between polls (default 10 s).
	Batch     bool
	BatchDir  string
	BatchPoll time.Duration

	// Status, when set, receives the traffic's state — requests in flight,
	// quota refusals seen, the pace, and what the embedder waits for — as
	// it changes, from one goroutine at a time. Status.String is a line for
	// people.
	Status func(Status)
}

// Stats counts an Embedder's traffic.
type Stats struct {
	Requests int64 // HTTP requests made, retries included
	Retries  int64 // of which retries
	Refused  int64 // answers of 429 (rate or quota)
	Texts    int64 // texts embedded successfully
	Cut      int64 // texts cut to MaxChars before sending
}

// Status is a snapshot of an Embedder's traffic during an EmbedEach call.
type Status struct {
	Done, Total int       // texts embedded, of the call's
	InFlight    int       // requests awaiting their answer
	Refused     int64     // 429 answers seen so far
	Pace        int       // requests sent during the last minute
	RPM         int       // the requests-per-minute quota paced to, given or learned (0: none)
	WaitUntil   time.Time // when waiting out a quota refusal: until when
	WaitReason  string    // and why
	Batch       string    // in batch mode, the jobs' states
}

// String returns the status as one line, for example
// "2 in flight, 3×429, 19 req/min (quota 20); waiting until 10:04:05: the service asked to wait 30s".
func (s Status) String() string {
	if s.Batch != "" {
		return s.Batch
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%d in flight, %d×429, %d req/min", s.InFlight, s.Refused, s.Pace)
	if s.RPM > 0 {
		fmt.Fprintf(&b, " (quota %d)", s.RPM)
	}
	if !s.WaitUntil.IsZero() {
		fmt.Fprintf(&b, "; waiting until %s: %s", s.WaitUntil.Format(time.TimeOnly), s.WaitReason)
	}
	return b.String()
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
	rpm, tpm int
	maxChars int
	attempts int
	backoff  time.Duration
	maxBack  time.Duration
	maxWait  time.Duration
	timeout  time.Duration
	progress embedding.ProgressFunc
	status   func(Status)
	vertex   bool

	batchMode bool
	batchDir  string
	batchPoll time.Duration
	key       string // only to scrub it from error messages
	clk       clock
	jitter    func() float64 // a number in [0, 1) to spread back-offs; tests fix it

	dim      atomic.Int64 // learned from the first response when unknown
	requests atomic.Int64
	retries  atomic.Int64
	refused  atomic.Int64
	texts    atomic.Int64
	cut      atomic.Int64
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
	if err := fromEnv(&cfg); err != nil {
		return nil, err
	}
	e := &Embedder{
		model:    cfg.Model,
		dims:     cfg.Dims,
		batch:    cfg.BatchSize,
		conc:     cfg.Concurrency,
		rpm:      cfg.RPM,
		tpm:      cfg.TPM,
		maxChars: cfg.MaxChars,
		attempts: cfg.MaxAttempts,
		backoff:  cfg.InitialBackoff,
		maxBack:  cfg.MaxBackoff,
		maxWait:  cfg.MaxWait,
		timeout:  cfg.RequestTimeout,
		progress: cfg.Progress,
		status:   cfg.Status,
		clk:      realClock{},
		jitter:   rand.Float64,

		batchMode: cfg.Batch,
		batchDir:  cfg.BatchDir,
		batchPoll: cfg.BatchPoll,
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
	if e.rpm < 0 || e.tpm < 0 {
		return nil, fmt.Errorf("gemini: the quotas (%d requests, %d tokens a minute) must be positive, or 0 for none", e.rpm, e.tpm)
	}
	if e.maxChars < 0 {
		return nil, fmt.Errorf("gemini: MaxChars %d must be positive, or 0 for %d", e.maxChars, DefaultMaxChars)
	}
	if e.maxChars == 0 {
		e.maxChars = DefaultMaxChars
	}
	if most := (e.maxChars + 2) / 3; e.tpm > 0 && e.tpm < most {
		return nil, fmt.Errorf("gemini: a quota of %d tokens a minute is below one text's %d estimated tokens at most (MaxChars %d); raise the quota, or lower MaxChars", e.tpm, most, e.maxChars)
	}
	if e.attempts <= 0 {
		e.attempts = DefaultMaxAttempts
	}
	if e.backoff <= 0 {
		e.backoff = time.Second
	}
	if e.maxBack <= 0 {
		e.maxBack = 30 * time.Second
	}
	if e.maxWait <= 0 {
		e.maxWait = DefaultMaxWait
	}
	if e.timeout <= 0 {
		e.timeout = DefaultRequestTimeout
	}

	if cfg.Client != nil {
		e.client = cfg.Client
		if err := checkBaseURL(e.client); err != nil {
			return nil, err
		}
	} else {
		c, err := newClient(ctx, cfg.ClientConfig)
		if err != nil {
			return nil, err
		}
		e.client = c
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

// Stats returns the traffic so far.
func (e *Embedder) Stats() Stats {
	return Stats{Requests: e.requests.Load(), Retries: e.retries.Load(), Refused: e.refused.Load(),
		Texts: e.texts.Load(), Cut: e.cut.Load()}
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

// EmptyTextError reports an empty or blank text, which the service refuses.
type EmptyTextError struct {
	Index int    // the text's index in the call
	Name  string // what the caller calls it ("row 12 (sci.med/59225)"), or ""
}

func (e *EmptyTextError) Error() string {
	what := fmt.Sprintf("text %d", e.Index)
	if e.Name != "" {
		what = e.Name
	}
	return fmt.Sprintf("gemini: %s is empty or blank, and the service refuses empty content; remove it from the input (drop the blank rows) and run again", what)
}

// CheckTexts returns an *EmptyTextError for the first empty or blank text,
// or nil; name, when not nil, names the text for people (by its row or
// file). EmbedEach checks its texts before sending anything, but only a
// caller that knows where the texts come from can name them: through a
// Cache, EmbedEach sees only the texts not cached.
func CheckTexts(texts []string, name func(i int) string) error {
	for i, t := range texts {
		if strings.TrimSpace(t) == "" {
			e := &EmptyTextError{Index: i}
			if name != nil {
				e.Name = name(i)
			}
			return e
		}
	}
	return nil
}

// span is one request's share of the texts: texts[start:end].
type span struct{ start, end, tokens int }

// plan cuts the texts as configured and splits them into requests of at
// most BatchSize texts and, with a TPM quota, at most TPM estimated tokens.
func (e *Embedder) plan(texts []string) (sent []string, spans []span, cut int) {
	sent = make([]string, len(texts))
	for i, t := range texts {
		var c bool
		sent[i], c = Cut(t, e.maxChars)
		if c {
			cut++
		}
	}
	cur := span{}
	for i, t := range sent {
		tok := EstimateTokens(t)
		if i > cur.start && (i-cur.start >= e.batch || (e.tpm > 0 && cur.tokens+tok > e.tpm)) {
			cur.end = i
			spans = append(spans, cur)
			cur = span{start: i}
		}
		cur.tokens += tok
	}
	if len(sent) > 0 {
		cur.end = len(sent)
		spans = append(spans, cur)
	}
	return sent, spans, cut
}

// EmbedEach embeds texts in batches of BatchSize with up to Concurrency
// requests in flight, paced to the RPM and TPM quotas, and calls yield with
// each finished batch (the vectors of texts[start:start+len(vecs)]), never
// concurrently. The first failure (after retries) cancels the rest and is
// returned; batches already yielded stay valid, and a batch that arrives
// after the failure is still yielded, unless yield itself failed.
func (e *Embedder) EmbedEach(ctx context.Context, texts []string, yield func(start int, vecs [][]float32) error) error {
	if err := CheckTexts(texts, nil); err != nil {
		return err
	}
	total := len(texts)
	if total == 0 {
		return nil
	}
	sent, spans, cut := e.plan(texts)
	e.cut.Add(int64(cut))
	r := &run{
		e:        e,
		pacer:    &pacer{clk: e.clk, rpm: e.rpm, tpm: e.tpm},
		throttle: &throttle{clk: e.clk, jitter: e.jitter, initial: quotaBackoff, cap: quotaBackoffCap, maxWait: e.maxWait},
		total:    total,
	}
	if e.batchMode {
		return e.embedBatchMode(ctx, sent, r, yield)
	}
	// One request per span, at most Concurrency at once; the first failure
	// cancels the others (errgroup cancels with it as the cause).
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(e.conc)
	var (
		mu      sync.Mutex // yield is never called concurrently
		stopped bool       // a yield failed: call it no more
	)
	for _, sp := range spans {
		if gctx.Err() != nil {
			break
		}
		g.Go(func() error {
			vecs, err := r.embedBatch(gctx, sent[sp.start:sp.end], sp)
			if err != nil {
				return err
			}
			// Vectors received are handed on even when another batch has
			// failed or the run was interrupted: they are paid for.
			mu.Lock()
			defer mu.Unlock()
			if stopped {
				return nil
			}
			if err := yield(sp.start, vecs); err != nil {
				stopped = true
				return err
			}
			r.finished(len(vecs))
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return err
	}
	if err := context.Cause(ctx); err != nil {
		return fmt.Errorf("gemini: embedding stopped after %d of %d texts: %w", r.done.Load(), total, err)
	}
	return nil
}

// Back-off after a quota refusal that does not say how long to wait.
const (
	quotaBackoff    = 5 * time.Second
	quotaBackoffCap = time.Minute
)

// run is the state one EmbedEach call shares between its workers.
type run struct {
	e        *Embedder
	pacer    *pacer
	throttle *throttle
	total    int

	mu       sync.Mutex // serialises status reports
	done     atomic.Int64
	inFlight atomic.Int64
	batch    string // batch mode: the jobs' states
}

// note reports msg as the batch jobs' state.
func (r *run) note(msg string) {
	r.batch = msg
	r.report()
}

// finished counts n more texts done and reports progress.
func (r *run) finished(n int) {
	done := r.done.Add(int64(n))
	if r.e.progress != nil {
		r.e.progress(int(done), r.total)
	}
	r.report()
}

// report sends the current status to Config.Status.
func (r *run) report() {
	if r.e.status == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	until, why, refused := r.throttle.waiting()
	r.e.status(Status{Done: int(r.done.Load()), Total: r.total, InFlight: int(r.inFlight.Load()), Refused: refused,
		Pace: r.pacer.pace(), RPM: r.pacer.quota(), WaitUntil: until, WaitReason: why, Batch: r.batch})
}

// embedBatch sends one batch, waiting for the quotas and retrying as
// configured, and returns its checked vectors.
func (r *run) embedBatch(ctx context.Context, texts []string, sp span) ([][]float32, error) {
	e := r.e
	contents := make([]*genai.Content, len(texts))
	for i, t := range texts {
		contents[i] = &genai.Content{Parts: []*genai.Part{{Text: t}}}
	}
	timeout := e.timeout
	cfg := e.embedConfig()
	cfg.HTTPOptions = &genai.HTTPOptions{Timeout: &timeout}
	fail := func(attempt int, err error) error {
		return &Error{Start: sp.start, End: sp.end, Attempts: attempt, Err: err, key: e.key, model: e.model}
	}
	failures := 0 // 5xx, timeouts and broken connections
	for attempt := 1; ; attempt++ {
		sentAt, err := r.pacer.wait(ctx, sp.tokens, r.throttle.gate)
		if err != nil {
			return nil, fail(attempt-1, err)
		}
		hint := &responseHint{}
		e.requests.Add(1)
		if attempt > 1 {
			e.retries.Add(1)
		}
		r.inFlight.Add(1)
		resp, err := e.client.Models.EmbedContent(context.WithValue(ctx, hintKey{}, hint), e.model, contents, cfg)
		r.inFlight.Add(-1)
		if err == nil {
			r.throttle.succeeded()
			r.pacer.succeeded(sentAt)
			vecs, verr := e.vectors(resp, len(texts))
			if verr != nil {
				return nil, fail(attempt, verr)
			}
			e.texts.Add(int64(len(texts)))
			return vecs, nil
		}
		if ctx.Err() != nil {
			return nil, fail(attempt, context.Cause(ctx))
		}
		if bad := hint.badAnswer(err); bad != nil {
			r.throttle.failed()
			return nil, fail(attempt, bad)
		}
		var apiErr genai.APIError
		if errors.As(err, &apiErr) && apiErr.Code == http.StatusTooManyRequests {
			e.refused.Add(1)
			r.pacer.refused(sentAt)
			r.pacer.learn(e.clk.Now(), sentAt)
			d, ok := serverDelay(err, hint, e.clk.Now())
			if ok && d > e.maxWait {
				return nil, fail(attempt, &quotaError{err, fmt.Sprintf("the service asked to wait %s, longer than the %s allowed (--max-wait)", roundDur(d), e.maxWait)})
			}
			if why := r.throttle.refused(sentAt, d, ok); why != "" {
				return nil, fail(attempt, &quotaError{err, why})
			}
			r.report()
			continue
		}
		r.throttle.failed()
		failures++
		if !retryable(err) || failures >= e.attempts {
			return nil, fail(attempt, err)
		}
		if err := e.clk.Sleep(ctx, e.backoffFor(failures)); err != nil {
			return nil, fail(attempt, err)
		}
	}
}

// backoffFor returns the wait before retry number attempt (1 = first
// retry): exponential with full jitter in its upper half, capped.
func (e *Embedder) backoffFor(attempt int) time.Duration {
	d := float64(e.backoff) * math.Pow(2, float64(attempt-1))
	d = math.Min(d, float64(e.maxBack))
	d = d/2 + e.jitter()*d/2
	return time.Duration(d)
}

// retryable reports whether an attempt that failed with err may succeed if
// repeated: 408 and 5xx answers, and transport failures (a refused or
// broken connection, a timeout, a truncated answer). 429 is handled apart.
func retryable(err error) bool {
	var apiErr genai.APIError
	if errors.As(err, &apiErr) {
		return apiErr.Code == http.StatusRequestTimeout || apiErr.Code >= 500
	}
	return transportError(err)
}

// transportError reports whether err is a failure to reach the service or
// to read its answer, rather than an answer.
func transportError(err error) bool {
	var ue *url.Error
	var ne net.Error
	return errors.As(err, &ue) || errors.As(err, &ne) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) ||
		errors.Is(err, context.DeadlineExceeded)
}

// serverDelay returns the wait a server asked for, from a
// google.rpc.RetryInfo detail or the Retry-After header.
func serverDelay(err error, hint *responseHint, now time.Time) (time.Duration, bool) {
	var apiErr genai.APIError
	if errors.As(err, &apiErr) {
		for _, d := range apiErr.Details {
			if t, _ := d["@type"].(string); strings.HasSuffix(t, "google.rpc.RetryInfo") {
				if s, ok := d["retryDelay"].(string); ok {
					if dur, err := time.ParseDuration(s); err == nil && dur >= 0 {
						return dur, true
					}
				}
			}
		}
	}
	if v := hint.retryAfter(); v != "" {
		if secs, err := strconv.ParseFloat(v, 64); err == nil && secs >= 0 {
			return time.Duration(secs * float64(time.Second)), true
		}
		if t, err := http.ParseTime(v); err == nil {
			return max(t.Sub(now), 0), true
		}
	}
	return 0, false
}

// Of returns the Gemini embedder emb is, or wraps (a Cache, or anything
// with an Inner method), or nil.
func Of(emb embedding.Embedder) *Embedder {
	for emb != nil {
		if g, ok := emb.(*Embedder); ok {
			return g
		}
		w, ok := emb.(interface{ Inner() embedding.Embedder })
		if !ok {
			return nil
		}
		emb = w.Inner()
	}
	return nil
}

// RowName names text i of a frame-like input for an error message: "row
// 13", with its file when known ("row 13 (sci.med/59225)").
func RowName(files []string) func(i int) string {
	return func(i int) string {
		if i < len(files) && files[i] != "" {
			return fmt.Sprintf("row %d (%s)", i+1, files[i])
		}
		return fmt.Sprintf("row %d", i+1)
	}
}
