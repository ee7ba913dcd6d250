package inline_test

import (
	"log"

	"github.com/embedclassify/embedclassify/lib/mlp"
	"github.com/embedclassify/embedclassify/plots"
	"github.com/embedclassify/embedclassify/plots/inline"
)

// In a GoNB cell: draw the training history under the cell.
func ExampleShow() {
	var history *mlp.History // from the classifier's Fit
	chart, err := plots.History(history)
	if err != nil {
		log.Fatal(err)
	}
	if err := inline.Show(chart); err != nil {
		log.Fatal(err)
	}
}
