package main

import "github.com/embedclassify/embedclassify/lib/lesson"

// classifier is the tutorial's network for the embedded training posts:
// their embedding size in, one output per class.
var classifier = lesson.BuildClassificationModel(trainEmbedded).Compile(lesson.Compile{
	Loss:      lesson.SparseCategoricalCrossentropy{FromLogits: true},
	Optimizer: lesson.Adam{LearningRate: 0.001},
	Metrics:   []string{"accuracy"},
})

func cellBuild() {
	classifier.Summary()
}
