package main

import (
	"context"
	"fmt"

	"github.com/embedclassify/embedclassify/lib/lesson"
	"github.com/embedclassify/embedclassify/lib/notebook"
	"google.golang.org/genai"
)

func cellGeminiCall() {
	text := "The orbiter's heat shield tiles were inspected before the launch window opened."
	config := &genai.EmbedContentConfig{TaskType: "CLASSIFICATION"}
	if client == nil {
		notebook.Show(lesson.WouldSend(modelID, config.TaskType, text))
		return
	}
	result, err := client.Models.EmbedContent(context.Background(), modelID, genai.Text(text), config)
	notebook.Check(err)
	values := result.Embeddings[0].Values
	fmt.Printf("%d values: %.4f ...\n", len(values), values[:5])
}
