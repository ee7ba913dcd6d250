package main

import (
	"github.com/embedclassify/embedclassify/lib/lesson"
	"github.com/embedclassify/embedclassify/lib/notebook"
)

const (
	numEpochs = 20
	batchSize = 32
)

var fitOptions = lesson.FitOptions{
	ValidationData: testEmbedded,
	EarlyStopping:  &lesson.EarlyStopping{Monitor: "accuracy", Patience: 3},
	BatchSize:      batchSize,
	Epochs:         numEpochs,
}

var history = classifier.Fit(trainEmbedded, fitOptions)

func cellTrain() {
	notebook.Show(history)
}
