package main

import (
	"github.com/embedclassify/embedclassify/lib/lesson"
	"github.com/embedclassify/embedclassify/lib/mlp"
	"github.com/embedclassify/embedclassify/lib/notebook"
)

var classifier = lesson.BuildClassificationModel(trainEmbedded, mlp.Logits).Compile(lesson.Compile{
	Loss:      lesson.SparseCategoricalCrossentropy{FromLogits: true},
	Optimizer: lesson.Adam{LearningRate: 0.001},
	Metrics:   []string{"accuracy"},
})

var history = classifier.Fit(trainEmbedded, lesson.FitOptions{
	ValidationData: testEmbedded,
	EarlyStopping:  &lesson.EarlyStopping{Monitor: "accuracy", Patience: 3},
	BatchSize:      32,
	Epochs:         20,
})

func cellTrain() {
	notebook.Show(history)
}
