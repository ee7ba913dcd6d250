package embedding_test

import (
	"context"
	"fmt"
	"os"

	"github.com/embedclassify/embedclassify/lib/embedding"
	"github.com/embedclassify/embedclassify/lib/embedding/gemini"
	"github.com/embedclassify/embedclassify/lib/embedding/geminitest"
	"google.golang.org/genai"
)

// A Cache in front of Gemini (here the fake server) pays for each text once.
func ExampleCache() {
	srv := geminitest.NewServer(geminitest.Options{})
	defer srv.Close()
	dir, _ := os.MkdirTemp("", "cache-example")
	defer os.RemoveAll(dir)

	texts := []string{"first text", "second text", "third text"}
	for run := 1; run <= 2; run++ {
		g, err := gemini.New(context.Background(), gemini.Config{
			ClientConfig: genai.ClientConfig{APIKey: "any-key", HTTPOptions: genai.HTTPOptions{BaseURL: srv.URL}},
			Dims:         128,
		})
		if err != nil {
			panic(err)
		}
		emb, err := embedding.NewCache(g, dir, embedding.CacheOptions{})
		if err != nil {
			panic(err)
		}
		if _, err := emb.Embed(context.Background(), texts); err != nil {
			panic(err)
		}
		fmt.Printf("run %d: %d requests so far\n", run, srv.Requests())
	}
	// Output:
	// run 1: 1 requests so far
	// run 2: 1 requests so far
}
