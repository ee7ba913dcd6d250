package main

import (
	"github.com/embedclassify/embedclassify/lib/lesson"
	"github.com/embedclassify/embedclassify/lib/notebook"
)

func cellPlot() {
	notebook.Show(lesson.PlotHistory(history))
}
