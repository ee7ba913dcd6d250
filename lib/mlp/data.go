package mlp

import (
	"errors"
	"fmt"
)

// ErrEmpty is returned (wrapped) when there are no examples to work on.
var ErrEmpty = errors.New("no examples")

// flatten checks a block of examples for use with m — at least one row, every
// row m.in wide, every value finite — and copies it into one row-major
// slice. what names the block in errors ("training data", ...).
func (m *Model) flatten(what string, x [][]float32) ([]float32, error) {
	if m == nil || m.w1t == nil {
		return nil, errors.New("mlp: the model has no weights; create it with New or Load")
	}
	if len(x) == 0 {
		return nil, fmt.Errorf("mlp: %s: %w", what, ErrEmpty)
	}
	flat := make([]float32, 0, len(x)*m.in)
	for i, row := range x {
		if len(row) != m.in {
			return nil, fmt.Errorf("mlp: %s: row %d has %d values; the model takes %d features per example (check that every embedding has the same dimension)", what, i, len(row), m.in)
		}
		if j := firstNonFinite(row); j >= 0 {
			return nil, fmt.Errorf("mlp: %s: row %d, column %d is %v; inputs must be finite numbers", what, i, j, row[j])
		}
		flat = append(flat, row...)
	}
	return flat, nil
}

// checkLabels checks that y has one label per example, each in [0, classes).
func (m *Model) checkLabels(what string, y []int, rows int) error {
	if len(y) != rows {
		return fmt.Errorf("mlp: %s: %d labels for %d examples; want one label per example", what, len(y), rows)
	}
	for i, c := range y {
		if c < 0 || c >= m.classes {
			return fmt.Errorf("mlp: %s: label %d of example %d is out of range; the model has %d classes, labelled 0 to %d", what, c, i, m.classes, m.classes-1)
		}
	}
	return nil
}
