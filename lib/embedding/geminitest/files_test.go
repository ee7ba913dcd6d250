package geminitest

import (
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
)

// do sends a request with the key and headers, and returns the answer.
func do(t *testing.T, method, url, body string, header map[string]string) (*http.Response, []byte) {
	t.Helper()
	req, _ := http.NewRequest(method, url, strings.NewReader(body))
	req.Header.Set("x-goog-api-key", "k")
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, b
}

// TestFileBatchWire walks the wire protocol the SDK speaks for a batch job
// from a file: the resumable upload in two chunks, the file's metadata,
// the job from the file going pending, running and succeeded, its result
// file downloaded by both download paths, and the deletes.
func TestFileBatchWire(t *testing.T) {
	srv := NewServer(Options{})
	defer srv.Close()
	lines := `{"key":"a","request":{"model":"models/gemini-embedding-001","content":{"parts":[{"text":"one"}]},"taskType":"CLASSIFICATION","outputDimensionality":4}}
{"key":"b","request":{"model":"models/gemini-embedding-001","content":{"parts":[{"text":""}]}}}
`
	resp, _ := do(t, http.MethodPost, srv.URL+"/upload/v1beta/files", `{"file":{"displayName":"in","mimeType":"jsonl"}}`,
		map[string]string{"X-Goog-Upload-Protocol": "resumable", "X-Goog-Upload-Command": "start", "X-Goog-Upload-Header-Content-Type": "jsonl"})
	up := resp.Header.Get("X-Goog-Upload-URL")
	if resp.StatusCode != 200 || resp.Header.Get("X-Goog-Upload-Status") != "active" || !strings.HasPrefix(up, srv.URL+"/upload/v1beta/files?upload_id=") {
		t.Fatalf("start: %d %v", resp.StatusCode, resp.Header)
	}
	half := len(lines) / 2
	resp, _ = do(t, http.MethodPost, up, lines[:half], map[string]string{"X-Goog-Upload-Command": "upload", "X-Goog-Upload-Offset": "0"})
	if resp.StatusCode != 200 || resp.Header.Get("X-Goog-Upload-Status") != "active" {
		t.Fatalf("first chunk: %d %v", resp.StatusCode, resp.Header)
	}
	if resp, _ := do(t, http.MethodPost, up, lines[half:], map[string]string{"X-Goog-Upload-Command": "upload, finalize", "X-Goog-Upload-Offset": "1"}); resp.StatusCode != 400 {
		t.Fatalf("a chunk at the wrong offset: %d", resp.StatusCode)
	}
	resp, b := do(t, http.MethodPost, up, lines[half:], map[string]string{"X-Goog-Upload-Command": "upload, finalize", "X-Goog-Upload-Offset": strconv.Itoa(half)})
	var fin struct {
		File struct{ Name, MimeType, SizeBytes, State, DownloadURI string }
	}
	if err := json.Unmarshal(b, &fin); err != nil || resp.Header.Get("X-Goog-Upload-Status") != "final" || fin.File.State != "ACTIVE" ||
		fin.File.SizeBytes != strconv.Itoa(len(lines)) || fin.File.MimeType != "jsonl" || !strings.HasPrefix(fin.File.Name, "files/") {
		t.Fatalf("finalize: %v %s %v", resp.Header, b, err)
	}
	name := fin.File.Name
	if resp, b := do(t, http.MethodGet, srv.URL+"/v1beta/"+name, "", nil); resp.StatusCode != 200 || !strings.Contains(string(b), `"state":"ACTIVE"`) {
		t.Fatalf("get: %d %s", resp.StatusCode, b)
	}

	resp, b = do(t, http.MethodPost, srv.URL+"/v1beta/models/gemini-embedding-001:asyncBatchEmbedContent",
		`{"batch":{"displayName":"j","inputConfig":{"file_name":"`+name+`"}}}`, nil)
	var op struct {
		Name     string
		Done     bool
		Metadata struct {
			State  string
			Output struct{ ResponsesFile string }
		}
		Response struct{ ResponsesFile string }
	}
	if err := json.Unmarshal(b, &op); err != nil || resp.StatusCode != 200 || op.Metadata.State != BatchPending {
		t.Fatalf("create: %d %s", resp.StatusCode, b)
	}
	var states []string
	for range 3 {
		_, b = do(t, http.MethodGet, srv.URL+"/v1beta/"+op.Name, "", nil)
		json.Unmarshal(b, &op)
		states = append(states, op.Metadata.State)
	}
	if strings.Join(states, " ") != BatchPending+" "+BatchRunning+" "+BatchSucceeded || !op.Done ||
		op.Metadata.Output.ResponsesFile == "" || op.Response.ResponsesFile != op.Metadata.Output.ResponsesFile {
		t.Fatalf("states %v, last %s", states, b)
	}
	out := op.Metadata.Output.ResponsesFile
	for _, path := range []string{"/v1beta/" + out + ":download?alt=media", "/download/v1beta/" + out + ":download?alt=media"} {
		resp, b = do(t, http.MethodGet, srv.URL+path, "", nil)
		got := strings.Split(strings.TrimSpace(string(b)), "\n")
		var first struct {
			Key      string
			Response struct{ Embedding struct{ Values []float32 } }
		}
		if resp.StatusCode != 200 || len(got) != 2 || json.Unmarshal([]byte(got[0]), &first) != nil || first.Key != "a" ||
			len(first.Response.Embedding.Values) != 4 || !strings.Contains(got[1], `"key":"b"`) || !strings.Contains(got[1], `"error":{"code":3`) {
			t.Fatalf("download %s: %d %s", path, resp.StatusCode, b)
		}
	}
	if st := srv.Stats(); st.FileUploads != 1 || st.Downloads != 2 || st.BatchCreates != 1 {
		t.Errorf("stats %+v", st)
	}
	for _, f := range []string{name, out} {
		if resp, _ := do(t, http.MethodDelete, srv.URL+"/v1beta/"+f, "", nil); resp.StatusCode != 200 {
			t.Errorf("delete %s: %d", f, resp.StatusCode)
		}
	}
	if resp, b := do(t, http.MethodGet, srv.URL+"/v1beta/"+name, "", nil); resp.StatusCode != 404 || !strings.Contains(string(b), "NOT_FOUND") {
		t.Errorf("get after delete: %d %s", resp.StatusCode, b)
	}
	if resp, _ := do(t, http.MethodPost, srv.URL+"/v1beta/models/gemini-embedding-001:asyncBatchEmbedContent",
		`{"batch":{"inputConfig":{"file_name":"`+name+`"}}}`, nil); resp.StatusCode != 404 {
		t.Errorf("a job from a deleted file: %d", resp.StatusCode)
	}
	if len(srv.Files()) != 0 {
		t.Errorf("files left: %v", srv.Files())
	}
}
