package main

import (
	"github.com/embedclassify/embedclassify/lib/embedding/selector"
	"github.com/embedclassify/embedclassify/lib/lesson"
	"github.com/embedclassify/embedclassify/lib/notebook"
)

// modelID is the Gemini embedding model; outputDims the vector length (0:
// the model's own). EMBEDCLASSIFY_DIMS overrides it.
const modelID = "gemini-embedding-001"

var outputDims = lesson.EnvInt("EMBEDCLASSIFY_DIMS", 0)

var embedder = lesson.NewEmbedder(selector.Config{Model: modelID, TaskType: "CLASSIFICATION", Dims: outputDims}, dfTrain)

func cellEmbedder() {
	notebook.Show(embedder)
}
