package embedding

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
)

// cacheKey is everything that determines a cached vector besides its text.
// It is derived from the embedder by code (see newCacheKey), never typed by
// hand: a change to any field gives another folder and another digest, and
// a segment written under one key never verifies under another.
type cacheKey struct {
	Format   int    `json:"format"`    // segFormat
	Model    string `json:"model"`     // without a "models/" prefix
	TaskType string `json:"task_type"` // "none" for embedders without one
	Dims     int    `json:"dims"`      // 0: the model's own, not known in advance
	Endpoint string `json:"endpoint"`  // see Endpointer; "" for in-process embedders
}

// newCacheKey returns the key of inner's vectors, with task type task.
func newCacheKey(inner Embedder, task string) cacheKey {
	k := cacheKey{
		Format:   segFormat,
		Model:    strings.TrimPrefix(inner.Model(), "models/"),
		TaskType: task,
		Dims:     inner.Dim(),
	}
	if e, ok := inner.(Endpointer); ok {
		k.Endpoint = e.Endpoint()
	}
	return k
}

// json returns the key's canonical form, as written in meta.json.
func (k cacheKey) json() []byte {
	b, err := json.Marshal(k)
	if err != nil {
		panic(err) // strings and ints always marshal
	}
	return b
}

// digest returns the SHA-256 of the key's canonical form, written in every
// segment's header and mixed into every record's checksum.
func (k cacheKey) digest() [32]byte { return sha256.Sum256(k.json()) }

// dir returns the key's folder under root:
// <model>/<task type>-<dims>-<first 8 hex digits of the digest>.
func (k cacheKey) dir(root string) string {
	d := k.digest()
	return filepath.Join(root, safeName(k.Model), fmt.Sprintf("%s-%d-%x", safeName(k.TaskType), k.Dims, d[:4]))
}

// legacyDir returns the folder format 1 used for the same model, task type
// and dimension, whatever the endpoint.
func (k cacheKey) legacyDir(root string) string {
	return filepath.Join(root, safeName(k.Model), fmt.Sprintf("%s-%d", safeName(k.TaskType), k.Dims))
}

// safeName makes s usable as one path element.
func safeName(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '_', r == '.':
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	out := b.String()
	if out == "" || out == "." || out == ".." {
		out = "_" + out
	}
	return out
}
