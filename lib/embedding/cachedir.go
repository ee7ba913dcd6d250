package embedding

import (
	"os"
	"path/filepath"
)

// CacheDirEnv names the variable that overrides DefaultCacheDir.
const CacheDirEnv = "EMBEDCLASSIFY_EMBEDDING_CACHE"

// DefaultCacheDir returns the folder where the notebook and the
// embedclassify command keep Gemini embeddings between runs:
// $EMBEDCLASSIFY_EMBEDDING_CACHE, else embedclassify/embeddings in the
// user's cache folder (or in the temporary folder when there is none).
func DefaultCacheDir() string {
	if d := os.Getenv(CacheDirEnv); d != "" {
		return d
	}
	dir, err := os.UserCacheDir()
	if err != nil {
		dir = os.TempDir()
	}
	return filepath.Join(dir, "embedclassify", "embeddings")
}
