package main

import (
	"github.com/embedclassify/embedclassify/lib/lesson"
	"github.com/embedclassify/embedclassify/lib/mlp"
	"github.com/embedclassify/embedclassify/lib/notebook"
)

// compiled is the loss, the optimizer and the metrics, the tutorial's.
var compiled = lesson.Compile{
	Loss:      lesson.SparseCategoricalCrossentropy{FromLogits: true},
	Optimizer: lesson.Adam{LearningRate: 0.001},
	Metrics:   []string{"accuracy"},
}

var classifier = lesson.BuildClassificationModel(trainEmbedded, mlp.Logits).Compile(compiled)

var history = classifier.Fit(trainEmbedded, lesson.FitOptions{
	ValidationData: testEmbedded,
	EarlyStopping:  &lesson.EarlyStopping{Monitor: "accuracy", Patience: 3},
	BatchSize:      32,
	Epochs:         20,
})

func cellTrain() {
	notebook.Show(history)
}
