package embedding

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/embedclassify/embedclassify/internal/atomicfile"
)

// Cache is an Embedder that keeps every vector its inner embedder computes
// in a folder on disk, so that the same text is never paid for twice.
//
// Entries are keyed by everything that determines a vector: the inner
// embedder's model, task type (when it has one, see TaskTyper), dimension
// and endpoint (when it has one, see Endpointer), the cache's format
// version, and the SHA-256 of the text. The folder
// Dir() = <root>/<model>/<task>-<dim>-<key digest> holds segment files of
// checksummed (hash, float32 vector) records and a meta.json stating the
// key. Every file is written to a temporary name, synced and renamed, so a
// reader never sees a partial file.
//
// Results are saved batch by batch as they arrive (per request for a
// StreamEmbedder, else per chunk of CacheOptions.Chunk texts): a run cut
// off half-way — Ctrl-C, a notebook cell interrupt, a crash — keeps what it
// had paid for, and the next run asks only for what is missing. A run that
// finds every text cached makes no request at all. At the end of a run
// that added entries, the segments are merged into one file.
//
// Every vector is checked before it is cached (its length is the
// embedder's dimension, its values are finite, its norm is sane): a bad
// answer is an error and nothing of it is stored. Every vector read back
// is checked again, against its record's checksum too. A damaged file
// costs only its damaged records: the cache warns once naming the file,
// keeps the good records, moves the file into the damaged/ folder beside
// it, and the lost vectors are embedded again when asked for. Files of
// the first format, which recorded neither checksums nor the endpoint,
// are never read: their folder is moved aside with a warning.
//
// Several Cache values, in one process or several, may share a folder; at
// worst a text embedded by two of them at the same moment is paid twice.
// Texts are not stored, only their hashes; nor is any API key.
type Cache struct {
	inner    Embedder
	root     string
	key      cacheKey
	digest   [32]byte
	dir      string // the key folder
	taskType string
	opts     CacheOptions

	mu     sync.Mutex
	loaded bool
	dim    int // every vector's length; 0 until known
	mem    map[[32]byte][]float32
	files  map[string]bool // segment files read or written by this value
	added  int             // entries added since the last merge
	hits   atomic.Int64
	misses atomic.Int64
}

// CacheOptions configures a Cache. The zero value is ready to use.
type CacheOptions struct {
	// TaskType overrides the task type part of the key; by default it is
	// the inner embedder's (TaskTyper), or "none".
	TaskType string
	// Progress, when set, receives progress over all texts of each Embed
	// call, cached ones counted as done from the start.
	Progress ProgressFunc
	// Chunk is how many missing texts are passed to an inner embedder that
	// is not a StreamEmbedder at a time, each chunk saved when it is done
	// (default 256).
	Chunk int
	// Warn receives one message, for people to read, per problem the
	// cache found and repaired on its own: a damaged file (named, with
	// where it was moved), a folder of an old format moved aside. By
	// default the messages go to standard error.
	Warn func(msg string)
}

// CacheStats counts what a Cache did.
type CacheStats struct {
	Hits   int64 // texts served from the cache
	Misses int64 // texts passed to the inner embedder
}

// orphanAge is how old a temporary segment file must be before a Cache
// removes it as left over by a killed run. A writer writes a segment from
// memory in one go (create, write, sync, rename), in seconds even for the
// largest merged file, so a temporary file not modified for an hour has no
// live writer.
const orphanAge = time.Hour

// NewCache returns a Cache in dir (created if needed) wrapping inner.
// Temporary files left in its key folder by killed runs are removed (see
// orphanAge); a folder of the cache's first format for the same model,
// task type and dimension is moved aside with a warning.
func NewCache(inner Embedder, dir string, opts CacheOptions) (*Cache, error) {
	if inner == nil {
		return nil, errors.New("embedding: NewCache needs an embedder to wrap")
	}
	if dir == "" {
		return nil, errors.New("embedding: NewCache needs a folder")
	}
	task := opts.TaskType
	if task == "" {
		if t, ok := inner.(TaskTyper); ok {
			task = t.TaskType()
		}
	}
	if task == "" {
		task = "none"
	}
	if opts.Chunk <= 0 {
		opts.Chunk = 256
	}
	if opts.Warn == nil {
		opts.Warn = func(msg string) { fmt.Fprintln(os.Stderr, "warning: "+msg) }
	}
	key := newCacheKey(inner, task)
	c := &Cache{
		inner: inner, root: dir, key: key, digest: key.digest(), dir: key.dir(dir),
		taskType: task, opts: opts, dim: max(key.Dims, 0),
	}
	c.retireLegacy()
	if err := os.MkdirAll(c.dir, 0o755); err != nil {
		return nil, fmt.Errorf("embedding: cannot create the cache folder: %w", err)
	}
	if err := c.writeMeta(); err != nil {
		return nil, err
	}
	removeOrphans(c.dir, time.Now())
	return c, nil
}

// Model returns the inner embedder's model.
func (c *Cache) Model() string { return c.inner.Model() }

// Dim returns the inner embedder's dimension.
func (c *Cache) Dim() int { return c.inner.Dim() }

// TaskType returns the task type the cache is keyed by.
func (c *Cache) TaskType() string { return c.taskType }

// Dir returns the folder holding the entries of this Cache's key.
func (c *Cache) Dir() string { return c.dir }

// Inner returns the wrapped embedder.
func (c *Cache) Inner() Embedder { return c.inner }

// Stats returns how many texts were served from the cache and how many were
// passed on, over the Cache's life.
func (c *Cache) Stats() CacheStats {
	return CacheStats{Hits: c.hits.Load(), Misses: c.misses.Load()}
}

// Len returns the number of vectors in the cache (after loading it).
func (c *Cache) Len() (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := c.load(); err != nil {
		return 0, err
	}
	return len(c.mem), nil
}

// textKey is the cache key of a text within its folder.
func textKey(s string) [32]byte { return sha256.Sum256([]byte(s)) }

// Embed returns the vectors of texts, from the cache where it has them and
// from the inner embedder for the rest, which it checks and saves as they
// arrive. Each distinct missing text is sent once, however often it
// repeats. On error (including cancellation and a bad answer) the vectors
// received and checked so far stay saved.
func (c *Cache) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	c.mu.Lock()
	if err := c.load(); err != nil {
		c.mu.Unlock()
		return nil, err
	}
	keys := make([][32]byte, len(texts))
	out := make([][]float32, len(texts))
	var missing []string
	var missingKeys [][32]byte
	var missingAt []int // each missing text's first index in texts
	want := map[[32]byte]bool{}
	cached := 0
	for i, t := range texts {
		k := textKey(t)
		keys[i] = k
		if v, ok := c.mem[k]; ok {
			out[i] = slices.Clone(v)
			cached++
			continue
		}
		if !want[k] {
			want[k] = true
			missing = append(missing, t)
			missingKeys = append(missingKeys, k)
			missingAt = append(missingAt, i)
		}
	}
	c.mu.Unlock()
	c.hits.Add(int64(cached))
	c.misses.Add(int64(len(missing)))

	total := len(texts)
	// Texts repeated among the missing ones count as done with their first.
	counts := map[[32]byte]int{}
	for i := range texts {
		if out[i] == nil {
			counts[keys[i]]++
		}
	}
	done := cached
	report := func() {
		if c.opts.Progress != nil {
			c.opts.Progress(done, total)
		}
	}
	report()

	var runErr error
	if len(missing) > 0 {
		save := func(start int, vecs [][]float32) error {
			if start < 0 || start+len(vecs) > len(missing) {
				return fmt.Errorf("embedding: %s returned a batch outside its input", c.inner.Model())
			}
			if err := c.store(missingKeys[start:start+len(vecs)], missingAt[start:start+len(vecs)], vecs); err != nil {
				return err
			}
			for _, k := range missingKeys[start : start+len(vecs)] {
				done += counts[k]
			}
			report()
			return nil
		}
		if s, ok := c.inner.(StreamEmbedder); ok {
			runErr = s.EmbedEach(ctx, missing, save)
		} else {
			for lo := 0; lo < len(missing) && runErr == nil; lo += c.opts.Chunk {
				hi := min(lo+c.opts.Chunk, len(missing))
				var vecs [][]float32
				vecs, runErr = c.inner.Embed(ctx, missing[lo:hi])
				if runErr == nil {
					runErr = checkVectors(c.inner.Model(), missing[lo:hi], vecs)
				}
				if runErr == nil {
					runErr = save(lo, vecs)
				}
			}
		}
		if err := c.merge(); err != nil && runErr == nil {
			runErr = err
		}
	}
	if runErr != nil {
		return nil, runErr
	}

	c.mu.Lock()
	defer c.mu.Unlock()
	for i := range texts {
		if out[i] != nil {
			continue
		}
		v, ok := c.mem[keys[i]]
		if !ok {
			return nil, fmt.Errorf("embedding: %s returned no vector for text %d", c.inner.Model(), i)
		}
		out[i] = slices.Clone(v)
	}
	return out, nil
}

// store checks vectors, the answer for the texts at indexes at of an Embed
// call, and adds them to memory and to a new segment file. When one is bad
// nothing is stored and the error says what came back.
func (c *Cache) store(keys [][32]byte, at []int, vecs [][]float32) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	dim := c.dim
	if dim == 0 && len(vecs) > 0 {
		dim = len(vecs[0]) // the first answer sets the dimension
	}
	for i, v := range vecs {
		if err := checkVector(v, dim); err != nil {
			return fmt.Errorf("embedding: %s returned a bad vector for text %d: it %s (task type %s); nothing of this answer was cached", c.inner.Model(), at[i], err, c.taskType)
		}
	}
	name, err := c.writeSegment(keys, vecs)
	if err != nil {
		return err
	}
	c.dim = dim
	c.files[name] = true
	for i, k := range keys {
		c.mem[k] = slices.Clone(vecs[i])
	}
	c.added += len(keys)
	return nil
}

// writeSegment writes records atomically to a new segment file and returns
// its name. The caller holds c.mu.
func (c *Cache) writeSegment(keys [][32]byte, vecs [][]float32) (string, error) {
	name := filepath.Join(c.dir, fmt.Sprintf("seg-%d-%s%s", time.Now().UnixNano(), rand.Text()[:10], segExt))
	f, err := atomicfile.Create(name)
	if err != nil {
		return "", fmt.Errorf("embedding: writing the cache: %w", err)
	}
	defer f.Abort()
	if err := encodeSegment(f, c.digest, keys, vecs); err != nil {
		return "", fmt.Errorf("embedding: writing the cache: %w", err)
	}
	if err := f.Commit(); err != nil {
		return "", fmt.Errorf("embedding: writing the cache: %w", err)
	}
	return name, nil
}

// merge rewrites this Cache's known segments as one file when entries were
// added, then removes the old ones. Segments written meanwhile by others
// are left alone. Every vector in memory was checked, so none is dropped.
func (c *Cache) merge() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.added == 0 || len(c.files) < 2 || len(c.mem) == 0 {
		return nil
	}
	keys := make([][32]byte, 0, len(c.mem))
	for k := range c.mem {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b [32]byte) int { return strings.Compare(string(a[:]), string(b[:])) })
	vecs := make([][]float32, len(keys))
	for i, k := range keys {
		vecs[i] = c.mem[k]
	}
	name, err := c.writeSegment(keys, vecs)
	if err != nil {
		return err
	}
	for old := range c.files {
		os.Remove(old)
	}
	c.files = map[string]bool{name: true}
	c.added = 0
	return nil
}
