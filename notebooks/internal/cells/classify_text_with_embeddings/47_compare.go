package main

import (
	"github.com/embedclassify/embedclassify/lib/lesson"
	"github.com/embedclassify/embedclassify/lib/notebook"
)

var comparison = lesson.CompareEmbedders(classifier, testEmbedded, dfTrain, dfTest, fitOptions, lesson.Variants(modelID)...)

func cellCompare() {
	notebook.Show(comparison)
}
