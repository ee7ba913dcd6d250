package main

import "github.com/embedclassify/embedclassify/lib/notebook"

func cellEvaluate() {
	notebook.Show(classifier.Evaluate(testEmbedded))
}
