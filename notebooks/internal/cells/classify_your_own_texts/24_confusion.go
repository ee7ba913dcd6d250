package main

import "github.com/embedclassify/embedclassify/lib/notebook"

func cellConfusion() {
	notebook.Show(classifier.ConfusionMatrix(testEmbedded))
	notebook.Show(classifier.ClassificationReport(testEmbedded))
}
