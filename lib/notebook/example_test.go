package notebook_test

import (
	"context"
	"strings"

	"github.com/embedclassify/embedclassify/lib/notebook"
)

// Outside a GoNB kernel the helpers print plain text, so the same cell code
// runs in tests and programs.
func Example() {
	notebook.Notice("no GEMINI_API_KEY: using the offline embedder")
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

// A step declares a slow result: nothing runs until a cell asks for it,
// and a later cell's program with the same inputs reads it back.
func ExampleStep() {
	texts := []string{"orbit", "rash", "cipher"}
	lengths := notebook.Step("measuring the texts", func(ctx context.Context) ([]int, error) {
		var n []int
		for _, t := range texts {
			n = append(n, len(t))
		}
		notebook.Print("measured", strings.Join(texts, ", "))
		return n, nil
	}, texts)
	notebook.Show(lengths)
	// Output:
	// measured orbit, rash, cipher
	// [5 4 6]
}
