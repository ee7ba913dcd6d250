package mlp

// History records what Fit measured after every epoch, as Keras'
// History.history does: the epoch's training loss and accuracy and the loss
// and accuracy on the validation data, when there was any.
//
// The training figures are those Keras 3 reports: each example counts once,
// scored by the weights in force when its batch was drawn — before that
// batch's update, so they mix the weights of every step of the epoch. Loss
// is the mean of the examples' losses (each batch's mean loss weighted by
// the batch's size, so a partial last batch counts for its examples only),
// accuracy the fraction of the examples predicted right.
type History struct {
	Loss        []float64 // mean per-example training loss of each epoch, from each batch's pre-update predictions
	Accuracy    []float64 // fraction of each epoch's training examples predicted right, likewise
	ValLoss     []float64 // validation loss after each epoch; nil without validation data
	ValAccuracy []float64 // validation accuracy after each epoch; nil without validation data
	// StoppedEpoch is the 1-based epoch after which early stopping ended
	// training, or 0 when training ran every epoch.
	StoppedEpoch int
}

// Epochs returns the number of epochs that were run.
func (h *History) Epochs() int { return len(h.Loss) }
