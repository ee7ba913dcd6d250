package main

import (
	"github.com/embedclassify/embedclassify/lib/frame"
	"github.com/embedclassify/embedclassify/lib/notebook"
)

func cellCountsTest() {
	notebook.Show(dfTest.Get().ValueCounts(frame.ColClassName))
}
