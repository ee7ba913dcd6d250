package lesson_test

import (
	"github.com/embedclassify/embedclassify/lib/embedding/selector"
	"github.com/embedclassify/embedclassify/lib/frame"
	"github.com/embedclassify/embedclassify/lib/lesson"
	"github.com/embedclassify/embedclassify/lib/notebook"
)

// The tutorial's steps for one's own texts, as a notebook's cells would
// declare and show them: nothing runs until notebook.Show asks, and each
// step runs once for the same inputs in a kernel session.
func Example() {
	texts := &frame.Frame{
		Text:      []string{"The launch slipped a day.", "My doctor changed the dose.", "Orbit insertion went well.", "The rash cleared up."},
		Label:     []int{0, 1, 0, 1},
		ClassName: []string{"space", "med", "space", "med"},
	}
	train := lesson.SampleData(lesson.FrameOf(texts), 2, "")
	embedder := lesson.NewEmbedder(selector.Config{Kind: selector.KindLocal, Dims: 2}, train)
	trainEmbedded := lesson.CreateEmbeddings(embedder, train)

	classifier := lesson.BuildClassificationModel(trainEmbedded).Compile(lesson.Compile{
		Loss:      lesson.SparseCategoricalCrossentropy{FromLogits: true},
		Optimizer: lesson.Adam{LearningRate: 0.001},
		Metrics:   []string{"accuracy"},
	})
	classifier.Summary()
	history := classifier.Fit(trainEmbedded, lesson.FitOptions{Epochs: 5, BatchSize: 2})
	notebook.Show(history)                                   // trains, printing one line per epoch
	notebook.Show(classifier.Evaluate(trainEmbedded))        // {'accuracy': ..., 'loss': ...}
	notebook.Show(classifier.ConfusionMatrix(trainEmbedded)) // a chart
}
