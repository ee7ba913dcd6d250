package main

import (
	"github.com/embedclassify/embedclassify/lib/lesson"
	"github.com/embedclassify/embedclassify/lib/notebook"
)

func cellPredict() {
	notebook.Show(lesson.SaveAndLoad(classifier, "classifier.mlp"))
	sentences := []string{
		"The orbiter's heat shield tiles were inspected before the launch window opened.",
		"Is a 512-bit RSA key still safe against factoring attacks?",
		"My doctor says the rash is an allergic reaction to the antibiotic.",
		"Which op-amp should I use to build a low-noise microphone preamplifier?",
	}
	notebook.Show(lesson.Classify(embedder, sentences, classifier, logitsClassifier))
}
