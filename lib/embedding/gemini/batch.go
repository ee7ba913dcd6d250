package gemini

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/embedclassify/embedclassify/internal/atomicfile"
	"google.golang.org/genai"
)

// MaxInlineBytes is the largest request with inlined requests batch mode
// sends: the Batch API takes inlined requests up to 20 MB in all (Batch API
// guide, ai.google.dev/gemini-api/docs/batch-api). Past it, the texts go
// through the Files API: a JSON Lines file of requests is uploaded, the
// job reads it, and its answers come back as a file.
const MaxInlineBytes = 20_000_000

// Bounds of one job's answer, in vector values, so that a job's answer
// fits in memory whatever the input: the SDK parses an inline job's
// answer as generic JSON (some 50 bytes a value at the peak), and
// downloads a result file whole (some 13 bytes a value, then 4 once
// decoded). 2 million values are the tutorial's 500 texts at 3,072
// dimensions with room to spare.
const (
	maxInlineValues = 2_000_000
	maxFileJobBytes = 1 << 30 // the Files API takes files up to 2 GB
)

// maxInlineBytes is MaxInlineBytes, and maxFileJobValues the most values
// a file job answers (8 million: 2,600 texts at 3,072 dimensions); tests
// lower them.
var (
	maxInlineBytes   = MaxInlineBytes
	maxFileJobValues = 8_000_000
)

// DefaultBatchPoll is the time between two polls of a batch job.
const DefaultBatchPoll = 10 * time.Second

// batchRecord is the file that keeps what a run submitted for a job, so
// that a run cut off resumes it instead of paying again: the uploaded
// input file (file route), then the job's name.
type batchRecord struct {
	Name     string    `json:"name,omitempty"`
	File     string    `json:"file,omitempty"`
	Model    string    `json:"model"`
	Texts    int       `json:"texts"`
	Start    int       `json:"start"`
	Created  time.Time `json:"created"`
	TaskType string    `json:"task_type"`
	Dims     int       `json:"dims"`
}

// batchJob is one job of a batch-mode EmbedEach call.
type batchJob struct {
	sp     span
	byFile bool   // through the Files API
	key    string // hash of everything the job's answer depends on
	name   string
	file   string // the uploaded input file, on the file route
	state  genai.JobState
	polls  int
	record string // the record's file, "" without BatchDir
}

// planBatch splits texts (already cut) into the jobs batch mode submits:
// one job with inlined requests when the request is under MaxInlineBytes
// and its answer small enough (see maxInlineValues), else jobs through the
// Files API, each answering at most maxFileJobValues values.
func (e *Embedder) planBatch(sent []string) []*batchJob {
	dim := e.Dim()
	if dim == 0 {
		dim = MaxDims
	}
	size := 1024 // the request around the requests
	for _, t := range sent {
		size += inlineRequestBytes(t)
	}
	if size <= maxInlineBytes && len(sent)*dim <= maxInlineValues {
		return []*batchJob{{sp: span{end: len(sent)}}}
	}
	var jobs []*batchJob
	cur, bytes := span{}, 0
	for i, t := range sent {
		b := inlineRequestBytes(t)
		if i > cur.start && ((i-cur.start+1)*dim > maxFileJobValues || bytes+b > maxFileJobBytes) {
			cur.end = i
			jobs = append(jobs, &batchJob{sp: cur, byFile: true})
			cur, bytes = span{start: i}, 0
		}
		bytes += b
	}
	cur.end = len(sent)
	return append(jobs, &batchJob{sp: cur, byFile: true})
}

// inlineRequestBytes is the size of text's request in a job: the text as
// a JSON string and the request around it.
func inlineRequestBytes(text string) int {
	n := 160 // {"request":{"content":{"parts":[{"text":...}]},"taskType":...,"outputDimensionality":...}}
	for _, r := range text {
		switch {
		case r == '"' || r == '\\' || r == '\n' || r == '\r' || r == '\t':
			n += 2
		case r < 0x20 || r == '<' || r == '>' || r == '&' || r == '\u2028' || r == '\u2029':
			n += 6
		case r == utf8.RuneError:
			n += 6 // a bad byte, or U+FFFD itself, as \ufffd
		default:
			n += utf8.RuneLen(r)
		}
	}
	return n
}

// embedBatchMode embeds texts (already cut) through the Batch API, in the
// jobs planBatch makes, resuming jobs recorded in BatchDir, and yields
// each job's vectors as it succeeds.
func (e *Embedder) embedBatchMode(ctx context.Context, sent []string, r *run, yield func(start int, vecs [][]float32) error) error {
	if e.vertex {
		return errors.New("gemini: the Batch API mode works with the Gemini API only, not Vertex AI")
	}
	jobs := e.planBatch(sent)
	for _, j := range jobs {
		j.key = e.jobKey(sent[j.sp.start:j.sp.end])
		if e.batchDir != "" {
			j.record = filepath.Join(e.batchDir, "gemini-batch-"+j.key[:24]+".json")
			if rec, ok := readRecord(j.record); ok {
				j.name, j.file = rec.Name, rec.File
				if j.name != "" {
					r.note(fmt.Sprintf("resuming batch job %s (%d texts, submitted %s)", rec.Name, rec.Texts, rec.Created.Format(time.DateTime)))
					continue
				}
			}
		}
		if err := e.submit(ctx, j, sent[j.sp.start:j.sp.end], r); err != nil {
			return err
		}
	}

	poll := cmpDur(e.batchPoll, DefaultBatchPoll)
	pending := len(jobs)
	for pending > 0 {
		for _, j := range jobs {
			if j.state == genai.JobStateSucceeded {
				continue
			}
			job, err := e.client.Batches.Get(ctx, j.name, nil)
			if err != nil {
				if ctx.Err() != nil {
					return fmt.Errorf("gemini: stopped while waiting for batch job %s (it keeps running; the next run resumes it): %w", j.name, context.Cause(ctx))
				}
				return e.jobError(j, err)
			}
			j.polls++
			j.state = job.State
			switch job.State {
			case genai.JobStateSucceeded:
				vecs, err := e.jobVectors(ctx, job, j)
				var fe *fetchError
				switch {
				case err != nil && ctx.Err() != nil:
					return fmt.Errorf("gemini: stopped while fetching the answers of batch job %s (the next run fetches them): %w", j.name, context.Cause(ctx))
				case errors.As(err, &fe):
					// The job's answers are there; the next run fetches them.
					return e.jobError(j, err)
				case err != nil:
					e.forget(ctx, j)
					return e.jobError(j, err)
				}
				e.texts.Add(int64(len(vecs)))
				if err := yield(j.sp.start, vecs); err != nil {
					return err
				}
				e.forget(ctx, j)
				pending--
				r.finished(len(vecs))
			case genai.JobStateFailed, genai.JobStateCancelled, genai.JobStateExpired:
				e.forget(ctx, j)
				return fmt.Errorf("gemini: batch job %s for texts %d to %d ended %s%s; nothing of it was kept (what other jobs embedded is); run again to submit a new job, or drop --gemini-batch",
					j.name, j.sp.start, j.sp.end-1, stateWord(job.State), jobErrorText(job))
			}
		}
		r.batch = fmt.Sprintf("%d batch job(s): %s", len(jobs), jobStates(jobs))
		r.report()
		if pending == 0 {
			break
		}
		if err := e.clk.Sleep(ctx, poll); err != nil {
			return fmt.Errorf("gemini: stopped while waiting for %d batch job(s) (they keep running; the next run resumes them): %w", pending, err)
		}
	}
	return nil
}

// jobError wraps err as the failure of job j.
func (e *Embedder) jobError(j *batchJob, err error) error {
	return &Error{Start: j.sp.start, End: j.sp.end, Attempts: 1, Err: err, key: e.key, model: e.model}
}

// fetchError is a failure to download a succeeded job's result file: the
// job is kept on record, for the next run to fetch its answers.
type fetchError struct {
	job, file string
	err       error
}

func (e *fetchError) Error() string {
	return fmt.Sprintf("the answers of batch job %s (file %s) could not be fetched; run again to fetch them (the job is paid for and kept): %v", e.job, e.file, e.err)
}

func (e *fetchError) Unwrap() error { return e.err }

// errorBody returns the service's error when data, a downloaded file, is
// the body of an HTTP error rather than the file: the SDK's Files.Download
// (v1.77.0) does not look at the status of the answer, and returns the
// body of a 503 as the file's bytes. An error body, unlike a result line,
// has no key and gives the status's name.
func errorBody(data []byte) error {
	var body struct {
		Key   *string `json:"key"`
		Error *struct {
			Code    int    `json:"code"`
			Message string `json:"message"`
			Status  string `json:"status"`
		} `json:"error"`
	}
	if json.NewDecoder(bytes.NewReader(data)).Decode(&body) != nil || body.Key != nil || body.Error == nil || body.Error.Status == "" {
		return nil
	}
	return fmt.Errorf("the service answered %d %s: %s", body.Error.Code, body.Error.Status, clip(body.Error.Message))
}

// jobVectors returns the checked vectors of a succeeded job: from its
// inlined responses, or from its result file.
func (e *Embedder) jobVectors(ctx context.Context, job *genai.BatchJob, j *batchJob) ([][]float32, error) {
	if job.Dest != nil && job.Dest.FileName != "" {
		data, err := e.client.Files.Download(ctx, genai.NewDownloadURIFromFile(&genai.File{DownloadURI: job.Dest.FileName}), nil)
		if err == nil {
			err = errorBody(data)
		}
		if err != nil {
			return nil, &fetchError{job.Name, job.Dest.FileName, err}
		}
		return e.fileVectors(data, job, j.sp)
	}
	return e.batchVectors(job, j.sp)
}

// submit creates the job for texts, by inlined requests or through the
// Files API (uploading its input file unless a cut-off run did), and
// records what it submitted.
func (e *Embedder) submit(ctx context.Context, j *batchJob, texts []string, r *run) error {
	src := &genai.EmbeddingsBatchJobSource{}
	if j.byFile || j.file != "" {
		if j.file != "" && !e.fileUsable(ctx, j.file) {
			r.note(fmt.Sprintf("the input file %s a cut-off run uploaded is gone; uploading it again", j.file))
			j.file = ""
		}
		if j.file == "" {
			if err := e.upload(ctx, j, texts, r); err != nil {
				return err
			}
		}
		src.FileName = j.file
	} else {
		contents := make([]*genai.Content, len(texts))
		for i, t := range texts {
			contents[i] = &genai.Content{Parts: []*genai.Part{{Text: t}}}
		}
		src.InlinedRequests = &genai.EmbedContentBatch{Contents: contents, Config: e.embedConfig()}
	}
	model := e.model
	e.requests.Add(1)
	job, err := e.client.Batches.CreateEmbeddings(ctx, &model, src, &genai.CreateEmbeddingsBatchJobConfig{DisplayName: "embedclassify-" + j.key[:12]})
	if err != nil {
		return e.jobError(j, err)
	}
	if job.Name == "" {
		return e.jobError(j, &AnswerError{"the service created a batch job without a name"})
	}
	j.name = job.Name
	return e.save(j, len(texts))
}

// embedConfig is the embedding configuration of a job's requests.
func (e *Embedder) embedConfig() *genai.EmbedContentConfig {
	cfg := &genai.EmbedContentConfig{TaskType: e.taskType}
	if e.dims != 0 {
		d := int32(e.dims)
		cfg.OutputDimensionality = &d
	}
	return cfg
}

// fileRequest is one line of a job's input file: a request for
// models.embedContent under a key, as the Batch API guide shows them
// (ai.google.dev/gemini-api/docs/batch-api, "Input file").
type fileRequest struct {
	Key     string `json:"key"`
	Request struct {
		Model                string         `json:"model"`
		Content              *genai.Content `json:"content"`
		TaskType             string         `json:"taskType,omitempty"`
		OutputDimensionality int            `json:"outputDimensionality,omitempty"`
	} `json:"request"`
}

// upload writes the job's requests as JSON Lines, keyed by their index in
// the job, uploads them through the Files API and records the file.
func (e *Embedder) upload(ctx context.Context, j *batchJob, texts []string, r *run) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	model := e.model
	if !strings.HasPrefix(model, "models/") {
		model = "models/" + model
	}
	for i, t := range texts {
		var line fileRequest
		line.Key = strconv.Itoa(i)
		line.Request.Model = model
		line.Request.Content = &genai.Content{Parts: []*genai.Part{{Text: t}}}
		line.Request.TaskType = e.taskType
		line.Request.OutputDimensionality = e.dims
		if err := enc.Encode(&line); err != nil {
			return fmt.Errorf("gemini: writing the batch input file: %w", err)
		}
	}
	r.note(fmt.Sprintf("uploading %d texts (%d bytes) for a batch job", len(texts), buf.Len()))
	e.requests.Add(1)
	f, err := e.client.Files.Upload(ctx, &buf, &genai.UploadFileConfig{MIMEType: "jsonl", DisplayName: "embedclassify-" + j.key[:12]})
	if err != nil {
		return e.jobError(j, fmt.Errorf("uploading the batch input file: %w", err))
	}
	if f == nil || f.Name == "" {
		return e.jobError(j, &AnswerError{"the service stored the batch input file without a name"})
	}
	j.file = f.Name
	return e.save(j, len(texts))
}

// fileUsable reports whether an uploaded input file is still there and
// ready. It errs on the side of uploading again.
func (e *Embedder) fileUsable(ctx context.Context, name string) bool {
	f, err := e.client.Files.Get(ctx, name, nil)
	return err == nil && f != nil && (f.State == genai.FileStateActive || f.State == "")
}

// save writes the job's record: its input file and name so far.
func (e *Embedder) save(j *batchJob, n int) error {
	if j.record == "" {
		return nil
	}
	what := "batch job " + j.name
	if j.name == "" {
		what = "batch input file " + j.file
	}
	rec := batchRecord{Name: j.name, File: j.file, Model: e.model, Texts: n, Start: j.sp.start, Created: time.Now().UTC(), TaskType: e.taskType, Dims: e.dims}
	b, _ := json.MarshalIndent(rec, "", "  ")
	if err := os.MkdirAll(e.batchDir, 0o755); err != nil {
		return fmt.Errorf("gemini: %s was submitted, but its record cannot be kept: %w", what, err)
	}
	if err := atomicfile.WriteFile(j.record, append(b, '\n')); err != nil {
		return fmt.Errorf("gemini: %s was submitted, but its record cannot be kept: %w", what, err)
	}
	return nil
}

// forget removes the job's record, and the input file it uploaded: the
// job ended, one way or the other. The file's removal is a courtesy to the
// user's storage quota (the service deletes files after 48 hours anyway),
// and its failure is no error.
func (e *Embedder) forget(ctx context.Context, j *batchJob) {
	if j.record != "" {
		os.Remove(j.record)
	}
	if j.file != "" {
		e.client.Files.Delete(ctx, j.file, nil)
	}
}

// jobKey hashes what a job's answer depends on: the endpoint (a job
// recorded against the fake server is never resumed against Google), model,
// task type, dimensions and the texts.
func (e *Embedder) jobKey(texts []string) string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00%s\x00%d\x00", e.Endpoint(), e.model, e.taskType, e.dims)
	var n [8]byte
	for _, t := range texts {
		binary.LittleEndian.PutUint64(n[:], uint64(len(t)))
		h.Write(n[:])
		h.Write([]byte(t))
	}
	return hex.EncodeToString(h.Sum(nil))
}

func readRecord(name string) (batchRecord, bool) {
	var rec batchRecord
	b, err := os.ReadFile(name)
	if err != nil || json.Unmarshal(b, &rec) != nil || (rec.Name == "" && rec.File == "") {
		return rec, false
	}
	return rec, true
}

// batchVectors checks a succeeded job's answers and returns its vectors.
func (e *Embedder) batchVectors(job *genai.BatchJob, sp span) ([][]float32, error) {
	n := sp.end - sp.start
	if job.Dest == nil {
		return nil, &AnswerError{fmt.Sprintf("batch job %s succeeded without any output", job.Name)}
	}
	resps := job.Dest.InlinedEmbedContentResponses
	if len(resps) == 0 && len(job.Dest.InlinedResponses) > 0 {
		// Every request failed: the SDK files the answers as generation ones.
		for i, r := range job.Dest.InlinedResponses {
			if r != nil && r.Error != nil {
				return nil, fmt.Errorf("the service refused text %d of the job: %s", sp.start+i, clip(r.Error.Message))
			}
		}
	}
	emb := &genai.EmbedContentResponse{}
	for i, r := range resps {
		if r == nil {
			continue
		}
		if r.Error != nil {
			return nil, fmt.Errorf("the service refused text %d of the batch job: %s", sp.start+i, clip(r.Error.Message))
		}
		if r.Response == nil || r.Response.Embedding == nil {
			return nil, &AnswerError{fmt.Sprintf("batch job %s sent no embedding for text %d", job.Name, sp.start+i)}
		}
		emb.Embeddings = append(emb.Embeddings, r.Response.Embedding)
	}
	return e.vectors(emb, n)
}

// fileLine is one line of a job's result file. The API reference says
// the file holds one EmbedContentResponse a line, in the order of the
// requests (EmbedContentBatchOutput.responses_file); the Batch API guide
// says each line of a result file carries the request's key and either its
// response or an error status. Both are read: by key when the lines have
// keys, else in order.
// The types are the SDK's (InlinedEmbedContentResponse) but for the token
// count, left out: proto's JSON writes it as a string or a number.
type fileLine struct {
	Key      *string `json:"key"`
	Response *struct {
		Embedding *genai.ContentEmbedding `json:"embedding"`
	} `json:"response"`
	Error *struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
	Embedding *genai.ContentEmbedding `json:"embedding"` // a bare EmbedContentResponse
}

// fileVectors checks a result file's answers and returns the vectors of
// texts sp, in order.
func (e *Embedder) fileVectors(data []byte, job *genai.BatchJob, sp span) ([][]float32, error) {
	n := sp.end - sp.start
	embs := make([]*genai.ContentEmbedding, n)
	dec := json.NewDecoder(bytes.NewReader(data))
	for line := 0; ; line++ {
		var l fileLine
		err := dec.Decode(&l)
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, answerErrorf("line %d of the result file %s of batch job %s is not JSON: %v (%s)", line+1, job.Dest.FileName, job.Name, err, clip(string(data[min(dec.InputOffset(), int64(len(data))):])))
		}
		i := line
		if l.Key != nil {
			k, err := strconv.Atoi(*l.Key)
			if err != nil || k < 0 || k >= n {
				return nil, answerErrorf("line %d of the result file of batch job %s has the key %q, not one of the job's 0 to %d", line+1, job.Name, clip(*l.Key), n-1)
			}
			i = k
		}
		if i >= n {
			return nil, answerErrorf("the result file of batch job %s has more than the %d lines of its requests", job.Name, n)
		}
		if embs[i] != nil {
			return nil, answerErrorf("the result file of batch job %s answers text %d twice", job.Name, sp.start+i)
		}
		switch {
		case l.Error != nil:
			return nil, fmt.Errorf("the service refused text %d of the batch job: %s", sp.start+i, clip(l.Error.Message))
		case l.Response != nil && l.Response.Embedding != nil:
			embs[i] = l.Response.Embedding
		case l.Embedding != nil:
			embs[i] = l.Embedding
		default:
			return nil, answerErrorf("batch job %s sent no embedding for text %d (line %d of its result file)", job.Name, sp.start+i, line+1)
		}
	}
	for i, emb := range embs {
		if emb == nil {
			return nil, answerErrorf("the result file of batch job %s has no answer for text %d", job.Name, sp.start+i)
		}
	}
	return e.vectors(&genai.EmbedContentResponse{Embeddings: embs}, n)
}

func stateWord(s genai.JobState) string {
	switch s {
	case genai.JobStateFailed:
		return "in failure"
	case genai.JobStateCancelled:
		return "cancelled"
	case genai.JobStateExpired:
		return "expired (the service gives a job 48 hours)"
	}
	return string(s)
}

func jobErrorText(job *genai.BatchJob) string {
	if job.Error != nil && job.Error.Message != "" {
		return " (" + clip(job.Error.Message) + ")"
	}
	return ""
}

func jobStates(jobs []*batchJob) string {
	count := map[genai.JobState]int{}
	var order []genai.JobState
	for _, j := range jobs {
		s := j.state
		if s == "" {
			s = genai.JobStatePending
		}
		if count[s] == 0 {
			order = append(order, s)
		}
		count[s]++
	}
	out := ""
	for i, s := range order {
		if i > 0 {
			out += ", "
		}
		out += fmt.Sprintf("%d %s", count[s], s)
	}
	return out
}

func cmpDur(d, def time.Duration) time.Duration {
	if d > 0 {
		return d
	}
	return def
}
