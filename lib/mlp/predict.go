package mlp

import "fmt"

// evalRows is the block size for Evaluate and Predict.
const evalRows = 128

// evaluate returns the mean loss and the accuracy over the flattened rows x.
func (e *engine) evaluate(x []float32, y []int) (loss, accuracy float64) {
	m := e.m
	n := len(x) / m.in
	var lossSum float64
	var correct int
	for r0 := 0; r0 < n; r0 += e.maxRows {
		rows := min(e.maxRows, n-r0)
		e.forward(x[r0*m.in:(r0+rows)*m.in], rows)
		l, c := e.lossAndGrad(y[r0:r0+rows], false)
		lossSum += l
		correct += c
	}
	return lossSum / float64(n), float64(correct) / float64(n)
}

// Evaluate returns the model's mean loss and its accuracy on x with labels
// y, as Keras' evaluate does: the loss is the training loss (sparse
// categorical cross-entropy on the output layer's values taken as logits)
// averaged over the examples.
func (m *Model) Evaluate(x [][]float32, y []int) (loss, accuracy float64, err error) {
	flat, err := m.flatten("evaluation data", x)
	if err != nil {
		return 0, 0, err
	}
	if err := m.checkLabels("evaluation data", y, len(x)); err != nil {
		return 0, 0, err
	}
	e := newEngine(m, evalRows, false)
	defer e.close()
	loss, accuracy = e.evaluate(flat, y)
	return loss, accuracy, nil
}

// Predict returns the output layer's values for every example of x, one
// slice of NumClasses() values per example: sigmoid values for the
// tutorial's Sigmoid output (as Keras' predict returns them; they do not sum
// to one), logits for Logits. Use Probabilities for the softmax the loss
// applies, or PredictClasses for the predicted class numbers.
func (m *Model) Predict(x [][]float32) ([][]float32, error) {
	flat, err := m.flatten("prediction input", x)
	if err != nil {
		return nil, err
	}
	n := len(x)
	out := make([]float32, n*m.classes)
	e := newEngine(m, evalRows, false)
	defer e.close()
	for r0 := 0; r0 < n; r0 += evalRows {
		rows := min(evalRows, n-r0)
		e.forward(flat[r0*m.in:(r0+rows)*m.in], rows)
		copy(out[r0*m.classes:], e.out[:rows*m.classes])
	}
	res := make([][]float32, n)
	for i := range res {
		res[i] = out[i*m.classes : (i+1)*m.classes : (i+1)*m.classes]
	}
	return res, nil
}

// Probabilities returns, for every example of x, the class probabilities the
// loss works with: the softmax of the output layer's values.
func (m *Model) Probabilities(x [][]float32) ([][]float32, error) {
	p, err := m.Predict(x)
	if err != nil {
		return nil, err
	}
	for _, row := range p {
		softmaxInPlace(row)
	}
	return p, nil
}

// PredictClasses returns the predicted class of every example of x: the
// index of its largest output (the first one on ties, as NumPy's argmax).
func (m *Model) PredictClasses(x [][]float32) ([]int, error) {
	p, err := m.Predict(x)
	if err != nil {
		return nil, err
	}
	cls := make([]int, len(p))
	for i, row := range p {
		cls[i] = argmax(row)
	}
	return cls, nil
}

// PredictNames is PredictClasses with the classes named by the model's
// Classes; it fails when the model has no class names.
func (m *Model) PredictNames(x [][]float32) ([]string, error) {
	if len(m.Classes) != m.classes {
		return nil, fmt.Errorf("mlp: the model has no class names; set them with SetClasses")
	}
	cls, err := m.PredictClasses(x)
	if err != nil {
		return nil, err
	}
	names := make([]string, len(cls))
	for i, c := range cls {
		names[i] = m.Classes[c]
	}
	return names, nil
}
