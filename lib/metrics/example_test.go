package metrics_test

import (
	"fmt"

	"github.com/embedclassify/embedclassify/lib/metrics"
)

func Example() {
	yTrue := []int{0, 0, 1, 1, 2, 2, 2}
	yPred := []int{0, 1, 1, 1, 2, 2, 0}
	acc, _ := metrics.Accuracy(yTrue, yPred)
	cm, _ := metrics.ConfusionMatrix(yTrue, yPred, 3)
	report, _ := metrics.ClassificationReport(yTrue, yPred, []string{"sci.crypt", "sci.med", "sci.space"})
	fmt.Printf("accuracy %.4f\n", acc)
	fmt.Println(cm)
	fmt.Print(report)
	// Output:
	// accuracy 0.7143
	// [[1 1 0] [0 2 0] [1 0 2]]
	//               precision    recall  f1-score   support
	//
	//    sci.crypt       0.50      0.50      0.50         2
	//      sci.med       0.67      1.00      0.80         2
	//    sci.space       1.00      0.67      0.80         3
	//
	//     accuracy                           0.71         7
	//    macro avg       0.72      0.72      0.70         7
	// weighted avg       0.76      0.71      0.71         7
}
