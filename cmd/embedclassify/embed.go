package main

import (
	"context"
	"errors"
	"io"
)

// runEmbed implements "embedclassify embed".
func runEmbed(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return errors.New("'embed' is not built yet")
}
