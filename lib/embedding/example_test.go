package embedding_test

import (
	"context"
	"fmt"
	"os"

	"github.com/embedclassify/embedclassify/lib/embedding"
	"github.com/embedclassify/embedclassify/lib/embedding/geminitest"
)

// Select picks the offline embedder when no key is set.
func ExampleSelect_offline() {
	os.Unsetenv("GEMINI_API_KEY")
	os.Unsetenv("GOOGLE_API_KEY")
	os.Unsetenv("GOOGLE_GENAI_USE_VERTEXAI")
	train := []string{
		"The rocket launch put a satellite in orbit.",
		"A new space station module and another rocket launch.",
		"Encryption keys and the clipper chip.",
		"Public key encryption protects privacy.",
	}
	emb, msg, err := embedding.Select(context.Background(), embedding.SelectConfig{Kind: embedding.KindAuto}, train)
	if err != nil {
		panic(err)
	}
	fmt.Println(msg[:58])
	vecs, _ := emb.Embed(context.Background(), []string{"rocket orbit", "encryption key"})
	fmt.Println(len(vecs), len(vecs[0]) == emb.Dim())
	// Output:
	// No Gemini API key found (set GEMINI_API_KEY or GOOGLE_API_
	// 2 true
}

// A Cache in front of Gemini (here the fake server) pays for each text once.
func ExampleCache() {
	srv := geminitest.NewServer(geminitest.Options{})
	defer srv.Close()
	dir, _ := os.MkdirTemp("", "cache-example")
	defer os.RemoveAll(dir)

	texts := []string{"first text", "second text", "third text"}
	for run := 1; run <= 2; run++ {
		emb, _, err := embedding.Select(context.Background(), embedding.SelectConfig{
			Kind: embedding.KindGemini, APIKey: "any-key", BaseURL: srv.URL, Dims: 128, CacheDir: dir,
		}, nil)
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
