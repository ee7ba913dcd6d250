package metrics

import (
	"encoding/json"
	"errors"
	"math"
	"reflect"
	"strings"
	"testing"
)

// The expected values below were computed with scikit-learn 1.2.1 (Debian's
// python3-sklearn) by
//
//	from sklearn.metrics import *
//	y_true = [0,0,0,0,0,1,1,1,1,2,2,2,2,2,2,3,3,3,0,1,2,3,2,2,1]
//	y_pred = [0,0,1,0,2,1,1,3,1,2,2,0,2,2,1,3,3,2,0,1,2,0,2,3,1]
//	names = ['sci.crypt','sci.electronics','sci.med','sci.space']
//	accuracy_score(y_true, y_pred)                          # 0.68
//	confusion_matrix(y_true, y_pred).tolist()
//	precision_recall_fscore_support(y_true, y_pred)         # per class
//	precision_recall_fscore_support(y_true, y_pred, average='macro')
//	precision_recall_fscore_support(y_true, y_pred, average='weighted')
//	print(classification_report(y_true, y_pred, target_names=names))
//
// and can be checked by hand from the confusion matrix: for sci.med (row 2)
// tp = 6, support = 1+1+6+1 = 9, predicted = 1+0+6+1 = 8 (column 2), so
// precision 6/8 = 0.75, recall 6/9 = 0.6667, F1 = 2·0.75·0.6667/(0.75+0.6667)
// = 0.7059; accuracy = (4+5+6+2)/25 = 0.68.
var (
	yTrue = []int{0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 3, 3, 3, 0, 1, 2, 3, 2, 2, 1}
	yPred = []int{0, 0, 1, 0, 2, 1, 1, 3, 1, 2, 2, 0, 2, 2, 1, 3, 3, 2, 0, 1, 2, 0, 2, 3, 1}
	names = []string{"sci.crypt", "sci.electronics", "sci.med", "sci.space"}
)

const sklearnReport = `                 precision    recall  f1-score   support

      sci.crypt       0.67      0.67      0.67         6
sci.electronics       0.71      0.83      0.77         6
        sci.med       0.75      0.67      0.71         9
      sci.space       0.50      0.50      0.50         4

       accuracy                           0.68        25
      macro avg       0.66      0.67      0.66        25
   weighted avg       0.68      0.68      0.68        25
`

// classification_report(..., digits=4)
const sklearnReport4 = `                 precision    recall  f1-score   support

      sci.crypt     0.6667    0.6667    0.6667         6
sci.electronics     0.7143    0.8333    0.7692         6
        sci.med     0.7500    0.6667    0.7059         9
      sci.space     0.5000    0.5000    0.5000         4

       accuracy                         0.6800        25
      macro avg     0.6577    0.6667    0.6604        25
   weighted avg     0.6814    0.6800    0.6787        25
`

func near(a, b float64) bool { return math.Abs(a-b) < 1e-12 }

func TestAccuracyAndConfusion(t *testing.T) {
	acc, err := Accuracy(yTrue, yPred)
	if err != nil || acc != 0.68 {
		t.Errorf("Accuracy = %v, %v; want 0.68", acc, err)
	}
	cm, err := ConfusionMatrix(yTrue, yPred, 4)
	if err != nil {
		t.Fatal(err)
	}
	want := [][]int{{4, 1, 1, 0}, {0, 5, 0, 1}, {1, 1, 6, 1}, {1, 0, 1, 2}}
	if !reflect.DeepEqual(cm, want) {
		t.Errorf("ConfusionMatrix = %v, want %v", cm, want)
	}
	if inferred, _ := ConfusionMatrix(yTrue, yPred, 0); !reflect.DeepEqual(inferred, want) {
		t.Errorf("ConfusionMatrix with inferred size = %v", inferred)
	}
	if big, _ := ConfusionMatrix(yTrue, yPred, 5); len(big) != 5 || big[4][4] != 0 || big[2][2] != 6 {
		t.Errorf("ConfusionMatrix of 5 classes = %v", big)
	}
	n := Normalize(cm)
	if !near(n[2][2], 6.0/9) || !near(n[3][3], 0.5) {
		t.Errorf("Normalize = %v", n)
	}
}

func TestClassificationReport(t *testing.T) {
	r, err := ClassificationReport(yTrue, yPred, names)
	if err != nil {
		t.Fatal(err)
	}
	// precision_recall_fscore_support(y_true, y_pred)
	wantP := []float64{0.6666666666666666, 0.7142857142857143, 0.75, 0.5}
	wantR := []float64{0.6666666666666666, 0.8333333333333334, 0.6666666666666666, 0.5}
	wantF := []float64{0.6666666666666666, 0.7692307692307692, 0.7058823529411765, 0.5}
	wantS := []int{6, 6, 9, 4}
	for i, s := range r.Classes {
		if s.Name != names[i] || !near(s.Precision, wantP[i]) || !near(s.Recall, wantR[i]) || !near(s.F1, wantF[i]) || s.Support != wantS[i] {
			t.Errorf("class %d: %+v; want %s %v %v %v %d", i, s, names[i], wantP[i], wantR[i], wantF[i], wantS[i])
		}
	}
	// average='macro' and average='weighted'
	if m := r.MacroAvg; !near(m.Precision, 0.6577380952380952) || !near(m.Recall, 0.6666666666666666) || !near(m.F1, 0.6604449472096531) || m.Support != 25 {
		t.Errorf("macro avg %+v", m)
	}
	if w := r.WeightedAvg; !near(w.Precision, 0.6814285714285714) || !near(w.Recall, 0.68) || !near(w.F1, 0.6787330316742082) || w.Support != 25 {
		t.Errorf("weighted avg %+v", w)
	}
	if r.Accuracy != 0.68 || r.Total != 25 || len(r.ZeroDivision) != 0 {
		t.Errorf("accuracy %v total %d zero division %v", r.Accuracy, r.Total, r.ZeroDivision)
	}
	if got := r.String(); got != sklearnReport {
		t.Errorf("String():\n%s\nwant scikit-learn's:\n%s", got, sklearnReport)
	}
	if got := r.Format(4); got != sklearnReport4 {
		t.Errorf("Format(4):\n%s\nwant scikit-learn's:\n%s", got, sklearnReport4)
	}
	h := r.HTML()
	for _, want := range []string{"<table", "sci.electronics", "0.77", "weighted avg", ">25<"} {
		if !strings.Contains(h, want) {
			t.Errorf("HTML lacks %q:\n%s", want, h)
		}
	}
}

// TestReportZeroDivision compares with
//
//	yt = [0,1,2,0,1,2]; yp = [0,1,0,0,3,1]
//	classification_report(yt, yp, labels=[0,1,2,3], target_names=list('abcd'), zero_division=0)
//
// where class c is never predicted and class d never occurs.
func TestReportZeroDivision(t *testing.T) {
	r, err := ClassificationReport([]int{0, 1, 2, 0, 1, 2}, []int{0, 1, 0, 0, 3, 1}, []string{"a", "b", "c", "d"})
	if err != nil {
		t.Fatal(err)
	}
	const want = `              precision    recall  f1-score   support

           a       0.67      1.00      0.80         2
           b       0.50      0.50      0.50         2
           c       0.00      0.00      0.00         2
           d       0.00      0.00      0.00         0

    accuracy                           0.50         6
   macro avg       0.29      0.38      0.33         6
weighted avg       0.39      0.50      0.43         6
`
	if got := r.String(); got != want {
		t.Errorf("report:\n%s\nwant:\n%s", got, want)
	}
	if !near(r.MacroAvg.Precision, 0.29166666666666663) || !near(r.MacroAvg.F1, 0.325) || !near(r.WeightedAvg.Precision, 0.38888888888888884) || !near(r.WeightedAvg.F1, 0.43333333333333335) {
		t.Errorf("averages %+v %+v", r.MacroAvg, r.WeightedAvg)
	}
	if !reflect.DeepEqual(r.ZeroDivision, []string{"c", "d"}) {
		t.Errorf("ZeroDivision = %v, want [c d]", r.ZeroDivision)
	}
}

func TestBadInput(t *testing.T) {
	if _, err := Accuracy(nil, nil); !errors.Is(err, ErrEmpty) {
		t.Errorf("Accuracy(nil, nil) = %v", err)
	}
	if _, err := Accuracy([]int{1, 2}, []int{1}); err == nil || !strings.Contains(err.Error(), "2 true labels but 1 predictions") {
		t.Errorf("mismatched lengths: %v", err)
	}
	if _, err := ConfusionMatrix([]int{0, 4}, []int{0, 1}, 4); err == nil || !strings.Contains(err.Error(), "true label 4 of example 1") {
		t.Errorf("label out of range: %v", err)
	}
	if _, err := ConfusionMatrix([]int{0, 1}, []int{0, -1}, 0); err == nil || !strings.Contains(err.Error(), "negative") {
		t.Errorf("negative label: %v", err)
	}
	if _, err := ClassificationReport([]int{0, 2}, []int{0, 1}, []string{"a", "b"}); err == nil {
		t.Error("ClassificationReport accepted a label with no name")
	}
}

// TestScoresJSON checks metrics.json's per-class keys are snake_case.
func TestScoresJSON(t *testing.T) {
	b, err := json.Marshal(Scores{Name: "sci.med", Precision: 0.5, Recall: 1, F1: 0.75, Support: 3})
	if err != nil {
		t.Fatal(err)
	}
	want := `{"name":"sci.med","precision":0.5,"recall":1,"f1":0.75,"support":3}`
	if string(b) != want {
		t.Errorf("Scores as JSON = %s, want %s", b, want)
	}
}
