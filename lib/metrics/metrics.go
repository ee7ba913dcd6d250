// Package metrics scores a classifier's predictions the way scikit-learn's
// sklearn.metrics does: accuracy, the confusion matrix, and the per-class
// precision, recall and F1 table of classification_report.
//
// Classes are numbered 0 to k-1; yTrue holds the right class of every
// example and yPred the predicted one.
package metrics

import (
	"errors"
	"fmt"
)

// ErrEmpty is returned (wrapped) when there are no examples to score.
var ErrEmpty = errors.New("no examples")

// check verifies that yTrue and yPred are non-empty, of equal length and, if
// numClasses > 0, hold only classes in [0, numClasses). It returns the
// number of classes: numClasses, or one more than the largest label when
// numClasses ≤ 0.
func check(yTrue, yPred []int, numClasses int) (int, error) {
	if len(yTrue) == 0 {
		return 0, fmt.Errorf("metrics: %w", ErrEmpty)
	}
	if len(yTrue) != len(yPred) {
		return 0, fmt.Errorf("metrics: %d true labels but %d predictions; want one prediction per example", len(yTrue), len(yPred))
	}
	k := numClasses
	for _, ys := range [...]struct {
		name string
		y    []int
	}{{"true label", yTrue}, {"prediction", yPred}} {
		for i, c := range ys.y {
			if c < 0 || (numClasses > 0 && c >= numClasses) {
				if numClasses > 0 {
					return 0, fmt.Errorf("metrics: %s %d of example %d is out of range; classes are 0 to %d", ys.name, c, i, numClasses-1)
				}
				return 0, fmt.Errorf("metrics: %s %d of example %d is negative; classes are numbered from 0", ys.name, c, i)
			}
			if numClasses <= 0 {
				k = max(k, c+1)
			}
		}
	}
	return k, nil
}

// Accuracy returns the fraction of examples whose prediction equals the
// true label (sklearn.metrics.accuracy_score).
func Accuracy(yTrue, yPred []int) (float64, error) {
	if _, err := check(yTrue, yPred, 0); err != nil {
		return 0, err
	}
	right := 0
	for i, c := range yTrue {
		if yPred[i] == c {
			right++
		}
	}
	return float64(right) / float64(len(yTrue)), nil
}

// ConfusionMatrix counts the examples of every true class (row) by
// predicted class (column), as sklearn.metrics.confusion_matrix:
// cm[i][j] is the number of examples of class i predicted as class j.
// numClasses fixes the size of the matrix; when it is 0 or less the
// classes are 0 to the largest label seen. The result is what
// plots.ConfusionMatrix draws.
func ConfusionMatrix(yTrue, yPred []int, numClasses int) ([][]int, error) {
	k, err := check(yTrue, yPred, numClasses)
	if err != nil {
		return nil, err
	}
	cells := make([]int, k*k)
	cm := make([][]int, k)
	for i := range cm {
		cm[i] = cells[i*k : (i+1)*k : (i+1)*k]
	}
	for i, t := range yTrue {
		cm[t][yPred[i]]++
	}
	return cm, nil
}

// Normalize returns cm with every row divided by its sum (the fraction of
// each true class predicted as each class; sklearn's normalize="true").
// Rows of a class with no examples are all zero.
func Normalize(cm [][]int) [][]float64 {
	out := make([][]float64, len(cm))
	for i, row := range cm {
		out[i] = make([]float64, len(row))
		s := 0
		for _, v := range row {
			s += v
		}
		if s == 0 {
			continue
		}
		for j, v := range row {
			out[i][j] = float64(v) / float64(s)
		}
	}
	return out
}
