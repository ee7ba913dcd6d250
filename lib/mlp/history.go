package mlp

// History records what Fit measured after every epoch, as Keras'
// History.history does: the epoch's mean training loss and accuracy
// (averaged over its batches, as Keras reports them) and the loss and
// accuracy on the validation data, when there was any.
type History struct {
	Loss        []float64 // mean training loss of each epoch
	Accuracy    []float64 // mean training accuracy of each epoch
	ValLoss     []float64 // validation loss after each epoch; nil without validation data
	ValAccuracy []float64 // validation accuracy after each epoch; nil without validation data
	// StoppedEpoch is the 1-based epoch after which early stopping ended
	// training, or 0 when training ran every epoch.
	StoppedEpoch int
}

// Epochs returns the number of epochs that were run.
func (h *History) Epochs() int { return len(h.Loss) }
