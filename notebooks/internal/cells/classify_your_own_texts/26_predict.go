package main

import (
	"github.com/embedclassify/embedclassify/lib/lesson"
	"github.com/embedclassify/embedclassify/lib/notebook"
)

// newTexts are texts the classifier has never seen.
var newTexts = []string{
	"Which file format keeps the transparency when I convert these images for the web?",
	"The goalie stopped forty shots and they won it in overtime.",
	"The probe will reach orbit around Jupiter after a six-year cruise.",
	"The bill would require background checks for private sales of firearms.",
}

func cellPredict() {
	notebook.Show(lesson.SaveAndLoad(classifier, "my_classifier.mlp"))
	notebook.Show(lesson.Classify(embedder, newTexts, classifier))
}
