package main

import (
	"github.com/embedclassify/embedclassify/lib/lesson"
	"github.com/embedclassify/embedclassify/lib/notebook"
)

// The example file holds postsPerGroup posts of each of groups.
var groups = []string{"comp.graphics", "rec.sport.hockey", "sci.space", "talk.politics.guns"}

const postsPerGroup = 125

func cellExport() {
	notebook.Show(lesson.ExportNewsgroups(file, groups, postsPerGroup))
}
