package gemini

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/url"
	"strings"

	"google.golang.org/genai"
)

// Endpoint identifies the service that computes the vectors, for
// embedding.Endpointer: the backend ("gemini-api" or "vertex-ai"), the
// Vertex AI location when one is set, and the base URL the SDK sends
// requests to (the default one or HTTPOptions.BaseURL /
// GOOGLE_GEMINI_BASE_URL), without credentials, query or fragment. The
// project and the key are left out: they do not change a vector, and the
// string is written into cache folders. A MaxChars other than the default
// is added, as it changes the vectors of long texts.
func (e *Embedder) Endpoint() string {
	cc := e.client.ClientConfig()
	var b strings.Builder
	if cc.Backend == genai.BackendVertexAI {
		b.WriteString("vertex-ai")
		if cc.Location != "" {
			b.WriteString(" location=" + cc.Location)
		}
	} else {
		b.WriteString("gemini-api")
	}
	b.WriteString(" " + endpointURL(cc.HTTPOptions.BaseURL))
	if e.maxChars != DefaultMaxChars {
		// Texts cut elsewhere get other vectors.
		fmt.Fprintf(&b, " max-chars=%d", e.maxChars)
	}
	return b.String()
}

// endpointURL returns base in canonical form: lower-case scheme and host,
// a path ending in "/", no user information, query or fragment.
func endpointURL(base string) string {
	u, err := url.Parse(strings.TrimSpace(base))
	if err != nil || u.Host == "" {
		// Not a URL the SDK could use either: identify it without
		// showing what it may hold.
		sum := sha256.Sum256([]byte(base))
		return "unparsed-url-sha256:" + hex.EncodeToString(sum[:8])
	}
	u.Scheme = strings.ToLower(u.Scheme)
	u.Host = strings.ToLower(u.Host)
	u.User, u.RawQuery, u.Fragment, u.RawFragment, u.ForceQuery = nil, "", "", "", false
	if !strings.HasSuffix(u.Path, "/") {
		u.Path += "/"
		u.RawPath = ""
	}
	return u.String()
}
