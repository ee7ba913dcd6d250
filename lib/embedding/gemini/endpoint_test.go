package gemini

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"google.golang.org/genai"
)

func TestEndpoint(t *testing.T) {
	t.Setenv("GOOGLE_GEMINI_BASE_URL", "")
	t.Setenv("GOOGLE_VERTEX_BASE_URL", "")
	tests := []struct {
		name string
		cc   genai.ClientConfig
		want string
	}{
		{"default", genai.ClientConfig{APIKey: "k", Backend: genai.BackendGeminiAPI},
			"gemini-api https://generativelanguage.googleapis.com/"},
		{"base URL", genai.ClientConfig{APIKey: "k", Backend: genai.BackendGeminiAPI, HTTPOptions: genai.HTTPOptions{BaseURL: "HTTP://127.0.0.1:8080"}},
			"gemini-api http://127.0.0.1:8080/"},
		{"credentials and query left out", genai.ClientConfig{APIKey: "k", Backend: genai.BackendGeminiAPI, HTTPOptions: genai.HTTPOptions{BaseURL: "https://user:secret@proxy.example/gemini?token=secret#x"}},
			"gemini-api https://proxy.example/gemini/"},
		{"vertex", genai.ClientConfig{Backend: genai.BackendVertexAI, Project: "p", Location: "europe-west4", HTTPClient: &http.Client{}, HTTPOptions: genai.HTTPOptions{BaseURL: "https://europe-west4-aiplatform.googleapis.com/"}},
			"vertex-ai location=europe-west4 https://europe-west4-aiplatform.googleapis.com/"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, err := New(context.Background(), Config{ClientConfig: tt.cc})
			if err != nil {
				t.Fatal(err)
			}
			got := e.Endpoint()
			if got != tt.want {
				t.Errorf("Endpoint() = %q, want %q", got, tt.want)
			}
			if strings.Contains(got, "secret") {
				t.Errorf("Endpoint() %q holds a secret", got)
			}
		})
	}
	if got := endpointURL("::not a url@secret"); strings.Contains(got, "secret") {
		t.Errorf("endpointURL of a bad URL = %q, holds the secret", got)
	}
}

// TestJobKeyHoldsEndpoint: a batch job recorded against one endpoint (the
// fake server) is never resumed against another, for the same texts.
func TestJobKeyHoldsEndpoint(t *testing.T) {
	t.Setenv("GOOGLE_GEMINI_BASE_URL", "")
	key := func(base string, dims int) string {
		cc := genai.ClientConfig{APIKey: "k", Backend: genai.BackendGeminiAPI, HTTPOptions: genai.HTTPOptions{BaseURL: base}}
		e, err := New(context.Background(), Config{ClientConfig: cc, Dims: dims})
		if err != nil {
			t.Fatal(err)
		}
		return e.jobKey([]string{"orbit", "rash"})
	}
	google, fake := key("", 768), key("http://127.0.0.1:8089", 768)
	if google == fake {
		t.Error("the same job key for Google and for the fake server")
	}
	if key("", 768) != google {
		t.Error("the job key is not stable")
	}
	if key("", 1536) == google {
		t.Error("the same job key for 768 and 1536 dimensions")
	}
}
