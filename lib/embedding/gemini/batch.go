package gemini

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/embedclassify/embedclassify/internal/atomicfile"
	"google.golang.org/genai"
)

// MaxInlineBytes is the most text bytes put in one Batch API job with
// inlined requests: the service takes requests of up to 20 MB, and each
// text travels with some JSON around it. Larger inputs are split into
// several jobs.
const MaxInlineBytes = 16 << 20

// maxInlineBytes is MaxInlineBytes; tests lower it.
var maxInlineBytes = MaxInlineBytes

// DefaultBatchPoll is the time between two polls of a batch job.
const DefaultBatchPoll = 10 * time.Second

// batchRecord is the file that keeps a submitted job's name, so that a run
// cut off resumes polling it instead of paying again.
type batchRecord struct {
	Name     string    `json:"name"`
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
	key    string // hash of everything the job's answer depends on
	name   string
	state  genai.JobState
	polls  int
	record string // the record's file, "" without BatchDir
}

// embedBatchMode embeds texts (already cut) through the Batch API, in jobs
// of at most MaxInlineBytes, resuming jobs recorded in BatchDir, and
// yields each job's vectors as it succeeds.
func (e *Embedder) embedBatchMode(ctx context.Context, sent []string, r *run, yield func(start int, vecs [][]float32) error) error {
	if e.vertex {
		return errors.New("gemini: the Batch API mode works with the Gemini API only, not Vertex AI")
	}
	var jobs []*batchJob
	cur := span{}
	for i, t := range sent {
		if i > cur.start && cur.tokens+len(t) > maxInlineBytes {
			cur.end = i
			jobs = append(jobs, &batchJob{sp: cur})
			cur = span{start: i}
		}
		cur.tokens += len(t)
	}
	cur.end = len(sent)
	jobs = append(jobs, &batchJob{sp: cur})

	for _, j := range jobs {
		j.key = e.jobKey(sent[j.sp.start:j.sp.end])
		if e.batchDir != "" {
			j.record = filepath.Join(e.batchDir, "gemini-batch-"+j.key[:24]+".json")
			if rec, ok := readRecord(j.record); ok {
				j.name = rec.Name
				r.note(fmt.Sprintf("resuming batch job %s (%d texts, submitted %s)", rec.Name, rec.Texts, rec.Created.Format(time.DateTime)))
				continue
			}
		}
		if err := e.submit(ctx, j, sent[j.sp.start:j.sp.end]); err != nil {
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
				return &Error{Start: j.sp.start, End: j.sp.end, Attempts: 1, Err: err, key: e.key, model: e.model}
			}
			j.polls++
			j.state = job.State
			switch job.State {
			case genai.JobStateSucceeded:
				vecs, err := e.batchVectors(job, j.sp)
				if err != nil {
					j.forget()
					return &Error{Start: j.sp.start, End: j.sp.end, Attempts: 1, Err: err, key: e.key, model: e.model}
				}
				e.texts.Add(int64(len(vecs)))
				if err := yield(j.sp.start, vecs); err != nil {
					return err
				}
				j.forget()
				pending--
				r.finished(len(vecs))
			case genai.JobStateFailed, genai.JobStateCancelled, genai.JobStateExpired:
				j.forget()
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

// submit creates the job for texts and records its name.
func (e *Embedder) submit(ctx context.Context, j *batchJob, texts []string) error {
	contents := make([]*genai.Content, len(texts))
	for i, t := range texts {
		contents[i] = &genai.Content{Parts: []*genai.Part{{Text: t}}}
	}
	cfg := &genai.EmbedContentConfig{TaskType: e.taskType}
	if e.dims != 0 {
		d := int32(e.dims)
		cfg.OutputDimensionality = &d
	}
	model := e.model
	e.requests.Add(1)
	job, err := e.client.Batches.CreateEmbeddings(ctx, &model, &genai.EmbeddingsBatchJobSource{
		InlinedRequests: &genai.EmbedContentBatch{Contents: contents, Config: cfg},
	}, &genai.CreateEmbeddingsBatchJobConfig{DisplayName: "embedclassify-" + j.key[:12]})
	if err != nil {
		return &Error{Start: j.sp.start, End: j.sp.end, Attempts: 1, Err: err, key: e.key, model: e.model}
	}
	if job.Name == "" {
		return &Error{Start: j.sp.start, End: j.sp.end, Attempts: 1, Err: &AnswerError{"the service created a batch job without a name"}, key: e.key, model: e.model}
	}
	j.name = job.Name
	if j.record != "" {
		rec := batchRecord{Name: job.Name, Model: e.model, Texts: len(texts), Start: j.sp.start, Created: time.Now().UTC(), TaskType: e.taskType, Dims: e.dims}
		b, _ := json.MarshalIndent(rec, "", "  ")
		if err := os.MkdirAll(e.batchDir, 0o755); err != nil {
			return fmt.Errorf("gemini: batch job %s was submitted, but its record cannot be kept: %w", job.Name, err)
		}
		if err := atomicfile.WriteFile(j.record, append(b, '\n')); err != nil {
			return fmt.Errorf("gemini: batch job %s was submitted, but its record cannot be kept: %w", job.Name, err)
		}
	}
	return nil
}

// forget removes the job's record: it ended, one way or the other.
func (j *batchJob) forget() {
	if j.record != "" {
		os.Remove(j.record)
	}
}

// jobKey hashes what a job's answer depends on: model, task type,
// dimensions and the texts.
func (e *Embedder) jobKey(texts []string) string {
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00%d\x00", e.model, e.taskType, e.dims)
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
	if err != nil || json.Unmarshal(b, &rec) != nil || rec.Name == "" {
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
