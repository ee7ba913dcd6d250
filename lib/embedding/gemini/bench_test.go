package gemini_test

import (
	"context"
	"testing"
	"time"

	"github.com/embedclassify/embedclassify/lib/embedding/gemini"
	"github.com/embedclassify/embedclassify/lib/embedding/geminitest"
	"google.golang.org/genai"
)

// The benchmark: 500 texts against a server answering each request
// after 300 ms. "batched" is this package (100 texts per request, 4 in
// flight); "tutorial" is the tutorial's pattern, one text per request, one
// request at a time, through the same SDK. Run with
//
//	go test ./lib/embedding/gemini -run XXX -bench Embed500 -benchtime 1x
//
// (the tutorial's pattern takes about 2.5 minutes).
func BenchmarkEmbed500(b *testing.B) {
	srv := geminitest.NewServer(geminitest.Options{Latency: 300 * time.Millisecond})
	defer srv.Close()
	in := texts(500)
	ctx := context.Background()

	b.Run("batched", func(b *testing.B) {
		srv.ResetStats()
		for i := 0; i < b.N; i++ {
			e, err := gemini.New(ctx, gemini.Config{ClientConfig: *srv.ClientConfig("bench-key")})
			if err != nil {
				b.Fatal(err)
			}
			if _, err := e.Embed(ctx, in); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(srv.Requests())/float64(b.N), "requests/op")
	})

	b.Run("tutorial", func(b *testing.B) {
		srv.ResetStats()
		client, err := genai.NewClient(ctx, srv.ClientConfig("bench-key"))
		if err != nil {
			b.Fatal(err)
		}
		for i := 0; i < b.N; i++ {
			out := make([][]float32, len(in))
			for j, t := range in {
				res, err := client.Models.EmbedContent(ctx, gemini.DefaultModel, genai.Text(t), &genai.EmbedContentConfig{TaskType: "CLASSIFICATION"})
				if err != nil {
					b.Fatal(err)
				}
				out[j] = res.Embeddings[0].Values
			}
		}
		b.ReportMetric(float64(srv.Requests())/float64(b.N), "requests/op")
	})
}

// TestFiveHundredTextsInFiveRequests checks the benchmark's claim on our
// side: 500 texts take 5 requests, all in flight at once. (How long they
// take is BenchmarkEmbed500's business.)
func TestFiveHundredTextsInFiveRequests(t *testing.T) {
	srv := newServer(t, geminitest.Options{Latency: 50 * time.Millisecond})
	e := newEmbedder(t, srv, gemini.Config{Concurrency: 5})
	if _, err := e.Embed(context.Background(), texts(500)); err != nil {
		t.Fatal(err)
	}
	if st := srv.Stats(); st.EmbedRequests != 5 || st.MaxBatch != 100 || st.MaxInFlight < 2 {
		t.Errorf("server saw %+v; want 5 requests of 100 texts, several in flight", st)
	}
}
