package main

import (
	"context"
	"errors"
	"io"
)

// runRun implements "embedclassify run".
func runRun(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return errors.New("'run' is not built yet")
}
