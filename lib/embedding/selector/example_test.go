package selector_test

import (
	"context"
	"fmt"
	"os"

	"github.com/embedclassify/embedclassify/lib/embedding/selector"
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
	emb, msg, err := selector.Select(context.Background(), selector.Config{Kind: selector.KindAuto}, train)
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
