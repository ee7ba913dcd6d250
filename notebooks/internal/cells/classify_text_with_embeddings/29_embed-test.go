package main

import (
	"github.com/embedclassify/embedclassify/lib/lesson"
	"github.com/embedclassify/embedclassify/lib/notebook"
)

var testEmbedded = lesson.CreateEmbeddings(embedder, dfTest)

func cellEmbedTest() {
	notebook.Show(testEmbedded)
}
