package main

import (
	"github.com/embedclassify/embedclassify/lib/lesson"
	"github.com/embedclassify/embedclassify/lib/notebook"
)

func cellEmbeddingMap() {
	notebook.Show(lesson.EmbeddingMap(trainEmbedded))
}
