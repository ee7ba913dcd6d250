package newsgroups

import (
	"archive/tar"
	"bufio"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
)

// EnvData is the environment variable naming the archive or folder to load
// when Options.Path is "".
const EnvData = "EMBEDCLASSIFY_DATA"

// Folder names of the by-date dataset.
const (
	trainFolder = "20news-bydate-train"
	testFolder  = "20news-bydate-test"
)

func partOfFolder(name string) string {
	switch name {
	case trainFolder:
		return Train
	case testFolder:
		return Test
	}
	return ""
}

// openCorpus reads the parts wanted from the source Options name.
func openCorpus(ctx context.Context, opt *Options, parts []string, transform func([]byte) string) (*corpus, error) {
	src, origin := opt.Path, "Options.Path"
	if src == "" {
		src, origin = os.Getenv(EnvData), "$"+EnvData
	}
	if src != "" {
		fi, err := os.Stat(src)
		if err != nil {
			return nil, fmt.Errorf("newsgroups: the dataset path %s (from %s) cannot be used: %w", src, origin, err)
		}
		if fi.IsDir() {
			if !hasFolder(src, trainFolder) && !hasFolder(src, testFolder) {
				// A folder holding the archive itself, like the shared data folder.
				if a := filepath.Join(src, ArchiveName); isFile(a) {
					return readArchiveFile(ctx, a, parts, "", transform)
				}
			}
			return readFolder(ctx, src, parts, transform)
		}
		return readArchiveFile(ctx, src, parts, "", transform)
	}
	return loadCached(ctx, opt, parts, transform)
}

func hasFolder(dir, name string) bool {
	fi, err := os.Stat(filepath.Join(dir, name))
	return err == nil && fi.IsDir()
}

func isFile(name string) bool {
	fi, err := os.Stat(name)
	return err == nil && fi.Mode().IsRegular()
}

// ctxReader stops reading when the context is cancelled.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

// readArchiveFile streams a .tar.gz file. When wantSHA is not "", the file's
// SHA-256 is checked too.
func readArchiveFile(ctx context.Context, name string, parts []string, wantSHA string, transform func([]byte) string) (*corpus, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, fmt.Errorf("newsgroups: opening the archive: %w", err)
	}
	defer f.Close()
	var r io.Reader = f
	h := sha256.New()
	if wantSHA != "" {
		r = io.TeeReader(f, h)
	}
	c, err := readArchive(ctx, r, name, parts, transform)
	if err != nil {
		return nil, err
	}
	if wantSHA != "" {
		if _, err := io.Copy(io.Discard, ctxReader{ctx, r}); err != nil {
			return nil, fmt.Errorf("newsgroups: reading %s: %w", name, err)
		}
		if got := hex.EncodeToString(h.Sum(nil)); got != wantSHA {
			return nil, &ChecksumError{File: name, Got: got, Want: wantSHA}
		}
	}
	return c, nil
}

// readArchive reads the by-date dataset from a gzip-compressed tar stream,
// keeping the documents of the parts named ("train", "test"; none means
// both), each passed through transform. Entries are matched by their path ending in
// 20news-bydate-{train,test}/<group>/<file>; other entries are ignored. An
// entry whose name is absolute or contains ".." makes the whole archive be
// refused. name is used in error messages.
func readArchive(ctx context.Context, r io.Reader, name string, parts []string, transform func([]byte) string) (_ *corpus, err error) {
	if len(parts) == 0 {
		parts = []string{Train, Test}
	}
	c := newCorpus(name, transform)
	defer func() {
		if werr := c.wait(); err == nil && werr != nil {
			err = werr
		}
	}()
	br := bufio.NewReaderSize(ctxReader{ctx, r}, 1<<16)
	zr, err := gzip.NewReader(br)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, fmt.Errorf("newsgroups: %s is not a gzip-compressed archive (%w); pass a .tar.gz file or an extracted folder", name, err)
	}
	defer zr.Close()
	tr := tar.NewReader(zr)
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, archiveErr(ctx, name, err)
		}
		if err := checkEntryName(hdr.Name); err != nil {
			return nil, fmt.Errorf("newsgroups: refusing %s: %w", name, err)
		}
		elems := strings.Split(strings.TrimPrefix(path.Clean(hdr.Name), "./"), "/")
		if hdr.Typeflag == tar.TypeDir && len(elems) >= 2 {
			if pname := partOfFolder(elems[len(elems)-2]); pname != "" && slices.Contains(parts, pname) {
				c.addGroup(pname, elems[len(elems)-1])
			}
			continue
		}
		if hdr.Typeflag != tar.TypeReg || len(elems) < 3 {
			continue
		}
		pname := partOfFolder(elems[len(elems)-3])
		if pname == "" || !slices.Contains(parts, pname) {
			continue
		}
		body := make([]byte, max(hdr.Size, 0))
		if _, err := io.ReadFull(tr, body); err != nil {
			return nil, archiveErr(ctx, name, err)
		}
		c.add(pname, elems[len(elems)-2], elems[len(elems)-1], body)
	}
	// Read to the end of the gzip stream so that its checksum is verified.
	if _, err := io.Copy(io.Discard, zr); err != nil {
		return nil, archiveErr(ctx, name, err)
	}
	c.finish()
	return c, nil
}

func archiveErr(ctx context.Context, name string, err error) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return fmt.Errorf("newsgroups: the archive %s is truncated (%w); download it again", name, err)
	}
	return fmt.Errorf("newsgroups: the archive %s is corrupt (%w); download it again", name, err)
}

// checkEntryName refuses absolute names and names with a ".." element.
func checkEntryName(name string) error {
	n := strings.ReplaceAll(name, `\`, "/")
	if strings.HasPrefix(n, "/") || filepath.IsAbs(name) || (len(n) >= 2 && n[1] == ':') {
		return fmt.Errorf("archive entry %q has an absolute name", name)
	}
	for _, e := range strings.Split(n, "/") {
		if e == ".." {
			return fmt.Errorf("archive entry %q has a \"..\" element", name)
		}
	}
	return nil
}

// corpus collects the documents of an archive or folder. Documents are
// decoded by worker goroutines while the reader goes on (gunzip is the slow,
// serial part of loading).
type corpus struct {
	source    string
	parts     map[string]*part // "train", "test"
	transform func([]byte) string
	jobs      chan job
	wg        sync.WaitGroup
}

type job struct {
	d    *doc
	body []byte
}

func newCorpus(source string, transform func([]byte) string) *corpus {
	c := &corpus{source: source, parts: map[string]*part{}, transform: transform, jobs: make(chan job, 256)}
	for range max(runtime.GOMAXPROCS(0)-1, 1) {
		c.wg.Go(func() {
			for j := range c.jobs {
				j.d.text = c.transform(j.body)
			}
		})
	}
	return c
}

// wait ends the workers and returns when all documents are decoded.
func (c *corpus) wait() error {
	if c.jobs != nil {
		close(c.jobs)
		c.wg.Wait()
		c.jobs = nil
	}
	return nil
}

func (c *corpus) addGroup(pname, group string) *part {
	pt := c.parts[pname]
	if pt == nil {
		pt = &part{files: map[string][]*doc{}}
		c.parts[pname] = pt
	}
	if _, ok := pt.files[group]; !ok {
		pt.files[group] = nil
	}
	return pt
}

func (c *corpus) add(pname, group, file string, body []byte) {
	pt := c.addGroup(pname, group)
	d := &doc{name: file}
	pt.files[group] = append(pt.files[group], d)
	c.jobs <- job{d, body}
}

func (c *corpus) finish() {
	for _, pt := range c.parts {
		pt.groups = pt.groups[:0]
		for g := range pt.files {
			pt.groups = append(pt.groups, g)
		}
		slices.Sort(pt.groups)
	}
}

// readFolder reads an extracted dataset: dir/20news-bydate-{train,test}/<group>/<file>.
func readFolder(ctx context.Context, dir string, parts []string, transform func([]byte) string) (_ *corpus, err error) {
	c := newCorpus(dir, transform)
	defer func() {
		if werr := c.wait(); err == nil && werr != nil {
			err = werr
		}
	}()
	for _, pname := range parts {
		folder := trainFolder
		if pname == Test {
			folder = testFolder
		}
		root := filepath.Join(dir, folder)
		groups, err := os.ReadDir(root)
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return nil, fmt.Errorf("newsgroups: the folder %s has no %s/; it must hold %s/ and %s/ of the by-date dataset", dir, folder, trainFolder, testFolder)
			}
			return nil, fmt.Errorf("newsgroups: reading %s: %w", root, err)
		}
		for _, g := range groups {
			if !g.IsDir() {
				continue
			}
			c.addGroup(pname, g.Name())
			files, err := os.ReadDir(filepath.Join(root, g.Name()))
			if err != nil {
				return nil, fmt.Errorf("newsgroups: reading %w", err)
			}
			for _, fe := range files {
				if err := ctx.Err(); err != nil {
					return nil, err
				}
				if fe.IsDir() {
					continue
				}
				body, err := os.ReadFile(filepath.Join(root, g.Name(), fe.Name()))
				if err != nil {
					return nil, fmt.Errorf("newsgroups: reading a document: %w", err)
				}
				c.add(pname, g.Name(), fe.Name(), body)
			}
		}
	}
	c.finish()
	return c, nil
}
