package geminitest

import (
	"encoding/json"
	"io"
	"math"
	"net/http"
	"strings"
	"testing"
)

func post(t *testing.T, url, key, body string) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	if key != "" {
		req.Header.Set("x-goog-api-key", key)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("answer %q: %v", b, err)
	}
	return resp.StatusCode, m
}

func batchBody(n int) string {
	var reqs []string
	for i := 0; i < n; i++ {
		reqs = append(reqs, `{"model":"models/gemini-embedding-001","content":{"parts":[{"text":"text"}]},"taskType":"CLASSIFICATION"}`)
	}
	return `{"requests":[` + strings.Join(reqs, ",") + `]}`
}

func TestRefusals(t *testing.T) {
	srv := NewServer(Options{APIKeys: []string{"good"}})
	defer srv.Close()
	url := srv.URL + "/v1beta/models/gemini-embedding-001:batchEmbedContents"
	for _, tc := range []struct {
		name, key, body, url string
		code                 int
		status, msg          string
	}{
		{"101 requests", "good", batchBody(101), url, 400, "INVALID_ARGUMENT", "at most 100 requests can be in one batch"},
		{"no key", "", batchBody(1), url, 403, "PERMISSION_DENIED", "unregistered callers"},
		{"wrong key", "bad", batchBody(1), url, 400, "INVALID_ARGUMENT", "API key not valid"},
		{"unknown model", "good", batchBody(1), srv.URL + "/v1beta/models/nope:batchEmbedContents", 404, "NOT_FOUND", "models/nope is not found"},
		{"empty text", "good", `{"requests":[{"model":"models/gemini-embedding-001","content":{"parts":[{"text":""}]}}]}`, url, 400, "INVALID_ARGUMENT", "required oneof field"},
		{"bad task", "good", `{"requests":[{"model":"models/gemini-embedding-001","content":{"parts":[{"text":"x"}]},"taskType":"SORT"}]}`, url, 400, "INVALID_ARGUMENT", "task_type"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, m := post(t, tc.url, tc.key, tc.body)
			e, _ := m["error"].(map[string]any)
			if code != tc.code || e == nil || e["status"] != tc.status || !strings.Contains(e["message"].(string), tc.msg) || e["code"].(float64) != float64(tc.code) {
				t.Fatalf("got %d %v, want %d %s %q", code, m, tc.code, tc.status, tc.msg)
			}
		})
	}
	if st := srv.Stats(); st.Refused != 6 || st.Texts != 0 || st.MaxBatch != 101 {
		t.Errorf("stats %+v", st)
	}
	if code, m := post(t, url, "good", batchBody(100)); code != 200 || len(m["embeddings"].([]any)) != 100 {
		t.Errorf("100 requests refused: %d", code)
	}
}

func cos(a, b []float32) float64 {
	var ab, aa, bb float64
	for i := range a {
		ab += float64(a[i]) * float64(b[i])
		aa += float64(a[i]) * float64(a[i])
		bb += float64(b[i]) * float64(b[i])
	}
	return ab / math.Sqrt(aa*bb)
}

func TestVectorMeaning(t *testing.T) {
	m := "gemini-embedding-001"
	space1 := Vector(m, "", "The shuttle launch put the satellite in orbit.", 0, 3072)
	space2 := Vector(m, "", "A satellite launched into orbit by the shuttle.", 0, 3072)
	crypto := Vector(m, "", "Encryption keys and the clipper chip escrow.", 0, 3072)
	if s, o := cos(space1, space2), cos(space1, crypto); s <= o+0.2 {
		t.Errorf("similar texts not closer: %.3f vs %.3f", s, o)
	}
	if math.Abs(cos(space1, space1)-1) > 1e-6 {
		t.Error("not deterministic")
	}
	short := Vector(m, "", "The shuttle launch put the satellite in orbit.", 128, 3072)
	for i := range short {
		if short[i] != space1[i] {
			t.Fatal("a truncated vector is not the prefix of the full one")
		}
	}
	s2 := Vector(m, "", "A satellite launched into orbit by the shuttle.", 128, 3072)
	if cos(short, s2) <= cos(short, Vector(m, "", "Encryption keys and the clipper chip escrow.", 128, 3072)) {
		t.Error("truncated vectors lost their meaning")
	}
	if other := Vector("text-embedding-004", "", "The shuttle launch put the satellite in orbit.", 0, 768); len(other) != 768 {
		t.Errorf("len %d", len(other))
	}
}
