package main

import (
	"github.com/embedclassify/embedclassify/lib/frame"
	"github.com/embedclassify/embedclassify/lib/notebook"
)

func cellCounts() {
	notebook.Show(df.Get().ValueCounts(frame.ColClassName))
}
