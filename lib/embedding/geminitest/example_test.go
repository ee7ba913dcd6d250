package geminitest_test

import (
	"context"
	"fmt"

	"github.com/embedclassify/embedclassify/lib/embedding/geminitest"
	"google.golang.org/genai"
)

// The SDK talks to the fake server as to the real one.
func Example() {
	srv := geminitest.NewServer(geminitest.Options{})
	defer srv.Close()
	ctx := context.Background()
	client, err := genai.NewClient(ctx, srv.ClientConfig("test-key"))
	if err != nil {
		panic(err)
	}
	dims := int32(256)
	res, err := client.Models.EmbedContent(ctx, "gemini-embedding-001",
		[]*genai.Content{genai.NewContentFromText("hello", genai.RoleUser), genai.NewContentFromText("world", genai.RoleUser)},
		&genai.EmbedContentConfig{TaskType: "CLASSIFICATION", OutputDimensionality: &dims})
	if err != nil {
		panic(err)
	}
	fmt.Println(len(res.Embeddings), len(res.Embeddings[0].Values), srv.Stats().EmbedRequests)

	// Inject a rate limit: the SDK returns the service's error as a value.
	srv.InjectFaults(geminitest.Fault{Status: 429})
	_, err = client.Models.EmbedContent(ctx, "gemini-embedding-001", genai.Text("again"), nil)
	fmt.Println(err.(genai.APIError).Code, err.(genai.APIError).Status)
	// Output:
	// 2 256 1
	// 429 RESOURCE_EXHAUSTED
}
