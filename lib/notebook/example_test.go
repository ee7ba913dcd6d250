package notebook_test

import (
	"github.com/embedclassify/embedclassify/lib/notebook"
)

// Outside a GoNB kernel the helpers print plain text, so the same cell code
// runs in tests and programs.
func Example() {
	ctx, stop := notebook.Context() // cancelled when the cell is interrupted
	defer stop()

	notebook.Notice("no GEMINI_API_KEY: using the offline embedder")
	p := notebook.NewProgress("Embedding", 3) // a live bar; on stderr here
	for i := 1; i <= 3 && ctx.Err() == nil; i++ {
		p.Set(i, 3)
	}
	p.Finish()
	notebook.Table([]string{"Task type", "Use"}, [][]string{
		{"CLASSIFICATION", "labels for a classifier"},
		{"CLUSTERING", "grouping similar texts"},
	})
	// Output:
	// Note: no GEMINI_API_KEY: using the offline embedder
	// Task type       Use
	// CLASSIFICATION  labels for a classifier
	// CLUSTERING      grouping similar texts
}
