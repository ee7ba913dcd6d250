package main

import (
	"github.com/embedclassify/embedclassify/lib/lesson"
	"github.com/embedclassify/embedclassify/lib/notebook"
)

var (
	trainEmbedded = lesson.CreateEmbeddings(embedder, dfTrain)
	testEmbedded  = lesson.CreateEmbeddings(embedder, dfTest)
)

func cellEmbed() {
	notebook.Show(trainEmbedded)
	notebook.Show(testEmbedded)
}
