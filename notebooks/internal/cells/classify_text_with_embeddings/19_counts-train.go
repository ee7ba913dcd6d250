package main

import (
	"github.com/embedclassify/embedclassify/lib/frame"
	"github.com/embedclassify/embedclassify/lib/notebook"
)

func cellCountsTrain() {
	notebook.Show(dfTrain.Get().ValueCounts(frame.ColClassName))
}
