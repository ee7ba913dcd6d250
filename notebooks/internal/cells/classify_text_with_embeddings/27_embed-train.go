package main

import (
	"github.com/embedclassify/embedclassify/lib/lesson"
	"github.com/embedclassify/embedclassify/lib/notebook"
)

var trainEmbedded = lesson.CreateEmbeddings(embedder, dfTrain)

func cellEmbedTrain() {
	notebook.Show(trainEmbedded)
}
