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

// An in-process server needs no network: the configuration it gives hands
// the SDK's requests straight to it. Under testing/synctest its quota and
// the SDK's timeouts run on the bubble's virtual clock.
func ExampleNewInProcess() {
	srv := geminitest.NewInProcess(geminitest.Options{RPM: 1, QuotaRetryInfo: true})
	ctx := context.Background()
	client, err := genai.NewClient(ctx, srv.ClientConfig("test-key"))
	if err != nil {
		panic(err)
	}
	_, err = client.Models.EmbedContent(ctx, "gemini-embedding-001", genai.Text("hello"), nil)
	fmt.Println(err)
	// The quota of one request a minute is spent.
	_, err = client.Models.EmbedContent(ctx, "gemini-embedding-001", genai.Text("again"), nil)
	fmt.Println(err.(genai.APIError).Code)
	fmt.Println(srv.Stats().EmbedRequests, srv.Stats().Throttled)
	// Output:
	// <nil>
	// 429
	// 2 1
}
