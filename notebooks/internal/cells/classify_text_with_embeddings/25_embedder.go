package main

import (
	"github.com/embedclassify/embedclassify/lib/embedding/selector"
	"github.com/embedclassify/embedclassify/lib/lesson"
	"github.com/embedclassify/embedclassify/lib/notebook"
)

var embedder = lesson.NewEmbedder(selector.Config{Model: modelID, TaskType: "CLASSIFICATION", Dims: outputDims}, dfTrain)

func cellEmbedder() {
	notebook.Show(embedder)
}
