package embedding

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
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
// Entries are keyed by the inner embedder's model, task type (when it has
// one, see TaskTyper) and dimension, and by the SHA-256 of the text: the
// folder Dir()/<model>/<task>-<dim>/ holds segment files of
// (hash, float32 vector) records. Every file is written to a temporary name,
// synced and renamed, so a reader never sees a partial file. Results are
// saved batch by batch as they arrive (per request for a StreamEmbedder,
// else per chunk of CacheOptions.Chunk texts): a run cut off half-way —
// Ctrl-C, a notebook cell interrupt, a crash — keeps what it had paid for,
// and the next run asks only for what is missing. A run that finds every
// text cached makes no request at all. At the end of a run that added
// entries, the segments are merged into one file.
//
// Several Cache values, in one process or several, may share a folder; at
// worst a text embedded by two of them at the same moment is paid twice.
// Texts are not stored, only their hashes; nor is any API key.
type Cache struct {
	inner    Embedder
	dir      string // the key folder
	root     string
	taskType string
	dims     int
	opts     CacheOptions

	mu     sync.Mutex
	loaded bool
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
}

// CacheStats counts what a Cache did.
type CacheStats struct {
	Hits   int64 // texts served from the cache
	Misses int64 // texts passed to the inner embedder
}

// NewCache returns a Cache in dir (created if needed) wrapping inner.
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
	c := &Cache{inner: inner, root: dir, taskType: task, dims: inner.Dim(), opts: opts}
	c.dir = filepath.Join(dir, safeName(inner.Model()), fmt.Sprintf("%s-%d", safeName(task), c.dims))
	if err := os.MkdirAll(c.dir, 0o755); err != nil {
		return nil, fmt.Errorf("embedding: cannot create the cache folder: %w", err)
	}
	if err := c.writeMeta(); err != nil {
		return nil, err
	}
	return c, nil
}

// safeName makes s usable as one path element.
func safeName(s string) string {
	s = strings.TrimPrefix(s, "models/")
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

// Model returns the inner embedder's model.
func (c *Cache) Model() string { return c.inner.Model() }

// Dim returns the inner embedder's dimension.
func (c *Cache) Dim() int { return c.inner.Dim() }

// TaskType returns the task type the cache is keyed by.
func (c *Cache) TaskType() string { return c.taskType }

// Dir returns the folder holding this model's, task type's and dimension's
// entries.
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
// from the inner embedder for the rest, which it saves as they arrive. Each
// distinct missing text is sent once, however often it repeats. On error
// (including cancellation) the vectors received so far stay saved.
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
			if err := c.store(missingKeys[start:start+len(vecs)], vecs); err != nil {
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

// Segment file format (little-endian):
//
//	magic   [8]byte "EMBVEC01"
//	dim     uint32
//	count   uint32
//	count × (sha256 [32]byte, dim × float32)
var segMagic = [8]byte{'E', 'M', 'B', 'V', 'E', 'C', '0', '1'}

const segExt = ".vec"

// load reads every segment file in the key folder into memory, once. Files
// that vanish while being read (merged by another Cache) are skipped;
// damaged ones too, as their entries will simply be embedded again. The
// caller holds c.mu.
func (c *Cache) load() error {
	if c.loaded {
		return nil
	}
	c.mem = map[[32]byte][]float32{}
	c.files = map[string]bool{}
	names, err := filepath.Glob(filepath.Join(c.dir, "*"+segExt))
	if err != nil {
		return fmt.Errorf("embedding: reading the cache folder: %w", err)
	}
	slices.Sort(names)
	for _, name := range names {
		if err := c.readSegment(name); err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				continue
			}
			continue // damaged: its entries are re-embedded
		}
		c.files[name] = true
	}
	c.loaded = true
	return nil
}

func (c *Cache) readSegment(name string) error {
	f, err := os.Open(name)
	if err != nil {
		return err
	}
	defer f.Close()
	r := bufio.NewReaderSize(f, 1<<16)
	var hdr [16]byte
	if _, err := io.ReadFull(r, hdr[:]); err != nil {
		return err
	}
	if [8]byte(hdr[:8]) != segMagic {
		return fmt.Errorf("%s: not a cache segment", name)
	}
	dim := int(binary.LittleEndian.Uint32(hdr[8:12]))
	count := int(binary.LittleEndian.Uint32(hdr[12:16]))
	if dim <= 0 || dim > 1<<20 {
		return fmt.Errorf("%s: bad dimension %d", name, dim)
	}
	rec := make([]byte, 32+4*dim)
	entries := make(map[[32]byte][]float32, count)
	for i := 0; i < count; i++ {
		if _, err := io.ReadFull(r, rec); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		v := make([]float32, dim)
		for j := range v {
			v[j] = math.Float32frombits(binary.LittleEndian.Uint32(rec[32+4*j:]))
		}
		entries[[32]byte(rec[:32])] = v
	}
	for k, v := range entries {
		c.mem[k] = v
	}
	return nil
}

// store adds vectors to memory and writes them as a new segment file.
func (c *Cache) store(keys [][32]byte, vecs [][]float32) error {
	if err := checkVectors(c.inner.Model(), make([]string, len(keys)), vecs); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	name, err := c.writeSegment(keys, vecs)
	if err != nil {
		return err
	}
	c.files[name] = true
	for i, k := range keys {
		c.mem[k] = slices.Clone(vecs[i])
	}
	c.added += len(keys)
	return nil
}

// writeSegment writes records atomically to a new segment file and returns
// its name.
func (c *Cache) writeSegment(keys [][32]byte, vecs [][]float32) (string, error) {
	dim := len(vecs[0])
	tmp, err := os.CreateTemp(c.dir, ".seg-*.tmp")
	if err != nil {
		return "", fmt.Errorf("embedding: writing the cache: %w", err)
	}
	ok := false
	defer func() {
		if !ok {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	w := bufio.NewWriterSize(tmp, 1<<16)
	var hdr [16]byte
	copy(hdr[:8], segMagic[:])
	binary.LittleEndian.PutUint32(hdr[8:12], uint32(dim))
	binary.LittleEndian.PutUint32(hdr[12:16], uint32(len(keys)))
	w.Write(hdr[:])
	buf := make([]byte, 4*dim)
	for i, k := range keys {
		w.Write(k[:])
		for j, x := range vecs[i] {
			binary.LittleEndian.PutUint32(buf[4*j:], math.Float32bits(x))
		}
		w.Write(buf)
	}
	if err := w.Flush(); err != nil {
		return "", fmt.Errorf("embedding: writing the cache: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		return "", fmt.Errorf("embedding: writing the cache: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return "", fmt.Errorf("embedding: writing the cache: %w", err)
	}
	unique := strings.TrimSuffix(strings.TrimPrefix(filepath.Base(tmp.Name()), ".seg-"), ".tmp")
	name := filepath.Join(c.dir, fmt.Sprintf("seg-%d-%s%s", time.Now().UnixNano(), unique, segExt))
	if err := os.Rename(tmp.Name(), name); err != nil {
		return "", fmt.Errorf("embedding: writing the cache: %w", err)
	}
	ok = true
	return name, nil
}

// merge rewrites this Cache's known segments as one file when entries were
// added, then removes the old ones. Segments written meanwhile by others
// are left alone.
func (c *Cache) merge() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.added == 0 || len(c.files) < 2 || len(c.mem) == 0 {
		return nil
	}
	dim := len(c.anyVector())
	keys := make([][32]byte, 0, len(c.mem))
	for k, v := range c.mem {
		if len(v) == dim {
			keys = append(keys, k)
		}
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

// anyVector returns one vector of the cache, to learn its dimension.
func (c *Cache) anyVector() []float32 {
	for _, v := range c.mem {
		return v
	}
	return nil
}

// cacheMeta describes a key folder for people looking at it.
type cacheMeta struct {
	Model    string `json:"model"`
	TaskType string `json:"task_type"`
	Dim      int    `json:"dim"`
	Format   string `json:"format"`
}

func (c *Cache) writeMeta() error {
	name := filepath.Join(c.dir, "meta.json")
	if _, err := os.Stat(name); err == nil {
		return nil
	}
	b, _ := json.MarshalIndent(cacheMeta{
		Model: c.inner.Model(), TaskType: c.taskType, Dim: c.dims,
		Format: "*.vec: magic EMBVEC01, uint32 dim, uint32 count, then count × (sha256 of the UTF-8 text, dim × float32), little-endian",
	}, "", "  ")
	if err := atomicfile.WriteFile(name, append(b, '\n')); err != nil {
		return fmt.Errorf("embedding: writing the cache: %w", err)
	}
	return nil
}
