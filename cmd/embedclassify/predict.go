package main

import (
	"context"
	"errors"
	"io"
)

// runPredict implements "embedclassify predict".
func runPredict(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return errors.New("'predict' is not built yet")
}
