package main

import (
	"github.com/embedclassify/embedclassify/lib/lesson"
	"github.com/embedclassify/embedclassify/lib/notebook"
)

// testFraction is the share of each class kept for testing.
const testFraction = 0.2

var dfTrain, dfTest = lesson.TrainTestSplit(df, testFraction)

func cellSplit() {
	notebook.Show(lesson.SplitCounts(dfTrain, dfTest))
}
