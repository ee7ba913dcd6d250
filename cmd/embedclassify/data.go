package main

import (
	"context"
	"errors"
	"io"
)

// runData implements "embedclassify data".
func runData(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return errors.New("'data' is not built yet")
}
