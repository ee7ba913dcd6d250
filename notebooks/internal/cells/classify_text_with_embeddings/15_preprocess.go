package main

import (
	"github.com/embedclassify/embedclassify/lib/lesson"
	"github.com/embedclassify/embedclassify/lib/notebook"
)

var (
	dfTrainAll = lesson.PreprocessNewsgroupData(newsgroupsTrain)
	dfTestAll  = lesson.PreprocessNewsgroupData(newsgroupsTest)
)

func cellPreprocess() {
	notebook.Show(dfTrainAll.Get().Head(5))
}
