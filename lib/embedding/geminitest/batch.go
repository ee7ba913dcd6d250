package geminitest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// MaxInlineBatchBytes is the largest asyncBatchEmbedContent request body
// with inlined requests the fake accepts, as the service's 20 MB limit on
// a request.
const MaxInlineBatchBytes = 20 << 20

// Batch job states, as the Gemini API spells them on the wire.
const (
	BatchPending   = "BATCH_STATE_PENDING"
	BatchRunning   = "BATCH_STATE_RUNNING"
	BatchSucceeded = "BATCH_STATE_SUCCEEDED"
	BatchFailed    = "BATCH_STATE_FAILED"
	BatchCancelled = "BATCH_STATE_CANCELLED"
	BatchExpired   = "BATCH_STATE_EXPIRED"
)

// batchJob is one Batch API job of the fake.
type batchJob struct {
	name, model, displayName string
	state                    string
	polls                    int // GETs so far
	created                  time.Time
	requests                 []embedRequest
	keys                     []string // the requests' keys, for a job from a file
	input                    string   // the input file, "" for inlined requests
	output                   string   // the result file, once written
	end                      string   // the state it ends in
}

// SetBatchEnd makes the batch jobs created from now on end in state
// (BatchSucceeded, the default, BatchFailed or BatchExpired) once they have
// been polled BatchPolls times.
func (s *Server) SetBatchEnd(state string) {
	s.mu.Lock()
	s.batchEnd = state
	s.mu.Unlock()
}

// BatchJobs returns the names of the batch jobs created, in order.
func (s *Server) BatchJobs() []string {
	return namesOf(s, &s.jobs, func(j *batchJob) string { return j.name })
}

// namesOf returns the names of *items, read under s.mu.
func namesOf[T any](s *Server, items *[]T, name func(T) string) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for _, x := range *items {
		out = append(out, name(x))
	}
	return out
}

// serveBatch routes the Batch API: POST models/{m}:asyncBatchEmbedContent,
// GET batches/{id}, POST batches/{id}:cancel. It returns false for other
// paths.
func (s *Server) serveBatch(w http.ResponseWriter, r *http.Request) bool {
	path := r.URL.Path
	switch {
	case r.Method == http.MethodPost && strings.HasPrefix(path, "/v1beta/models/") && strings.HasSuffix(path, ":asyncBatchEmbedContent"):
		if s.auth(w, r) {
			s.createBatch(w, r, strings.TrimSuffix(strings.TrimPrefix(path, "/v1beta/"), ":asyncBatchEmbedContent"))
		}
	case r.Method == http.MethodGet && strings.HasPrefix(path, "/v1beta/batches/"):
		if s.auth(w, r) {
			s.batchOp(w, strings.TrimPrefix(path, "/v1beta/"), false)
		}
	case r.Method == http.MethodPost && strings.HasPrefix(path, "/v1beta/batches/") && strings.HasSuffix(path, ":cancel"):
		if s.auth(w, r) {
			s.batchOp(w, strings.TrimSuffix(strings.TrimPrefix(path, "/v1beta/"), ":cancel"), true)
		}
	default:
		return false
	}
	return true
}

func (s *Server) createBatch(w http.ResponseWriter, r *http.Request, model string) {
	s.batchCreates.Add(1)
	m, ok := s.model(model)
	if !ok || m.Dims == 0 {
		s.refused.Add(1)
		writeError(w, http.StatusNotFound, "NOT_FOUND", fmt.Sprintf("%s is not found for API version v1beta, or is not supported for asyncBatchEmbedContent.", model), nil)
		return
	}
	var body []byte
	buf := make([]byte, 32<<10)
	for {
		n, err := r.Body.Read(buf)
		body = append(body, buf[:n]...)
		if len(body) > MaxInlineBatchBytes {
			s.refused.Add(1)
			writeError(w, http.StatusBadRequest, "INVALID_ARGUMENT", fmt.Sprintf("Request payload size exceeds the limit: %d bytes.", MaxInlineBatchBytes), nil)
			return
		}
		if err != nil {
			break
		}
	}
	var req struct {
		Batch struct {
			DisplayName string `json:"displayName"`
			InputConfig struct {
				FileName string `json:"file_name"`
				Requests struct {
					Requests []struct {
						Request embedRequest `json:"request"`
					} `json:"requests"`
				} `json:"requests"`
			} `json:"inputConfig"`
		} `json:"batch"`
	}
	if err := json.Unmarshal(body, &req); err != nil {
		s.refused.Add(1)
		writeError(w, http.StatusBadRequest, "INVALID_ARGUMENT", "Invalid JSON payload received. "+err.Error(), nil)
		return
	}
	in := req.Batch.InputConfig
	var (
		keys []string
		reqs []embedRequest
	)
	if in.FileName != "" {
		s.mu.Lock()
		f := s.file(in.FileName)
		s.mu.Unlock()
		if f == nil {
			s.refused.Add(1)
			writeError(w, http.StatusNotFound, "NOT_FOUND", fmt.Sprintf("File %s not found.", in.FileName), nil)
			return
		}
		var msg string
		if keys, reqs, msg = fileRequests(f); msg != "" {
			s.refused.Add(1)
			writeError(w, http.StatusBadRequest, "INVALID_ARGUMENT", msg, nil)
			return
		}
	}
	for _, rr := range in.Requests.Requests {
		reqs = append(reqs, rr.Request)
	}
	if len(reqs) == 0 {
		s.refused.Add(1)
		writeError(w, http.StatusBadRequest, "INVALID_ARGUMENT", "* BatchEmbedContentsRequest.batch.input_config: requests must not be empty\n", nil)
		return
	}
	s.noteBatch(len(reqs))
	s.mu.Lock()
	j := &batchJob{
		name: "batches/" + strconv.Itoa(len(s.jobs)+1) + "fake" + strconv.FormatInt(s.opts.Now().UnixNano()%1e6, 36), model: m.Name,
		displayName: req.Batch.DisplayName, state: BatchPending, created: s.opts.Now(), end: s.batchEnd,
		requests: reqs, keys: keys, input: in.FileName,
	}
	if j.end == "" {
		j.end = BatchSucceeded
	}
	s.jobs = append(s.jobs, j)
	out := s.batchJSON(j, m)
	s.mu.Unlock()
	writeJSON(w, out)
}

// batchOp answers a GET or a cancel of a job, moving it along its states:
// pending on the first poll, running until the BatchPolls-th, then its end.
func (s *Server) batchOp(w http.ResponseWriter, name string, cancel bool) {
	s.batchPolls.Add(1)
	s.mu.Lock()
	defer s.mu.Unlock()
	var j *batchJob
	for _, k := range s.jobs {
		if k.name == name {
			j = k
		}
	}
	if j == nil {
		s.refused.Add(1)
		writeError(w, http.StatusNotFound, "NOT_FOUND", fmt.Sprintf("Batch %s not found.", name), nil)
		return
	}
	m, _ := s.model(j.model)
	done := j.state == BatchSucceeded || j.state == BatchFailed || j.state == BatchCancelled || j.state == BatchExpired
	switch {
	case cancel && !done:
		j.state = BatchCancelled
		w.Header().Set("Content-Type", "application/json; charset=UTF-8")
		w.Write([]byte("{}\n"))
		return
	case cancel:
		writeError(w, http.StatusBadRequest, "FAILED_PRECONDITION", "The batch is already done.", nil)
		return
	case !done:
		j.polls++
		polls := s.opts.BatchPolls
		if polls <= 0 {
			polls = 3
		}
		switch {
		case j.polls >= polls:
			j.state = j.end
			if j.end == BatchSucceeded {
				s.texts.Add(int64(len(j.requests)))
			}
		case j.polls > 1:
			j.state = BatchRunning
		}
	}
	writeJSON(w, s.batchJSON(j, m))
}

// batchJSON returns the job as the service sends it: a long-running
// operation whose metadata is the batch, with the inlined responses once
// it succeeded. s.mu is held.
func (s *Server) batchJSON(j *batchJob, m Model) map[string]any {
	meta := map[string]any{
		"@type":       "type.googleapis.com/google.ai.generativelanguage.v1beta.EmbedContentBatch",
		"model":       j.model,
		"name":        j.name,
		"displayName": j.displayName,
		"state":       j.state,
		"createTime":  j.created.UTC().Format(time.RFC3339Nano),
		"updateTime":  s.opts.Now().UTC().Format(time.RFC3339Nano),
		"batchStats":  map[string]any{"requestCount": strconv.Itoa(len(j.requests))},
	}
	op := map[string]any{"name": j.name, "metadata": meta}
	switch j.state {
	case BatchSucceeded:
		resps := s.batchResponses(j, m)
		var output map[string]any
		if j.input != "" {
			if j.output == "" {
				j.output = s.writeResults(j, resps).name
			}
			output = map[string]any{"responsesFile": j.output}
		} else {
			output = map[string]any{"inlinedResponses": map[string]any{"inlinedResponses": resps}}
		}
		meta["output"] = output
		op["done"] = true
		resp := map[string]any{"@type": "type.googleapis.com/google.ai.generativelanguage.v1beta.EmbedContentBatchOutput"}
		for k, v := range output {
			resp[k] = v
		}
		op["response"] = resp
	case BatchFailed, BatchCancelled, BatchExpired:
		op["done"] = true
		if j.state == BatchFailed {
			op["error"] = map[string]any{"code": 13, "message": "The batch failed: internal error while processing (geminitest)."}
		}
	}
	return op
}

// batchResponses answers a job's requests: an embedding, or the error the
// service gives a bad request. s.mu is held.
func (s *Server) batchResponses(j *batchJob, m Model) []map[string]any {
	var resps []map[string]any
	for i, r := range j.requests {
		text, msg := check(fmt.Sprintf("requests[%d].request", i), r, m)
		if msg != "" {
			resps = append(resps, map[string]any{"error": map[string]any{"code": 3, "message": msg}})
			continue
		}
		resps = append(resps, map[string]any{"response": map[string]any{
			"embedding":  values{Vector(m.Name, r.TaskType, text, r.OutputDimensionality, m.Dims)},
			"tokenCount": strconv.Itoa((len(text) + 3) / 4),
		}})
	}
	return resps
}

// writeResults stores a file job's result file: JSON Lines, one a request
// in the order of the input file, each with the request's key and its
// response or error, as the Batch API guide describes result files (and
// as the SDK's InlinedEmbedContentResponse types them). s.mu is held.
func (s *Server) writeResults(j *batchJob, resps []map[string]any) *storedFile {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	for i, r := range resps {
		r["key"] = j.keys[i]
		enc.Encode(r)
	}
	return s.store("files/batch-"+strings.TrimPrefix(j.name, "batches/"), "", "application/jsonl", buf.Bytes())
}
