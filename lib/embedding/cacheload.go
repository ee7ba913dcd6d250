package embedding

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/embedclassify/embedclassify/internal/atomicfile"
)

// damagedDir is the folder, inside a key folder, where damaged segment
// files are moved.
const damagedDir = "damaged"

// load reads every segment file in the key folder into memory, once. Files
// that vanish before they are opened (merged by another Cache) are
// skipped. A damaged file is reported through opts.Warn, its good records
// are kept (and written again as a new segment) and the file is moved into
// the damaged folder. The caller holds c.mu.
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
	var salvKeys [][32]byte
	var salvVecs [][]float32
	for _, name := range names {
		s, err := c.readSegment(name)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return fmt.Errorf("embedding: reading the cache: %w", err)
		}
		if c.dim == 0 && len(s.vecs) > 0 {
			c.dim = s.dim
		}
		if s.dim != c.dim && len(s.vecs) > 0 {
			// Only possible when the dimension was not known in advance
			// and two files disagree; the first one read wins.
			s.damage = fmt.Sprintf("its %d-value vectors differ from the %d values of the others", s.dim, c.dim)
			s.bad += len(s.vecs)
			s.keys, s.vecs = nil, nil
		}
		for i, k := range s.keys {
			c.mem[k] = s.vecs[i]
		}
		if s.damage == "" {
			c.files[name] = true
			continue
		}
		salvKeys = append(salvKeys, s.keys...)
		salvVecs = append(salvVecs, s.vecs...)
		c.quarantine(name, s)
	}
	if len(salvKeys) > 0 {
		name, err := c.writeSegment(salvKeys, salvVecs)
		if err != nil {
			return err
		}
		c.files[name] = true
	}
	c.loaded = true
	return nil
}

// readSegment decodes one segment file.
func (c *Cache) readSegment(name string) (*segment, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	s, err := decodeSegment(f, st.Size(), c.digest, c.dim)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return s, nil
}

// quarantine moves a damaged segment file into the damaged folder and says
// so, once, through opts.Warn.
func (c *Cache) quarantine(name string, s *segment) {
	lost := "its other records"
	switch {
	case s.bad == 1:
		lost = "its 1 bad record"
	case s.bad > 1:
		lost = fmt.Sprintf("its %d bad records", s.bad)
	}
	msg := fmt.Sprintf("embedding cache: %s is damaged: %s. Kept its %d good vectors; %s will be embedded again when needed.", name, s.damage, len(s.keys), lost)
	if s.oldFormat {
		msg = fmt.Sprintf("embedding cache: %s is %s; its vectors are not used and will be embedded again when needed.", name, s.damage)
	}
	dest := filepath.Join(c.dir, damagedDir, filepath.Base(name))
	err := os.MkdirAll(filepath.Dir(dest), 0o755)
	if err == nil {
		err = os.Rename(name, dest)
	}
	switch {
	case err == nil:
		msg += " Moved the file to " + dest + "; delete it when you no longer need it."
	case errors.Is(err, fs.ErrNotExist):
		msg += " Another run has moved the file already."
	default:
		msg += fmt.Sprintf(" It could not be moved aside (%v) and will be ignored again next time.", err)
	}
	c.opts.Warn(msg)
}

// retireLegacy moves aside the folder of the cache's first format for this
// Cache's model, task type and dimension, with a warning: its files
// recorded neither the endpoint nor checksums, so none of its vectors can
// be trusted to come from this Cache's endpoint. Nothing is deleted.
func (c *Cache) retireLegacy() {
	old := c.key.legacyDir(c.root)
	segs, _ := filepath.Glob(filepath.Join(old, "*"+segExt))
	if len(segs) == 0 {
		return
	}
	dest := fmt.Sprintf("%s.format1-%s", old, time.Now().UTC().Format("20060102T150405.000000000"))
	if err := os.Rename(old, dest); err != nil {
		if !errors.Is(err, fs.ErrNotExist) {
			c.opts.Warn(fmt.Sprintf("embedding cache: %s holds %d files of the cache's format 1, which recorded neither the endpoint nor checksums; they are not used. Moving the folder aside failed (%v): delete it to silence this warning.", old, len(segs), err))
		}
		return
	}
	c.opts.Warn(fmt.Sprintf("embedding cache: %s held %d files of the cache's format 1, which recorded neither the endpoint nor checksums; they are not used, and the folder was moved to %s (delete it to free the space). Their vectors will be embedded again when needed.", old, len(segs), dest))
}

// removeOrphans removes the temporary segment files (".seg-*.tmp") in dir
// that were last modified more than orphanAge before now: what runs killed
// while writing left behind. Younger ones may belong to a live writer and
// are left alone.
func removeOrphans(dir string, now time.Time) {
	tmps, _ := filepath.Glob(filepath.Join(dir, ".seg-*.tmp"))
	for _, name := range tmps {
		if st, err := os.Stat(name); err == nil && st.Mode().IsRegular() && now.Sub(st.ModTime()) > orphanAge {
			os.Remove(name)
		}
	}
}

// cacheMeta describes a key folder for people looking at it.
type cacheMeta struct {
	Key    json.RawMessage `json:"key"`
	Format string          `json:"format"`
}

func (c *Cache) writeMeta() error {
	name := filepath.Join(c.dir, "meta.json")
	if _, err := os.Stat(name); err == nil {
		return nil
	}
	b, err := json.MarshalIndent(cacheMeta{
		Key:    c.key.json(),
		Format: "*.vec: magic EMBVEC02, sha256 of the key, uint32 dim, uint32 count, CRC-32C of the header, then count × (sha256 of the UTF-8 text, dim × float32, CRC-32C of the key and the record), little-endian",
	}, "", "  ")
	if err != nil {
		return fmt.Errorf("embedding: writing the cache: %w", err)
	}
	if err := atomicfile.WriteFile(name, append(b, '\n')); err != nil {
		return fmt.Errorf("embedding: writing the cache: %w", err)
	}
	return nil
}
