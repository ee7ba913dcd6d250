// Package geminitest is a fake Gemini API server for tests, offline
// notebook runs and CI, in the spirit of net/http/httptest. It speaks the
// REST wire format the google.golang.org/genai SDK sends and reads:
//
//   - POST /v1beta/models/{model}:batchEmbedContents (Gemini API, what
//     Models.EmbedContent sends), and :embedContent;
//   - POST /v1beta1/[projects/{p}/locations/{l}/]publishers/google/models/{model}:predict
//     (Vertex AI);
//   - GET /v1beta/models and /v1beta/models/{model} (Models.List/All/Get);
//   - the Batch API for embeddings (Batches.CreateEmbeddings, Get, Cancel):
//     POST /v1beta/models/{model}:asyncBatchEmbedContent with inlined
//     requests or an input file, GET /v1beta/batches/{id}, POST
//     /v1beta/batches/{id}:cancel, with jobs that go pending, running, then
//     succeeded (or the end state SetBatchEnd gives), answering inline or,
//     for a file's requests, in a result file;
//   - the Files API (Files.Upload, Get, Delete, Download): the resumable
//     upload at /upload/v1beta/files, GET and DELETE /v1beta/files/{id},
//     and GET [/download]/v1beta/files/{id}:download?alt=media.
//
// Like the real service it refuses more than 100 requests in one batch,
// requests without a key or with a wrong one, unknown models and empty
// texts, each with the service's error shape. It can enforce a quota of
// requests per minute (Options.RPM), refuse everything for a while
// (Throttle), add latency, answer 429 (with Retry-After and RetryInfo) or
// 503, hang, break connections or send answers that are not what the API
// promises (see Fault), and it counts what it served. Its vectors are deterministic and carry meaning
// (see Vector).
//
// Point the SDK at it with HTTPOptions.BaseURL (or Server.ClientConfig), or
// with the GOOGLE_GEMINI_BASE_URL variable:
//
//	srv := geminitest.NewServer(geminitest.Options{})
//	defer srv.Close()
//	client, _ := genai.NewClient(ctx, srv.ClientConfig("test-key"))
package geminitest

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"google.golang.org/genai"
)

// MaxBatch is the most requests the real service accepts in one
// batchEmbedContents call.
const MaxBatch = 100

// MaxVertexInstances is the most instances the fake accepts in one Vertex AI
// predict call.
const MaxVertexInstances = 250

// Model describes a model the server lists and serves.
type Model struct {
	Name            string   // "models/gemini-embedding-001"
	DisplayName     string   // "Gemini Embedding 001"
	Dims            int      // full vector length; 0 for non-embedding models
	InputTokenLimit int      // the fake estimates tokens as bytes/4
	Methods         []string // supportedGenerationMethods
}

// DefaultModels returns the models the server offers by default: the
// embedding models the tutorial lists, and one generation model that does
// not embed.
func DefaultModels() []Model {
	embed := []string{"embedContent", "countTextTokens", "countTokens", "asyncBatchEmbedContent"}
	return []Model{
		{"models/embedding-001", "Embedding 001", 768, 2048, []string{"embedContent"}},
		{"models/text-embedding-004", "Text Embedding 004", 768, 2048, []string{"embedContent"}},
		{"models/gemini-embedding-exp-03-07", "Gemini Embedding Experimental 03-07", 3072, 8192, embed},
		{"models/gemini-embedding-exp", "Gemini Embedding Experimental", 3072, 8192, embed},
		{"models/gemini-embedding-001", "Gemini Embedding 001", 3072, 2048, embed},
		{"models/gemini-2.5-flash", "Gemini 2.5 Flash", 0, 1048576, []string{"generateContent", "countTokens", "createCachedContent", "batchGenerateContent"}},
	}
}

// Options configures a Server. The zero value serves DefaultModels, accepts
// any non-empty API key and answers at once.
type Options struct {
	// Latency delays every embedding answer.
	Latency time.Duration
	// APIKeys lists the accepted keys; nil accepts any non-empty key.
	APIKeys []string
	// NoAuth accepts requests without a key.
	NoAuth bool
	// Models replaces DefaultModels.
	Models []Model
	// RPM, when positive, enforces a quota of that many embedding requests
	// in any 60 seconds (by Now): a request past it is answered 429, with
	// a RetryInfo detail saying when a slot frees if QuotaRetryInfo is
	// set, else with nothing to say how long to wait. Refused requests do
	// not count against the quota.
	RPM            int
	QuotaRetryInfo bool
	// Now is the server's clock for RPM, Throttle and batch jobs (default
	// time.Now). A test of minutes of quota need not change it: run it
	// under testing/synctest with NewInProcess, and time.Now is virtual.
	Now func() time.Time
	// BatchPolls is how many times a batch job is polled before it ends
	// (default 3: pending, running, then done).
	BatchPolls int
}

// Fault is a failure injected into one embedding request.
type Fault struct {
	// Status is the HTTP status to answer (429, 500, 503...), with the
	// service's error body for it.
	Status int
	// RetryAfter, when positive, sets the Retry-After header (whole
	// seconds, rounded up).
	RetryAfter time.Duration
	// RetryInfo, when positive, adds a google.rpc.RetryInfo detail with
	// this retryDelay.
	RetryInfo time.Duration
	// Disconnect closes the connection without answering.
	Disconnect bool
	// Hang answers nothing until the client gives up.
	Hang bool
	// Body, when set, is sent as the answer with Status (default 200)
	// instead of the service's error body: for answers that are not JSON,
	// or JSON of the wrong shape.
	Body string
	// Mangle, when set, changes the vectors of a correct batchEmbedContents
	// answer before it is sent (drop one, shorten one, blow one up...).
	Mangle func(vecs [][]float32) [][]float32
}

// Stats counts what a Server served.
type Stats struct {
	EmbedRequests int64 // embedding requests received (batch, single, predict)
	ListRequests  int64 // model list and get requests
	Texts         int64 // texts embedded successfully
	Faults        int64 // injected faults served
	Refused       int64 // requests refused with a 4xx
	Throttled     int64 // requests answered 429 for the quota (RPM, Throttle)
	BatchCreates  int64 // asyncBatchEmbedContent requests (batch jobs asked for)
	BatchPolls    int64 // batch job GET and cancel requests
	FileUploads   int64 // files uploaded (resumable uploads finalized)
	Downloads     int64 // files downloaded
	MaxInFlight   int64 // most embedding requests being served at once
	MaxBatch      int64 // largest batch received
}

// Server is a running fake Gemini API server.
type Server struct {
	// URL is the base URL, "http://127.0.0.1:port", to give the SDK as
	// HTTPOptions.BaseURL.
	URL string

	srv    *httptest.Server // nil when in process
	models []Model
	opts   Options
	client *http.Client // the client ClientConfig gives the SDK

	mu            sync.Mutex
	faults        []Fault
	accepted      []time.Time // embedding requests served within the RPM window
	throttled     time.Time   // every embedding request is refused until then
	arrivals      []time.Time
	jobs          []*batchJob
	batchEnd      string
	files         []*storedFile
	uploads       map[string]*upload
	uploadSeq     int
	failDownloads int

	embedReqs, listReqs, texts, faultsServed, refused, quota atomic.Int64
	batchCreates, batchPolls, uploaded, downloads            atomic.Int64
	inFlight, maxInFlight, maxBatch                          atomic.Int64
}

// NewServer starts a Server on a free port of 127.0.0.1.
func NewServer(opts Options) *Server {
	s := newServer(opts)
	s.srv = httptest.NewServer(s)
	s.URL = s.srv.URL
	return s
}

// Listen starts a Server on addr ("127.0.0.1:8080"; port 0 picks a free
// one), for commands and scripts.
func Listen(addr string, opts Options) (*Server, error) {
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("geminitest: %w", err)
	}
	s := newServer(opts)
	s.srv = httptest.NewUnstartedServer(s)
	s.srv.Listener.Close()
	s.srv.Listener = l
	s.srv.Start()
	s.URL = s.srv.URL
	return s, nil
}

// NewInProcess returns a Server reached without a network: the SDK
// configurations it gives (ClientConfig, VertexClientConfig) carry an HTTP
// client that hands each request to the server in the caller's goroutine.
// Nothing runs but the caller's goroutines, so a test under
// testing/synctest, whose clock is virtual and moves on only when every
// goroutine of the test waits, sees the same times however busy the
// machine is: a request takes no time unless the server adds some
// (Latency), and minutes of quota go by at once.
func NewInProcess(opts Options) *Server {
	s := newServer(opts)
	s.URL = "http://geminitest.invalid"
	s.client = &http.Client{Transport: inProcess{s}}
	return s
}

// inProcess is the transport of an in-process Server.
type inProcess struct{ h http.Handler }

// RoundTrip serves r with the handler, in this goroutine. A connection the
// handler breaks (Fault.Disconnect) is an unexpected EOF, and an answer
// the handler held until the request was cancelled (Fault.Hang) is the
// request's context error, as over a network.
func (t inProcess) RoundTrip(r *http.Request) (resp *http.Response, err error) {
	if r.Body != nil {
		defer r.Body.Close()
	}
	if err := r.Context().Err(); err != nil {
		return nil, err
	}
	rec := httptest.NewRecorder()
	defer func() {
		if v := recover(); v != nil {
			if v != http.ErrAbortHandler {
				panic(v)
			}
			resp, err = nil, io.ErrUnexpectedEOF
		}
	}()
	t.h.ServeHTTP(rec, r)
	if err := r.Context().Err(); err != nil {
		return nil, err
	}
	resp = rec.Result()
	resp.Request = r
	return resp, nil
}

func newServer(opts Options) *Server {
	s := &Server{opts: opts, models: opts.Models, uploads: map[string]*upload{}}
	if s.models == nil {
		s.models = DefaultModels()
	}
	if s.opts.Now == nil {
		s.opts.Now = time.Now
	}
	return s
}

// Close shuts the server down, breaking connections still open.
func (s *Server) Close() {
	if s.srv == nil {
		return
	}
	s.srv.CloseClientConnections()
	s.srv.Close()
}

// ClientConfig returns an SDK configuration for the Gemini API backend that
// talks to this server with key.
func (s *Server) ClientConfig(key string) *genai.ClientConfig {
	return &genai.ClientConfig{APIKey: key, Backend: genai.BackendGeminiAPI, HTTPOptions: genai.HTTPOptions{BaseURL: s.URL}, HTTPClient: s.client}
}

// VertexClientConfig returns an SDK configuration for the Vertex AI backend
// (project "test-project", location "us-central1") that talks to this
// server with a fixed bearer token instead of Google credentials.
func (s *Server) VertexClientConfig() *genai.ClientConfig {
	return &genai.ClientConfig{
		Backend: genai.BackendVertexAI, Project: "test-project", Location: "us-central1",
		HTTPOptions: genai.HTTPOptions{BaseURL: s.URL},
		HTTPClient:  &http.Client{Transport: bearer{base: s.transport()}},
	}
}

// transport returns the transport the SDK reaches the server with.
func (s *Server) transport() http.RoundTripper {
	if s.client != nil {
		return s.client.Transport
	}
	return http.DefaultTransport
}

type bearer struct{ base http.RoundTripper }

func (b bearer) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("Authorization", "Bearer geminitest-token")
	return b.base.RoundTrip(r)
}

// InjectFaults queues faults: each following embedding request takes the
// next one instead of its answer, until the queue is empty.
func (s *Server) InjectFaults(faults ...Fault) {
	s.mu.Lock()
	s.faults = append(s.faults, faults...)
	s.mu.Unlock()
}

// Throttle answers every embedding request 429, without saying how long
// to wait, for the next d by the server's clock: a quota storm.
func (s *Server) Throttle(d time.Duration) {
	s.mu.Lock()
	s.throttled = s.opts.Now().Add(d)
	s.mu.Unlock()
}

// Stats returns the counters.
func (s *Server) Stats() Stats {
	return Stats{
		EmbedRequests: s.embedReqs.Load(), ListRequests: s.listReqs.Load(), Texts: s.texts.Load(),
		Faults: s.faultsServed.Load(), Refused: s.refused.Load(), Throttled: s.quota.Load(),
		BatchCreates: s.batchCreates.Load(), BatchPolls: s.batchPolls.Load(),
		FileUploads: s.uploaded.Load(), Downloads: s.downloads.Load(),
		MaxInFlight: s.maxInFlight.Load(), MaxBatch: s.maxBatch.Load(),
	}
}

// Arrivals returns the arrival times, by the server's clock, of the
// embedding requests received, in order.
func (s *Server) Arrivals() []time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.arrivals)
}

// Requests returns the number of embedding requests received.
func (s *Server) Requests() int64 { return s.embedReqs.Load() }

// ResetStats sets the counters to zero.
func (s *Server) ResetStats() {
	for _, c := range []*atomic.Int64{&s.embedReqs, &s.listReqs, &s.texts, &s.faultsServed, &s.refused, &s.quota, &s.batchCreates, &s.batchPolls, &s.uploaded, &s.downloads, &s.maxInFlight, &s.maxBatch} {
		c.Store(0)
	}
	s.mu.Lock()
	s.arrivals = nil
	s.mu.Unlock()
}

// ServeHTTP routes a request.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	path := r.URL.Path
	if s.serveBatch(w, r) || s.serveFiles(w, r) {
		return
	}
	switch {
	case r.Method == http.MethodGet && (path == "/v1beta/models" || path == "/v1/models"):
		s.listReqs.Add(1)
		if s.auth(w, r) {
			s.listModels(w, r)
		}
	case r.Method == http.MethodGet && strings.HasPrefix(path, "/v1beta/models/"):
		s.listReqs.Add(1)
		if s.auth(w, r) {
			s.getModel(w, strings.TrimPrefix(path, "/v1beta/"))
		}
	case r.Method == http.MethodPost && strings.HasPrefix(path, "/v1beta/models/") && strings.HasSuffix(path, ":batchEmbedContents"):
		s.embed(w, r, strings.TrimSuffix(strings.TrimPrefix(path, "/v1beta/"), ":batchEmbedContents"), s.batchEmbed)
	case r.Method == http.MethodPost && strings.HasPrefix(path, "/v1beta/models/") && strings.HasSuffix(path, ":embedContent"):
		s.embed(w, r, strings.TrimSuffix(strings.TrimPrefix(path, "/v1beta/"), ":embedContent"), s.singleEmbed)
	case r.Method == http.MethodPost && strings.HasPrefix(path, "/v1beta1/") && strings.HasSuffix(path, ":predict"):
		name := strings.TrimSuffix(path, ":predict")
		i := strings.Index(name, "/publishers/google/models/")
		if i < 0 {
			writeError(w, http.StatusNotFound, "NOT_FOUND", "Requested entity was not found.", nil)
			return
		}
		s.embed(w, r, "models/"+name[i+len("/publishers/google/models/"):], s.predict)
	default:
		writeError(w, http.StatusNotFound, "NOT_FOUND", fmt.Sprintf("The requested URL %s was not found on this server.", path), nil)
	}
}

// auth checks the API key (or, on Vertex paths, a bearer token) and answers
// as the real service does when it is missing or wrong.
func (s *Server) auth(w http.ResponseWriter, r *http.Request) bool {
	if s.opts.NoAuth {
		return true
	}
	key := r.Header.Get("x-goog-api-key")
	if key == "" {
		key = r.URL.Query().Get("key")
	}
	if key == "" && strings.HasPrefix(r.URL.Path, "/v1beta1/") && strings.HasPrefix(r.Header.Get("Authorization"), "Bearer ") {
		return true
	}
	if key == "" {
		s.refused.Add(1)
		writeError(w, http.StatusForbidden, "PERMISSION_DENIED",
			"Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.", nil)
		return false
	}
	if s.opts.APIKeys != nil && !slices.Contains(s.opts.APIKeys, key) {
		s.refused.Add(1)
		msg := "API key not valid. Please pass a valid API key."
		writeError(w, http.StatusBadRequest, "INVALID_ARGUMENT", msg, []map[string]any{
			{"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "API_KEY_INVALID", "domain": "googleapis.com",
				"metadata": map[string]any{"service": "generativelanguage.googleapis.com"}},
			{"@type": "type.googleapis.com/google.rpc.LocalizedMessage", "locale": "en-US", "message": msg},
		})
		return false
	}
	return true
}

func (s *Server) model(name string) (Model, bool) {
	for _, m := range s.models {
		if m.Name == name {
			return m, true
		}
	}
	return Model{}, false
}

type modelJSON struct {
	Name                       string   `json:"name"`
	Version                    string   `json:"version"`
	DisplayName                string   `json:"displayName"`
	Description                string   `json:"description"`
	InputTokenLimit            int      `json:"inputTokenLimit"`
	OutputTokenLimit           int      `json:"outputTokenLimit"`
	SupportedGenerationMethods []string `json:"supportedGenerationMethods"`
}

func toJSON(m Model) modelJSON {
	return modelJSON{Name: m.Name, Version: "001", DisplayName: m.DisplayName, Description: m.DisplayName + " (geminitest fake)",
		InputTokenLimit: m.InputTokenLimit, OutputTokenLimit: 1, SupportedGenerationMethods: m.Methods}
}

func (s *Server) listModels(w http.ResponseWriter, r *http.Request) {
	size := 50
	if v, err := strconv.Atoi(r.URL.Query().Get("pageSize")); err == nil && v > 0 {
		size = min(v, 1000)
	}
	start := 0
	if tok := r.URL.Query().Get("pageToken"); tok != "" {
		v, err := strconv.Atoi(tok)
		if err != nil || v < 0 || v > len(s.models) {
			writeError(w, http.StatusBadRequest, "INVALID_ARGUMENT", "Invalid page token.", nil)
			return
		}
		start = v
	}
	end := min(start+size, len(s.models))
	out := struct {
		Models        []modelJSON `json:"models"`
		NextPageToken string      `json:"nextPageToken,omitempty"`
	}{}
	for _, m := range s.models[start:end] {
		out.Models = append(out.Models, toJSON(m))
	}
	if end < len(s.models) {
		out.NextPageToken = strconv.Itoa(end)
	}
	writeJSON(w, out)
}

func (s *Server) getModel(w http.ResponseWriter, name string) {
	m, ok := s.model(name)
	if !ok {
		writeError(w, http.StatusNotFound, "NOT_FOUND", fmt.Sprintf("models/%s is not found for API version v1beta.", strings.TrimPrefix(name, "models/")), nil)
		return
	}
	writeJSON(w, toJSON(m))
}

// embedFunc serves one embedding request for model m, returning the number
// of texts embedded.
type embedFunc func(w http.ResponseWriter, body []byte, m Model, method string) int

// embed runs the common part of every embedding request: counting, auth,
// latency, faults, model lookup.
func (s *Server) embed(w http.ResponseWriter, r *http.Request, model string, serve embedFunc) {
	s.embedReqs.Add(1)
	n := s.inFlight.Add(1)
	defer s.inFlight.Add(-1)
	for {
		m := s.maxInFlight.Load()
		if n <= m || s.maxInFlight.CompareAndSwap(m, n) {
			break
		}
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return
	}
	if !s.auth(w, r) {
		return
	}
	if retry, ok := s.admit(); !ok {
		s.quota.Add(1)
		serveFault(w, Fault{Status: http.StatusTooManyRequests, RetryInfo: retry})
		return
	}
	s.mu.Lock()
	var fault *Fault
	if len(s.faults) > 0 {
		f := s.faults[0]
		s.faults = s.faults[1:]
		fault = &f
	}
	s.mu.Unlock()
	if fault != nil && fault.Hang {
		s.faultsServed.Add(1)
		<-r.Context().Done()
		return
	}
	if latency := s.opts.Latency; latency > 0 {
		t := time.NewTimer(latency)
		select {
		case <-r.Context().Done():
			t.Stop()
			return
		case <-t.C:
		}
	}
	if fault != nil && fault.Mangle == nil {
		s.faultsServed.Add(1)
		serveFault(w, *fault)
		return
	}
	if fault != nil {
		s.faultsServed.Add(1)
		w = &mangler{ResponseWriter: w, f: fault.Mangle}
	}
	method := "batchEmbedContents"
	if strings.HasSuffix(r.URL.Path, ":embedContent") {
		method = "embedContent"
	} else if strings.HasSuffix(r.URL.Path, ":predict") {
		method = "predict"
	}
	m, ok := s.model(model)
	if !ok || m.Dims == 0 {
		s.refused.Add(1)
		writeError(w, http.StatusNotFound, "NOT_FOUND", fmt.Sprintf("%s is not found for API version v1beta, or is not supported for %s. Call ListModels to see the list of available models and their supported methods.", model, method), nil)
		return
	}
	if k := serve(w, body, m, method); k > 0 {
		s.texts.Add(int64(k))
	}
}

// admit applies the quota storm and the RPM quota to an embedding request:
// it returns false, with the wait to advertise (0 to say nothing), when the
// request must be refused.
func (s *Server) admit() (time.Duration, bool) {
	now := s.opts.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.arrivals = append(s.arrivals, now)
	if now.Before(s.throttled) {
		return 0, false
	}
	if s.opts.RPM <= 0 {
		return 0, true
	}
	cut := now.Add(-time.Minute)
	i := 0
	for i < len(s.accepted) && !s.accepted[i].After(cut) {
		i++
	}
	s.accepted = s.accepted[i:]
	if len(s.accepted) >= s.opts.RPM {
		if !s.opts.QuotaRetryInfo {
			return 0, false
		}
		return s.accepted[len(s.accepted)-s.opts.RPM].Sub(cut), false
	}
	s.accepted = append(s.accepted, now)
	return 0, true
}

// mangler rewrites the embeddings of a batchEmbedContents answer.
type mangler struct {
	http.ResponseWriter
	f func([][]float32) [][]float32
}

func (m *mangler) Write(b []byte) (int, error) {
	var out struct {
		Embeddings []values `json:"embeddings"`
	}
	if err := json.Unmarshal(b, &out); err != nil || out.Embeddings == nil {
		return m.ResponseWriter.Write(b)
	}
	vecs := make([][]float32, len(out.Embeddings))
	for i, v := range out.Embeddings {
		vecs[i] = v.Values
	}
	vecs = m.f(vecs)
	// JSON has no NaN or infinity: write the numbers by hand, as a broken
	// server might.
	var buf strings.Builder
	buf.WriteString(`{"embeddings":[`)
	for i, v := range vecs {
		if i > 0 {
			buf.WriteByte(',')
		}
		buf.WriteString(`{"values":[`)
		for j, x := range v {
			if j > 0 {
				buf.WriteByte(',')
			}
			buf.WriteString(strconv.FormatFloat(float64(x), 'g', -1, 32))
		}
		buf.WriteString(`]}`)
	}
	buf.WriteString("]}\n")
	return m.ResponseWriter.Write([]byte(buf.String()))
}

func serveFault(w http.ResponseWriter, f Fault) {
	if f.Disconnect {
		if hj, ok := w.(http.Hijacker); ok {
			if conn, _, err := hj.Hijack(); err == nil {
				conn.Close()
				return
			}
		}
		panic(http.ErrAbortHandler)
	}
	if f.Body != "" {
		w.Header().Set("Content-Type", "application/json; charset=UTF-8")
		w.WriteHeader(cmp.Or(f.Status, http.StatusOK))
		io.WriteString(w, f.Body)
		return
	}
	if f.RetryAfter > 0 {
		secs := int((f.RetryAfter + time.Second - 1) / time.Second)
		w.Header().Set("Retry-After", strconv.Itoa(secs))
	}
	status, msg := f.Status, ""
	switch f.Status {
	case http.StatusTooManyRequests:
		msg = "Resource has been exhausted (e.g. check quota)."
	case http.StatusServiceUnavailable:
		msg = "The model is overloaded. Please try again later."
	case http.StatusInternalServerError:
		msg = "An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting"
	case 0:
		status, msg = http.StatusServiceUnavailable, "The service is currently unavailable."
	default:
		msg = http.StatusText(f.Status)
	}
	var details []map[string]any
	if f.RetryInfo > 0 {
		details = append(details, map[string]any{"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": formatDelay(f.RetryInfo)})
	}
	writeError(w, status, statusName(status), msg, details)
}

// formatDelay writes a duration as protobuf's JSON Duration ("1.5s").
func formatDelay(d time.Duration) string {
	return strconv.FormatFloat(d.Seconds(), 'f', -1, 64) + "s"
}

func statusName(code int) string {
	switch code {
	case 400:
		return "INVALID_ARGUMENT"
	case 401:
		return "UNAUTHENTICATED"
	case 403:
		return "PERMISSION_DENIED"
	case 404:
		return "NOT_FOUND"
	case 408:
		return "DEADLINE_EXCEEDED"
	case 429:
		return "RESOURCE_EXHAUSTED"
	case 500:
		return "INTERNAL"
	case 503:
		return "UNAVAILABLE"
	case 504:
		return "DEADLINE_EXCEEDED"
	}
	return "UNKNOWN"
}

type part struct {
	Text string `json:"text"`
}

type content struct {
	Parts []part `json:"parts"`
	Role  string `json:"role,omitempty"`
}

type embedRequest struct {
	Model                string  `json:"model"`
	Content              content `json:"content"`
	TaskType             string  `json:"taskType"`
	Title                string  `json:"title"`
	OutputDimensionality int     `json:"outputDimensionality"`
}

type values struct {
	Values []float32 `json:"values"`
}

var taskTypes = []string{"", "TASK_TYPE_UNSPECIFIED", "RETRIEVAL_QUERY", "RETRIEVAL_DOCUMENT", "SEMANTIC_SIMILARITY",
	"CLASSIFICATION", "CLUSTERING", "QUESTION_ANSWERING", "FACT_VERIFICATION", "CODE_RETRIEVAL_QUERY"}

// check validates one embedding request as the service would; field is
// the request's path for messages, text its text.
func check(field string, req embedRequest, m Model) (text string, errMsg string) {
	if len(req.Content.Parts) == 0 {
		return "", fmt.Sprintf("* %s.content.parts: contents.parts must not be empty.\n", field)
	}
	var b strings.Builder
	for _, p := range req.Content.Parts {
		b.WriteString(p.Text)
	}
	text = b.String()
	if text == "" {
		return "", fmt.Sprintf("* %s.content.parts[0].data: required oneof field 'data' must have one initialized field\n", field)
	}
	if !slices.Contains(taskTypes, req.TaskType) {
		return "", fmt.Sprintf("Invalid value at '%s.task_type' (type.googleapis.com/google.ai.generativelanguage.v1beta.TaskType), %q", strings.ToLower(field[:1])+field[1:], req.TaskType)
	}
	if d := req.OutputDimensionality; d < 0 || d > m.Dims {
		return "", fmt.Sprintf("* %s.output_dimensionality: must be between 1 and %d\n", field, m.Dims)
	}
	if tokens := (len(text) + 3) / 4; m.InputTokenLimit > 0 && tokens > m.InputTokenLimit {
		return "", fmt.Sprintf("The input token count (%d) exceeds the maximum number of tokens allowed (%d).", tokens, m.InputTokenLimit)
	}
	return text, ""
}

func (s *Server) batchEmbed(w http.ResponseWriter, body []byte, m Model, _ string) int {
	var req struct {
		Requests []embedRequest `json:"requests"`
	}
	if err := json.Unmarshal(body, &req); err != nil {
		s.refused.Add(1)
		writeError(w, http.StatusBadRequest, "INVALID_ARGUMENT", "Invalid JSON payload received. "+err.Error(), nil)
		return 0
	}
	s.noteBatch(len(req.Requests))
	if len(req.Requests) > MaxBatch {
		s.refused.Add(1)
		writeError(w, http.StatusBadRequest, "INVALID_ARGUMENT", "* BatchEmbedContentsRequest.requests: at most 100 requests can be in one batch\n", nil)
		return 0
	}
	if len(req.Requests) == 0 {
		s.refused.Add(1)
		writeError(w, http.StatusBadRequest, "INVALID_ARGUMENT", "* BatchEmbedContentsRequest.requests: at least one request is required\n", nil)
		return 0
	}
	out := struct {
		Embeddings []values `json:"embeddings"`
	}{Embeddings: make([]values, len(req.Requests))}
	for i, r := range req.Requests {
		if r.Model != m.Name {
			s.refused.Add(1)
			writeError(w, http.StatusBadRequest, "INVALID_ARGUMENT", fmt.Sprintf("* BatchEmbedContentsRequest.requests[%d].model: model %q does not match the batch's model %q\n", i, r.Model, m.Name), nil)
			return 0
		}
		text, msg := check(fmt.Sprintf("BatchEmbedContentsRequest.requests[%d]", i), r, m)
		if msg != "" {
			s.refused.Add(1)
			writeError(w, http.StatusBadRequest, "INVALID_ARGUMENT", msg, nil)
			return 0
		}
		out.Embeddings[i].Values = Vector(m.Name, r.TaskType, text, r.OutputDimensionality, m.Dims)
	}
	writeJSON(w, out)
	return len(req.Requests)
}

func (s *Server) singleEmbed(w http.ResponseWriter, body []byte, m Model, _ string) int {
	var req embedRequest
	if err := json.Unmarshal(body, &req); err != nil {
		s.refused.Add(1)
		writeError(w, http.StatusBadRequest, "INVALID_ARGUMENT", "Invalid JSON payload received. "+err.Error(), nil)
		return 0
	}
	s.noteBatch(1)
	text, msg := check("EmbedContentRequest", req, m)
	if msg != "" {
		s.refused.Add(1)
		writeError(w, http.StatusBadRequest, "INVALID_ARGUMENT", msg, nil)
		return 0
	}
	writeJSON(w, struct {
		Embedding values `json:"embedding"`
	}{values{Vector(m.Name, req.TaskType, text, req.OutputDimensionality, m.Dims)}})
	return 1
}

func (s *Server) predict(w http.ResponseWriter, body []byte, m Model, _ string) int {
	var req struct {
		Instances []struct {
			Content  string `json:"content"`
			TaskType string `json:"task_type"`
			Title    string `json:"title"`
		} `json:"instances"`
		Parameters struct {
			OutputDimensionality int  `json:"outputDimensionality"`
			AutoTruncate         bool `json:"autoTruncate"`
		} `json:"parameters"`
	}
	if err := json.Unmarshal(body, &req); err != nil {
		s.refused.Add(1)
		writeError(w, http.StatusBadRequest, "INVALID_ARGUMENT", "Invalid JSON payload received. "+err.Error(), nil)
		return 0
	}
	s.noteBatch(len(req.Instances))
	if len(req.Instances) == 0 || len(req.Instances) > MaxVertexInstances {
		s.refused.Add(1)
		writeError(w, http.StatusBadRequest, "INVALID_ARGUMENT", fmt.Sprintf("The number of instances must be between 1 and %d; got %d.", MaxVertexInstances, len(req.Instances)), nil)
		return 0
	}
	type prediction struct {
		Embeddings struct {
			Values     []float32 `json:"values"`
			Statistics struct {
				Truncated  bool `json:"truncated"`
				TokenCount int  `json:"token_count"`
			} `json:"statistics"`
		} `json:"embeddings"`
	}
	out := struct {
		Predictions []prediction   `json:"predictions"`
		Metadata    map[string]int `json:"metadata"`
	}{Predictions: make([]prediction, len(req.Instances)), Metadata: map[string]int{}}
	chars := 0
	for i, in := range req.Instances {
		r := embedRequest{Model: m.Name, Content: content{Parts: []part{{Text: in.Content}}}, TaskType: in.TaskType, OutputDimensionality: req.Parameters.OutputDimensionality}
		text, msg := check(fmt.Sprintf("Instances[%d]", i), r, m)
		if msg != "" {
			s.refused.Add(1)
			writeError(w, http.StatusBadRequest, "INVALID_ARGUMENT", msg, nil)
			return 0
		}
		p := &out.Predictions[i]
		p.Embeddings.Values = Vector(m.Name, in.TaskType, text, req.Parameters.OutputDimensionality, m.Dims)
		p.Embeddings.Statistics.TokenCount = (len(text) + 3) / 4
		chars += len(text)
	}
	out.Metadata["billableCharacterCount"] = chars
	writeJSON(w, out)
	return len(req.Instances)
}

func (s *Server) noteBatch(n int) {
	for {
		m := s.maxBatch.Load()
		if int64(n) <= m || s.maxBatch.CompareAndSwap(m, int64(n)) {
			return
		}
	}
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	json.NewEncoder(w).Encode(v)
}

// writeError answers with the Google API error body:
// {"error": {"code": ..., "message": ..., "status": ..., "details": [...]}}.
func writeError(w http.ResponseWriter, code int, status, msg string, details []map[string]any) {
	w.Header().Set("Content-Type", "application/json; charset=UTF-8")
	w.WriteHeader(code)
	body := map[string]any{"code": code, "message": msg, "status": status}
	if len(details) > 0 {
		body["details"] = details
	}
	json.NewEncoder(w).Encode(map[string]any{"error": body})
}
