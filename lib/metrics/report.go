package metrics

import (
	"fmt"
	"strings"

	"github.com/embedclassify/embedclassify/internal/htmltable"
)

// Scores are one row of a classification report.
// In JSON its keys are snake_case: name, precision, recall, f1, support.
type Scores struct {
	Name      string  `json:"name"`      // class name, or "macro avg" / "weighted avg"
	Precision float64 `json:"precision"` // right predictions of the class / all predictions of it
	Recall    float64 `json:"recall"`    // right predictions of the class / all examples of it
	F1        float64 `json:"f1"`        // harmonic mean of precision and recall
	Support   int     `json:"support"`   // examples of the class (all examples for the averages)
}

// Report is the table scikit-learn's classification_report prints: the
// scores of every class, the accuracy, and the macro (unweighted) and
// weighted (by support) averages of the class scores.
//
// A score whose denominator is zero — the precision of a class never
// predicted, the recall of a class with no examples, the F1 of a class whose
// precision and recall are both 0 — is 0, as with scikit-learn's
// zero_division=0; ZeroDivision lists the affected classes.
type Report struct {
	Classes     []Scores
	Accuracy    float64
	MacroAvg    Scores
	WeightedAvg Scores
	Total       int // number of examples
	// ZeroDivision names the classes with a score set to 0 for lack of
	// predictions or examples (scikit-learn warns about these).
	ZeroDivision []string
}

// ClassificationReport scores yPred against yTrue for the classes named by
// classNames (class i is classNames[i]; every class gets a row, whether or
// not it occurs). With classNames nil the classes are 0 to the largest label
// seen, named by their numbers.
func ClassificationReport(yTrue, yPred []int, classNames []string) (*Report, error) {
	cm, err := ConfusionMatrix(yTrue, yPred, len(classNames))
	if err != nil {
		return nil, err
	}
	k := len(cm)
	r := &Report{Classes: make([]Scores, k), Total: len(yTrue)}
	right := 0
	for c := range k {
		tp := cm[c][c]
		right += tp
		support, predicted := 0, 0
		for j := range k {
			support += cm[c][j]
			predicted += cm[j][c]
		}
		s := Scores{Name: fmt.Sprint(c), Support: support}
		if classNames != nil {
			s.Name = classNames[c]
		}
		zero := false
		if predicted > 0 {
			s.Precision = float64(tp) / float64(predicted)
		} else {
			zero = true
		}
		if support > 0 {
			s.Recall = float64(tp) / float64(support)
		} else {
			zero = true
		}
		if s.Precision+s.Recall > 0 {
			s.F1 = 2 * s.Precision * s.Recall / (s.Precision + s.Recall)
		} else {
			zero = true
		}
		if zero {
			r.ZeroDivision = append(r.ZeroDivision, s.Name)
		}
		r.Classes[c] = s
	}
	r.Accuracy = float64(right) / float64(r.Total)
	r.MacroAvg = Scores{Name: "macro avg", Support: r.Total}
	r.WeightedAvg = Scores{Name: "weighted avg", Support: r.Total}
	// As NumPy's average: sums first, one division at the end.
	for _, s := range r.Classes {
		r.MacroAvg.Precision += s.Precision
		r.MacroAvg.Recall += s.Recall
		r.MacroAvg.F1 += s.F1
		w := float64(s.Support)
		r.WeightedAvg.Precision += s.Precision * w
		r.WeightedAvg.Recall += s.Recall * w
		r.WeightedAvg.F1 += s.F1 * w
	}
	for _, avg := range []struct {
		s *Scores
		d float64
	}{{&r.MacroAvg, float64(k)}, {&r.WeightedAvg, float64(r.Total)}} {
		avg.s.Precision /= avg.d
		avg.s.Recall /= avg.d
		avg.s.F1 /= avg.d
	}
	return r, nil
}

// String formats the report exactly as scikit-learn's
// classification_report does with its default of two digits.
func (r *Report) String() string { return r.Format(2) }

// Format formats the report as classification_report(digits=digits).
func (r *Report) Format(digits int) string {
	width := len("weighted avg")
	for _, s := range r.Classes {
		width = max(width, len(s.Name))
	}
	width = max(width, digits)
	var b strings.Builder
	fmt.Fprintf(&b, "%*s  %9s %9s %9s %9s\n\n", width, "", "precision", "recall", "f1-score", "support")
	row := func(s Scores) {
		fmt.Fprintf(&b, "%*s  %9.*f %9.*f %9.*f %9d\n", width, s.Name, digits, s.Precision, digits, s.Recall, digits, s.F1, s.Support)
	}
	for _, s := range r.Classes {
		row(s)
	}
	b.WriteString("\n")
	fmt.Fprintf(&b, "%*s  %9s %9s %9.*f %9d\n", width, "accuracy", "", "", digits, r.Accuracy, r.Total)
	row(r.MacroAvg)
	row(r.WeightedAvg)
	return b.String()
}

// HTML returns the report as an HTML table (two digits), for a notebook.
func (r *Report) HTML() string {
	t := htmltable.Table{
		Class:       "classification-report",
		Style:       "border-collapse:collapse",
		Header:      []string{"", "precision", "recall", "f1-score", "support"},
		Align:       "right",
		ColumnAlign: []string{"left"},
		CellStyle:   "padding:2px 10px",
		RowHeader:   true,
		RuleAbove:   []int{len(r.Classes)},
	}
	row := func(s Scores) []string {
		return []string{s.Name, fmt.Sprintf("%.2f", s.Precision), fmt.Sprintf("%.2f", s.Recall), fmt.Sprintf("%.2f", s.F1), fmt.Sprint(s.Support)}
	}
	for _, s := range r.Classes {
		t.Rows = append(t.Rows, row(s))
	}
	t.Rows = append(t.Rows, []string{"accuracy", "", "", fmt.Sprintf("%.2f", r.Accuracy), fmt.Sprint(r.Total)}, row(r.MacroAvg), row(r.WeightedAvg))
	return t.HTML() + "\n"
}
