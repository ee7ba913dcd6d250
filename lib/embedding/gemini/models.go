package gemini

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"google.golang.org/genai"
)

// ListEmbeddingModels returns the names of the models that support
// embedContent (for example "models/gemini-embedding-001"), in the service's
// order, through the SDK's Models.All. On Vertex AI, which does not report
// supported actions, it returns the models whose name contains "embedding".
func ListEmbeddingModels(ctx context.Context, client *genai.Client) ([]string, error) {
	if client == nil {
		return nil, errors.New("gemini: ListEmbeddingModels needs a client")
	}
	vertex := client.ClientConfig().Backend == genai.BackendVertexAI
	var names []string
	for m, err := range client.Models.All(ctx) {
		if err != nil {
			return nil, fmt.Errorf("gemini: listing models: %s", scrub(explain(err, ""), client.ClientConfig().APIKey))
		}
		if slices.Contains(m.SupportedActions, "embedContent") || (vertex && strings.Contains(m.Name, "embedding")) {
			names = append(names, m.Name)
		}
	}
	return names, nil
}
