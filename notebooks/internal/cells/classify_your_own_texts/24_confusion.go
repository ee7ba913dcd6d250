package main

import (
	"github.com/embedclassify/embedclassify/lib/notebook"
	"github.com/embedclassify/embedclassify/plots"
)

func cellConfusion() {
	notebook.Show(classifier.ConfusionMatrix(testEmbedded, plots.WithTitle("Confusion matrix for the test texts")))
	notebook.Show(classifier.ClassificationReport(testEmbedded))
}
