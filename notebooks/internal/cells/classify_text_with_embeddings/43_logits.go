package main

import (
	"github.com/embedclassify/embedclassify/lib/lesson"
	"github.com/embedclassify/embedclassify/lib/mlp"
	"github.com/embedclassify/embedclassify/lib/notebook"
)

var logitsClassifier = lesson.BuildClassificationModel(trainEmbedded, mlp.Logits).Compile(lesson.Compile{
	Loss:      lesson.SparseCategoricalCrossentropy{FromLogits: true},
	Optimizer: lesson.Adam{LearningRate: 0.001},
	Metrics:   []string{"accuracy"},
})

var logitsHistory = logitsClassifier.Fit(trainEmbedded, fitOptions)

func cellLogits() {
	notebook.Show(lesson.CompareHistories(history, logitsHistory))
	notebook.Show(lesson.EvaluationTable(testEmbedded, classifier, logitsClassifier))
}
