package lesson

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"html/template"
	"os"
	"strings"

	"github.com/embedclassify/embedclassify/lib/embedding"
	"github.com/embedclassify/embedclassify/lib/embedding/gemini"
	"github.com/embedclassify/embedclassify/lib/embedding/lsa"
	"github.com/embedclassify/embedclassify/lib/embedding/selector"
	"github.com/embedclassify/embedclassify/lib/frame"
	"github.com/embedclassify/embedclassify/lib/notebook"
	"github.com/embedclassify/embedclassify/lib/tutorial"
)

// Embedder is the embedder the frames are embedded with, as a step's
// value: Gemini's settings, or the offline embedder fitted on the training
// texts. Its String is the announcement of the choice (never the key).
type Embedder struct {
	Kind         string // selector.KindGemini or selector.KindLocal
	Model        string // the embedder's model name
	TaskType     string // Gemini's task type
	Dims         int    // the vector length asked for (0: the model's own)
	LSA          []byte // the offline embedder, as selector.Local.Save writes it
	Announcement string
}

func (e *Embedder) String() string { return e.Announcement }

// HTML shows the announcement in a note box.
func (e *Embedder) HTML() string { return notebook.NoticeHTML("Note", e.Announcement) }

// open makes the live embedder, reporting progress to progress. Gemini
// vectors are cached on disk (embedding.DefaultCacheDir).
func (e *Embedder) open(ctx context.Context, progress embedding.ProgressFunc) (embedding.Embedder, error) {
	if e.Kind == selector.KindLocal {
		return selector.LoadLocal(ctx, bytes.NewReader(e.LSA), progress)
	}
	emb, _, err := selector.Select(ctx, selector.Config{
		Kind: selector.KindGemini, Model: e.Model, TaskType: e.TaskType, Dims: e.Dims,
		CacheDir: embedding.DefaultCacheDir(), Progress: progress,
	}, nil)
	return emb, err
}

// geminiSettings identifies the Gemini endpoint the environment points
// to, without the key: whether one is configured, the base URL, and
// Vertex AI's project and location.
func geminiSettings() []string {
	s := []string{fmt.Sprint(gemini.Configured())}
	for _, k := range []string{"GOOGLE_GEMINI_BASE_URL", "GOOGLE_GENAI_USE_VERTEXAI", "GOOGLE_CLOUD_PROJECT", "GOOGLE_CLOUD_LOCATION"} {
		s = append(s, k+"="+os.Getenv(k))
	}
	return s
}

// embedderSettings are the settings of a selector.Config that decide the
// vectors, as a step's key reads them (the client and transport settings,
// whose fields it cannot read, do not change the vectors).
type embedderSettings struct {
	Kind, Model, TaskType, BaseURL string
	Dims                           int
	Local                          lsa.Config
}

func settingsOf(cfg selector.Config) embedderSettings {
	return embedderSettings{Kind: cfg.Kind, Model: cfg.Model, TaskType: cfg.TaskType, BaseURL: cfg.BaseURL, Dims: cfg.Dims, Local: cfg.Local}
}

// NewEmbedder chooses the embedder cfg asks for (see selector.Select):
// Gemini when a key is configured, the offline TF-IDF + LSA embedder
// otherwise, fitted on the texts of train. Show it to read which.
func NewEmbedder(cfg selector.Config, train Frame) *notebook.Value[*Embedder] {
	return notebook.Step("choosing the embedder", func(ctx context.Context) (*Embedder, error) {
		kind := strings.ToLower(cfg.Kind)
		if kind == "" || kind == selector.KindAuto {
			kind = selector.KindLocal
			if gemini.Configured() {
				kind = selector.KindGemini
			}
		}
		c := cfg
		c.Kind = kind
		var texts []string
		if kind == selector.KindLocal {
			f, err := train.Result()
			if err != nil {
				return nil, err
			}
			texts = f.Text
		} else {
			c.CacheDir = embedding.DefaultCacheDir()
		}
		emb, msg, err := selector.Select(ctx, c, texts)
		if err != nil {
			return nil, err
		}
		e := &Embedder{Kind: kind, Model: emb.Model(), TaskType: c.TaskType, Dims: c.Dims, Announcement: msg}
		if l, ok := emb.(*selector.Local); ok {
			var b bytes.Buffer
			if err := l.Save(&b); err != nil {
				return nil, err
			}
			e.LSA = b.Bytes()
		}
		return e, nil
	}, settingsOf(cfg), train, geminiSettings())
}

// CreateEmbeddings returns df with an Embeddings column holding emb's
// vector of every text, as the tutorial's create_embeddings does, with a
// progress bar. Interrupting the cell stops it; Gemini vectors already
// received are kept on disk, so running the cell again asks only for the
// rest.
func CreateEmbeddings(emb *notebook.Value[*Embedder], df Frame) Frame {
	return notebook.Step("embedding the posts", func(ctx context.Context) (*frame.Frame, error) {
		e, f, err := notebook.Results(emb, df)
		if err != nil {
			return nil, err
		}
		bar := notebook.NewProgress("Embedding", f.Len())
		defer bar.Finish()
		live, err := e.open(ctx, bar.Set)
		if err != nil {
			return nil, err
		}
		out := f.Clone()
		if err := tutorial.EmbedFrame(ctx, live, out); err != nil {
			return nil, err
		}
		bar.Set(out.Len(), out.Len())
		return out, nil
	}, emb, df)
}

// EmbedTexts embeds a few texts (new sentences to classify) with emb.
func EmbedTexts(emb *notebook.Value[*Embedder], texts []string) ([][]float32, error) {
	e, err := emb.Result()
	if err != nil {
		return nil, err
	}
	ctx := context.Background()
	live, err := e.open(ctx, nil)
	if err != nil {
		return nil, err
	}
	return live.Embed(ctx, texts)
}

// KeyStatus says where the Gemini key comes from, or that there is none
// and the offline embedder will be used. It never shows the key.
func KeyStatus() Note {
	if src := gemini.KeySource(); src != "" {
		return Note{"Note", "Gemini is configured (key from " + src + "): the embeddings come from Gemini."}
	}
	if gemini.Configured() {
		return Note{"Note", "Gemini is configured (Vertex AI settings): the embeddings come from Gemini."}
	}
	return Note{"Warning", "No GEMINI_API_KEY in the environment: this run embeds with the offline TF-IDF + LSA embedder instead of Gemini."}
}

// Note is a message in a framed box (Level "Note" or "Warning").
type Note struct{ Level, Msg string }

// HTML renders the note as notebook.NoticeHTML does.
func (n Note) HTML() string   { return notebook.NoticeHTML(n.Level, n.Msg) }
func (n Note) String() string { return n.Level + ": " + n.Msg }

// WouldSend describes the request an EmbedContent call sends for text with
// the task type taskType, for a notebook without a key: the method, the
// address and the JSON body, as the REST API documents them.
func WouldSend(modelID, taskType, text string) Request {
	body, _ := json.MarshalIndent(map[string]any{
		"requests": []any{map[string]any{
			"model":    "models/" + modelID,
			"content":  map[string]any{"parts": []any{map[string]string{"text": text}}},
			"taskType": taskType,
		}},
	}, "", "  ")
	return Request{
		Method: "POST",
		URL:    "https://generativelanguage.googleapis.com/v1beta/models/" + modelID + ":batchEmbedContents",
		Body:   string(body),
	}
}

// Request is an HTTP request a cell would send.
type Request struct{ Method, URL, Body string }

var requestTmpl = template.Must(template.New("request").Parse(
	`<div>No key, so nothing is sent. With one, this call sends:</div><pre style="white-space:pre-wrap">{{.Method}} {{.URL}}
x-goog-api-key: (your key)

{{.Body}}</pre>`))

// HTML shows the request in a preformatted block.
func (r Request) HTML() string {
	var b strings.Builder
	requestTmpl.Execute(&b, r)
	return b.String()
}

func (r Request) String() string {
	return "No key, so nothing is sent. With one, this call sends:\n" + r.Method + " " + r.URL + "\nx-goog-api-key: (your key)\n\n" + r.Body
}
