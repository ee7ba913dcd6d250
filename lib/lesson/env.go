package lesson

import (
	"context"
	"fmt"
	"os"
	"strconv"

	"github.com/embedclassify/embedclassify/lib/embedding/gemini"
	"github.com/embedclassify/embedclassify/lib/notebook"
	"google.golang.org/genai"
)

// EnvInt returns the integer in the environment variable name, or def when
// it is unset. A value that is not a whole number stops the cell with an
// error box (see notebook.Check).
func EnvInt(name string, def int) int {
	s := os.Getenv(name)
	if s == "" {
		return def
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		notebook.Check(fmt.Errorf("environment variable %s=%q is not a whole number", name, s))
	}
	return n
}

// EmbeddingModels lists the models that offer embedContent, as the
// tutorial's loop over client.models.list() does. Without a client (no
// key) it says there is no list to get.
func EmbeddingModels(client *genai.Client) ([]string, error) {
	if client == nil {
		return []string{"No key, so no model list: the offline embedder needs no model from the API."}, nil
	}
	return gemini.ListEmbeddingModels(context.Background(), client)
}
