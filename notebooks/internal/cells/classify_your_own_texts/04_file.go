package main

import (
	"os"
	"path/filepath"
)

// file is the labelled file to classify: put your own file's path here,
// for example "tickets.csv".
var file = filepath.Join(os.TempDir(), "my_texts.csv")
