package main

import "github.com/embedclassify/embedclassify/lib/lesson"

const (
	trainNumSamples = 100
	testNumSamples  = 25
	classesToKeep   = "sci" // keep the classes whose name contains "sci"
)

var (
	dfTrain = lesson.SampleData(dfTrainAll, trainNumSamples, classesToKeep)
	dfTest  = lesson.SampleData(dfTestAll, testNumSamples, classesToKeep)
)
