package notebook

import (
	"bytes"
	"context"
	"encoding/gob"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/embedclassify/embedclassify/lib/mlp"
)

// Fit trains the classifier build returns on x, y, measuring it on xVal,
// yVal after every epoch, and returns it with its history. Like Memo it
// trains once per kernel session: later cells read the trained classifier
// and its history back from MemoDir under key. While training it prints
// one line per epoch, as Keras does, and interrupting the cell stops it
// after the current batch. It stops the cell on error (see Check).
func Fit(key string, build func() (*mlp.Model, error), x [][]float32, y []int, xVal [][]float32, yVal []int) (*mlp.Model, *mlp.History) {
	ctx, stop := Context()
	defer stop()
	m, h, err := fit(ctx, MemoDir(), key, os.Stdout, build, x, y, xVal, yVal)
	Check(err)
	return m, h
}

func fit(ctx context.Context, dir, key string, log io.Writer, build func() (*mlp.Model, error), x [][]float32, y []int, xVal [][]float32, yVal []int) (*mlp.Model, *mlp.History, error) {
	if !keyRE.MatchString(key) {
		return nil, nil, fmt.Errorf("notebook.Fit: key %q: use letters, digits, '.', '_' and '-' only", key)
	}
	modelFile := filepath.Join(dir, key+".model")
	histFile := filepath.Join(dir, key+".history.gob")
	if dir != "" {
		if m, h, err := loadTrained(modelFile, histFile); err == nil {
			return m, h, nil
		}
	}
	m, err := build()
	if err != nil {
		return nil, nil, err
	}
	h, err := m.Fit(ctx, x, y, xVal, yVal, func(r mlp.EpochResult) { fmt.Fprintln(log, r.String()) })
	if err != nil {
		return nil, nil, fmt.Errorf("training the classifier: %w", err)
	}
	if h.StoppedEpoch > 0 {
		fmt.Fprintf(log, "Early stopping: training accuracy did not improve for %d epochs; stopped after epoch %d.\n", m.Config().Patience, h.StoppedEpoch)
	}
	if dir == "" {
		return m, h, nil
	}
	var mb, hb bytes.Buffer
	if err := m.Save(&mb); err != nil {
		return nil, nil, fmt.Errorf("notebook.Fit: keeping the classifier for later cells: %w", err)
	}
	if err := gob.NewEncoder(&hb).Encode(h); err != nil {
		return nil, nil, fmt.Errorf("notebook.Fit: keeping the history for later cells: %w", err)
	}
	if err := errors.Join(writeFileAtomic(histFile, hb.Bytes()), writeFileAtomic(modelFile, mb.Bytes())); err != nil {
		return nil, nil, fmt.Errorf("notebook.Fit: %w", err)
	}
	return m, h, nil
}

func loadTrained(modelFile, histFile string) (*mlp.Model, *mlp.History, error) {
	hb, err := os.ReadFile(histFile)
	if err != nil {
		return nil, nil, err
	}
	var h mlp.History
	if err := gob.NewDecoder(bytes.NewReader(hb)).Decode(&h); err != nil {
		return nil, nil, err
	}
	m, err := mlp.LoadFile(modelFile)
	if err != nil {
		return nil, nil, err
	}
	return m, &h, nil
}
