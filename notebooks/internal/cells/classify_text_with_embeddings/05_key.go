package main

import (
	"context"

	"github.com/embedclassify/embedclassify/lib/lesson"
	"github.com/embedclassify/embedclassify/lib/notebook"
	"google.golang.org/genai"
)

// client is the Gemini API client. With a nil configuration genai.NewClient
// reads the key from GEMINI_API_KEY or GOOGLE_API_KEY; without one it
// returns an error, and client is nil.
var client, _ = genai.NewClient(context.Background(), nil)

func cellKey() {
	notebook.Show(lesson.KeyStatus())
}
