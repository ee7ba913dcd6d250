package main

import (
	"github.com/embedclassify/embedclassify/lib/lesson"
	"github.com/embedclassify/embedclassify/lib/notebook"
)

func cellModels() {
	notebook.Show(lesson.EmbeddingModels(client))
}
