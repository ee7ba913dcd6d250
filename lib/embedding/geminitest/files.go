package geminitest

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// MaxFileBytes is the largest file the Files API stores: 2 GB.
const MaxFileBytes = 2 << 30

// storedFile is a file of the fake's Files API.
type storedFile struct {
	name, displayName, mimeType string
	data                        []byte
	created                     time.Time
}

// upload is a resumable upload in progress.
type upload struct {
	displayName, mimeType string
	data                  []byte
}

// Files returns the names of the files stored (uploaded, or written by
// batch jobs), in the order they were made.
func (s *Server) Files() []string {
	return namesOf(s, &s.files, func(f *storedFile) string { return f.name })
}

// FailDownloads makes the next n file downloads fail with 503, as a
// service having a bad moment.
func (s *Server) FailDownloads(n int) {
	s.mu.Lock()
	s.failDownloads = n
	s.mu.Unlock()
}

// serveFiles routes the Files API as the SDK speaks it: the resumable
// upload (POST /upload/v1beta/files with X-Goog-Upload-Protocol:
// resumable and X-Goog-Upload-Command: start, then POSTs of the bytes to
// the X-Goog-Upload-URL it answers, the last with "upload, finalize"), GET
// and DELETE /v1beta/files/{id}, and the download, GET
// [/download]/v1beta/files/{id}:download?alt=media. It returns false for
// other paths.
func (s *Server) serveFiles(w http.ResponseWriter, r *http.Request) bool {
	path := r.URL.Path
	switch {
	case r.Method == http.MethodPost && path == "/upload/v1beta/files":
		if s.auth(w, r) {
			s.uploadFile(w, r)
		}
	case r.Method == http.MethodGet && strings.HasSuffix(path, ":download") &&
		(strings.HasPrefix(path, "/v1beta/files/") || strings.HasPrefix(path, "/download/v1beta/files/")):
		if s.auth(w, r) {
			s.downloadFile(w, r, "files/"+strings.TrimSuffix(path[strings.Index(path, "/files/")+len("/files/"):], ":download"))
		}
	case (r.Method == http.MethodGet || r.Method == http.MethodDelete) && strings.HasPrefix(path, "/v1beta/files/"):
		if s.auth(w, r) {
			s.fileOp(w, r, strings.TrimPrefix(path, "/v1beta/"))
		}
	default:
		return false
	}
	return true
}

// uploadFile serves the steps of a resumable upload.
func (s *Server) uploadFile(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("X-Goog-Upload-Protocol") != "resumable" && r.URL.Query().Get("upload_protocol") != "resumable" {
		s.refused.Add(1)
		writeError(w, http.StatusBadRequest, "INVALID_ARGUMENT", "geminitest: only the resumable upload protocol is served (X-Goog-Upload-Protocol: resumable)", nil)
		return
	}
	cmd := r.Header.Get("X-Goog-Upload-Command")
	if cmd == "start" {
		var req struct {
			File struct {
				Name        string `json:"name"`
				DisplayName string `json:"displayName"`
				MIMEType    string `json:"mimeType"`
			} `json:"file"`
		}
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil && err != io.EOF {
			s.refused.Add(1)
			writeError(w, http.StatusBadRequest, "INVALID_ARGUMENT", "Invalid JSON payload received. "+err.Error(), nil)
			return
		}
		mime := req.File.MIMEType
		if mime == "" {
			mime = r.Header.Get("X-Goog-Upload-Header-Content-Type")
		}
		s.mu.Lock()
		s.uploadSeq++
		id := "up" + strconv.Itoa(s.uploadSeq)
		s.uploads[id] = &upload{displayName: req.File.DisplayName, mimeType: mime}
		s.mu.Unlock()
		w.Header().Set("X-Goog-Upload-URL", s.URL+"/upload/v1beta/files?upload_id="+id+"&upload_protocol=resumable")
		w.Header().Set("X-Goog-Upload-Status", "active")
		w.Header().Set("X-Goog-Upload-Chunk-Granularity", strconv.Itoa(256<<10))
		w.WriteHeader(http.StatusOK)
		return
	}
	id := r.URL.Query().Get("upload_id")
	s.mu.Lock()
	up := s.uploads[id]
	s.mu.Unlock()
	if up == nil || !strings.HasPrefix(cmd, "upload") {
		s.refused.Add(1)
		writeError(w, http.StatusBadRequest, "INVALID_ARGUMENT", fmt.Sprintf("geminitest: no upload %q in progress, or command %q is not served", id, cmd), nil)
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, MaxFileBytes+1))
	if err != nil {
		return
	}
	off, err := strconv.Atoi(r.Header.Get("X-Goog-Upload-Offset"))
	s.mu.Lock()
	defer s.mu.Unlock()
	if err != nil || off != len(up.data) {
		s.refused.Add(1)
		writeError(w, http.StatusBadRequest, "INVALID_ARGUMENT", fmt.Sprintf("geminitest: upload offset %q, but %d bytes were received", r.Header.Get("X-Goog-Upload-Offset"), len(up.data)), nil)
		return
	}
	up.data = append(up.data, body...)
	if len(up.data) > MaxFileBytes {
		delete(s.uploads, id)
		s.refused.Add(1)
		writeError(w, http.StatusBadRequest, "INVALID_ARGUMENT", "The file is larger than the 2 GB allowed.", nil)
		return
	}
	if !strings.Contains(cmd, "finalize") {
		w.Header().Set("X-Goog-Upload-Status", "active")
		w.WriteHeader(http.StatusOK)
		return
	}
	delete(s.uploads, id)
	f := s.store(fmt.Sprintf("files/%s%d", strings.ToLower(strconv.FormatInt(s.opts.Now().UnixNano()%1e9, 36)), len(s.files)+1), up.displayName, up.mimeType, up.data)
	s.uploaded.Add(1)
	w.Header().Set("X-Goog-Upload-Status", "final")
	writeJSON(w, map[string]any{"file": s.fileJSON(f)})
}

// store keeps a file. s.mu is held.
func (s *Server) store(name, displayName, mimeType string, data []byte) *storedFile {
	f := &storedFile{name: name, displayName: displayName, mimeType: mimeType, data: data, created: s.opts.Now()}
	s.files = append(s.files, f)
	return f
}

// file returns the stored file name, or nil. s.mu is held.
func (s *Server) file(name string) *storedFile {
	for _, f := range s.files {
		if f.name == name {
			return f
		}
	}
	return nil
}

// fileJSON is the File resource as the service sends it. s.mu is held.
func (s *Server) fileJSON(f *storedFile) map[string]any {
	sum := sha256.Sum256(f.data)
	return map[string]any{
		"name":           f.name,
		"displayName":    f.displayName,
		"mimeType":       f.mimeType,
		"sizeBytes":      strconv.Itoa(len(f.data)),
		"createTime":     f.created.UTC().Format(time.RFC3339Nano),
		"updateTime":     f.created.UTC().Format(time.RFC3339Nano),
		"expirationTime": f.created.Add(48 * time.Hour).UTC().Format(time.RFC3339Nano),
		"sha256Hash":     base64.StdEncoding.EncodeToString(sum[:]),
		"uri":            s.URL + "/v1beta/" + f.name,
		"downloadUri":    s.URL + "/download/v1beta/" + f.name + ":download?alt=media",
		"state":          "ACTIVE",
		"source":         "UPLOADED",
	}
}

// fileOp answers a GET or a DELETE of a file.
func (s *Server) fileOp(w http.ResponseWriter, r *http.Request, name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f := s.file(name)
	if f == nil {
		s.refused.Add(1)
		writeError(w, http.StatusNotFound, "NOT_FOUND", fmt.Sprintf("File %s not found.", name), nil)
		return
	}
	if r.Method == http.MethodDelete {
		for i, g := range s.files {
			if g == f {
				s.files = append(s.files[:i], s.files[i+1:]...)
				break
			}
		}
		writeJSON(w, map[string]any{})
		return
	}
	writeJSON(w, s.fileJSON(f))
}

// downloadFile sends a file's bytes.
func (s *Server) downloadFile(w http.ResponseWriter, r *http.Request, name string) {
	if r.URL.Query().Get("alt") != "media" {
		s.refused.Add(1)
		writeError(w, http.StatusBadRequest, "INVALID_ARGUMENT", "geminitest: a download needs alt=media", nil)
		return
	}
	s.mu.Lock()
	f := s.file(name)
	fail := s.failDownloads > 0
	if fail {
		s.failDownloads--
	}
	s.mu.Unlock()
	if f == nil {
		s.refused.Add(1)
		writeError(w, http.StatusNotFound, "NOT_FOUND", fmt.Sprintf("File %s not found.", name), nil)
		return
	}
	if fail {
		s.faultsServed.Add(1)
		serveFault(w, Fault{Status: http.StatusServiceUnavailable})
		return
	}
	s.downloads.Add(1)
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Header().Set("Content-Length", strconv.Itoa(len(f.data)))
	io.Copy(w, bytes.NewReader(f.data))
}

// fileRequests reads a batch job's input file: JSON Lines of
// {"key": ..., "request": EmbedContentRequest}.
func fileRequests(f *storedFile) (keys []string, reqs []embedRequest, msg string) {
	dec := json.NewDecoder(bytes.NewReader(f.data))
	for line := 1; ; line++ {
		var l struct {
			Key     string       `json:"key"`
			Request embedRequest `json:"request"`
		}
		err := dec.Decode(&l)
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, nil, fmt.Sprintf("Line %d of the input file %s is not a valid request: %v", line, f.name, err)
		}
		keys = append(keys, l.Key)
		reqs = append(reqs, l.Request)
	}
	if len(reqs) == 0 {
		return nil, nil, fmt.Sprintf("The input file %s holds no requests.", f.name)
	}
	return keys, reqs, ""
}
