package main

import (
	"github.com/embedclassify/embedclassify/lib/lesson"
	"github.com/embedclassify/embedclassify/lib/notebook"
)

var (
	newsgroupsTrain = lesson.Fetch20Newsgroups("train")
	newsgroupsTest  = lesson.Fetch20Newsgroups("test")
)

func cellLoad() {
	notebook.Show(newsgroupsTrain.Get().TargetNames)
}
