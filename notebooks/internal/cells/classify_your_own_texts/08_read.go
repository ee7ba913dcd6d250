package main

import (
	"github.com/embedclassify/embedclassify/lib/dataset"
	"github.com/embedclassify/embedclassify/lib/lesson"
	"github.com/embedclassify/embedclassify/lib/notebook"
)

var df = lesson.ReadLabelled(file, dataset.Options{TextColumn: "text", LabelColumn: "class"})

func cellRead() {
	notebook.Show(df.Get().Head(5))
}
