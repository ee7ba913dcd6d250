// Package newsgroups loads the 20 Newsgroups "by date" dataset exactly as
// scikit-learn's fetch_20newsgroups does — same documents, same order, same
// targets, same text — and applies the preprocessing of the tutorial
// "Classify text with embeddings".
//
// Load reads the dataset from a .tar.gz archive (streamed; nothing is
// extracted to disk) or from an extracted folder, or downloads the canonical
// archive into a per-user cache, verifying its SHA-256.
//
// Document order matches Python's: folders and files are sorted, each of the
// train and test parts is shuffled with numpy's RandomState(0) as
// scikit-learn does when it builds its cache, and the selected subset is then
// shuffled with RandomState(random_state), 42 by default.
package newsgroups

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/embedclassify/embedclassify/lib/randomstate"
)

// Defaults of scikit-learn's fetch_20newsgroups.
const (
	// DefaultSeed is fetch_20newsgroups' default random_state.
	DefaultSeed int64 = 42
	// DefaultCacheSeed is the random_state scikit-learn's load_files uses
	// when it builds its cache of the train and test parts.
	DefaultCacheSeed int64 = 0
)

// Subsets, as fetch_20newsgroups names them.
const (
	Train = "train"
	Test  = "test"
	All   = "all"
)

// Parts of a document that Options.Remove can strip.
const (
	Headers = "headers"
	Footers = "footers"
	Quotes  = "quotes"
)

// Options selects the source, subset and order of the documents. The zero
// Options is fetch_20newsgroups() with scikit-learn's defaults: the train
// subset, all categories, nothing removed, shuffled with random_state=42.
type Options struct {
	// Path is a .tar.gz archive or an extracted folder holding
	// 20news-bydate-train/ and 20news-bydate-test/ (a folder holding just
	// 20news-bydate.tar.gz works too). When "", the variable
	// EMBEDCLASSIFY_DATA is used, then the archive in CacheDir, then a
	// download into CacheDir.
	Path string
	// CacheDir holds the downloaded archive. "" means
	// os.UserCacheDir()/embedclassify.
	CacheDir string
	// Subset is "train" (the default when ""), "test" or "all".
	Subset string
	// Categories keeps only these newsgroups; nil keeps all. Targets are
	// renumbered in sorted category order, as scikit-learn does; duplicates
	// are ignored.
	Categories []string
	// Remove lists the parts to strip: any of "headers", "footers",
	// "quotes" (applied in that order).
	Remove []string
	// NoShuffle keeps the cache order (scikit-learn's shuffle=False).
	NoShuffle bool
	// RandomState is scikit-learn's random_state for the final shuffle.
	// nil means DefaultSeed (42); use Seed(n) for another value. Seeds are
	// numpy seeds: 0 to 2**32-1.
	RandomState *int64
	// CacheSeed is the seed of the shuffle scikit-learn applies to each of
	// the train and test parts when it builds its cache. nil means
	// DefaultCacheSeed (0); only change it to mimic a modified scikit-learn.
	CacheSeed *int64
	// Progress, when set, is called while the archive downloads with the
	// bytes received and the total size (-1 when unknown).
	Progress func(done, total int64)
	// URLs are the download mirrors tried in order; nil means
	// DefaultURLs.
	URLs []string
	// SHA256 is the expected checksum of the downloaded or cached archive,
	// hex; "" means ArchiveSHA256, the canonical archive's.
	SHA256 string
	// Warn, when set, receives what Load did that the caller should know
	// about: a cached archive that did not match SHA256 or could not be
	// read, and where it was moved before a fresh download. nil writes
	// these messages with the standard logger.
	Warn func(msg string)
}

// groups are the dataset's 20 newsgroups in target order (sorted).
var groups = []string{
	"alt.atheism", "comp.graphics", "comp.os.ms-windows.misc", "comp.sys.ibm.pc.hardware",
	"comp.sys.mac.hardware", "comp.windows.x", "misc.forsale", "rec.autos", "rec.motorcycles",
	"rec.sport.baseball", "rec.sport.hockey", "sci.crypt", "sci.electronics", "sci.med", "sci.space",
	"soc.religion.christian", "talk.politics.guns", "talk.politics.mideast", "talk.politics.misc",
	"talk.religion.misc",
}

// Groups returns the names of the dataset's 20 newsgroups in target order,
// as Dataset.TargetNames holds them when every category is loaded: for
// checking a class filter before loading anything.
func Groups() []string { return slices.Clone(groups) }

// Seed returns a pointer to n, for Options.RandomState and Options.CacheSeed.
func Seed(n int64) *int64 { return &n }

// Dataset is the result of Load, like scikit-learn's Bunch.
type Dataset struct {
	// Data holds the texts, decoded from latin-1, "\r" kept.
	Data []string
	// Filenames holds each document's "group/name", e.g. "rec.autos/102994".
	Filenames []string
	// Target holds each document's index into TargetNames.
	Target []int
	// TargetNames holds the newsgroup names in target order.
	TargetNames []string
}

// Len returns the number of documents.
func (d *Dataset) Len() int { return len(d.Data) }

// seedOf validates and returns the seed p points to, or def.
func seedOf(p *int64, def int64, what string) (uint32, error) {
	s := def
	if p != nil {
		s = *p
	}
	if s < 0 || s > randomstate.MaxSeed {
		return 0, fmt.Errorf("newsgroups: %s %d is outside numpy's seed range [0, %d]", what, s, int64(randomstate.MaxSeed))
	}
	return uint32(s), nil
}

type plan struct {
	subset     string
	parts      []string // "train", "test" in load order
	headers    bool
	footers    bool
	quotes     bool
	noShuffle  bool
	seed       uint32
	cacheSeed  uint32
	categories []string
}

func (o *Options) plan() (*plan, error) {
	p := &plan{subset: o.Subset, noShuffle: o.NoShuffle}
	switch o.Subset {
	case "", Train:
		p.subset, p.parts = Train, []string{Train}
	case Test:
		p.parts = []string{Test}
	case All:
		p.parts = []string{Train, Test}
	default:
		return nil, fmt.Errorf("newsgroups: unknown subset %q; valid subsets are %q, %q and %q", o.Subset, Train, Test, All)
	}
	for _, r := range o.Remove {
		switch strings.TrimSpace(r) {
		case Headers:
			p.headers = true
		case Footers:
			p.footers = true
		case Quotes:
			p.quotes = true
		case "":
		default:
			return nil, fmt.Errorf("newsgroups: unknown part to remove %q; valid parts are %q, %q and %q", r, Headers, Footers, Quotes)
		}
	}
	var err error
	if p.seed, err = seedOf(o.RandomState, DefaultSeed, "RandomState"); err != nil {
		return nil, err
	}
	if p.cacheSeed, err = seedOf(o.CacheSeed, DefaultCacheSeed, "CacheSeed"); err != nil {
		return nil, err
	}
	if o.Categories != nil {
		if len(o.Categories) == 0 {
			return nil, errors.New("newsgroups: Categories is empty; use nil for all categories")
		}
		for _, c := range o.Categories {
			if !slices.Contains(p.categories, c) {
				p.categories = append(p.categories, c)
			}
		}
	}
	return p, nil
}

// Load returns the documents Options select, as fetch_20newsgroups returns
// them. It stops early with ctx's error when ctx is cancelled.
func Load(ctx context.Context, opt Options) (*Dataset, error) {
	p, err := opt.plan()
	if err != nil {
		return nil, err
	}
	c, err := openCorpus(ctx, &opt, p.parts, p.transform)
	if err != nil {
		return nil, err
	}
	return c.assemble(ctx, p)
}

// part is one of the train and test folders as scikit-learn's load_files
// reads it: folder names sorted, then each folder's file names sorted.
type part struct {
	groups []string          // sorted folder names
	files  map[string][]*doc // folder -> documents (unsorted until finish)
}

type doc struct {
	name string
	text string // decoded and stripped (set by a worker)
}

// transform decodes a document's latin-1 bytes and strips the parts the
// plan removes.
func (p *plan) transform(body []byte) string {
	t := decodeLatin1(body)
	if p.headers {
		t = StripHeaders(t)
	}
	if p.footers {
		t = StripFooters(t)
	}
	if p.quotes {
		t = StripQuotes(t)
	}
	return t
}

// assemble builds the dataset: sklearn's cache order, subset, removal,
// categories and shuffle.
func (c *corpus) assemble(ctx context.Context, p *plan) (*Dataset, error) {
	type entry struct {
		file   string
		target int
		text   string
	}
	var entries []entry
	var targetNames []string
	for _, name := range p.parts {
		pt := c.parts[name]
		if pt == nil || len(pt.groups) == 0 {
			return nil, fmt.Errorf("newsgroups: %s has no documents in 20news-bydate-%s/; it needs the folders 20news-bydate-train/<group>/ and 20news-bydate-test/<group>/ of the by-date dataset", c.source, name)
		}
		var es []entry
		for label, g := range pt.groups {
			docs := pt.files[g]
			slices.SortFunc(docs, func(a, b *doc) int { return strings.Compare(a.name, b.name) })
			for _, d := range docs {
				es = append(es, entry{g + "/" + d.name, label, d.text})
			}
		}
		perm := randomstate.New(p.cacheSeed).Permutation(len(es))
		shuffled := make([]entry, len(es))
		for i, j := range perm {
			shuffled[i] = es[j]
		}
		entries = append(entries, shuffled...)
		targetNames = pt.groups // scikit-learn keeps the last part's names
	}
	if len(p.parts) == 2 && !slices.Equal(c.parts[Train].groups, c.parts[Test].groups) {
		return nil, fmt.Errorf("newsgroups: %s has different groups in 20news-bydate-train/ (%d) and 20news-bydate-test/ (%d); the archive is not the by-date dataset",
			c.source, len(c.parts[Train].groups), len(c.parts[Test].groups))
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}

	ds := &Dataset{TargetNames: slices.Clone(targetNames)}
	if p.categories != nil {
		labels := make([]int, 0, len(p.categories))
		for _, cat := range p.categories {
			i := slices.Index(targetNames, cat)
			if i < 0 {
				return nil, fmt.Errorf("newsgroups: unknown category %q; valid categories are %s", cat, strings.Join(targetNames, ", "))
			}
			labels = append(labels, i)
		}
		slices.Sort(labels)
		remap := map[int]int{}
		ds.TargetNames = ds.TargetNames[:0:0]
		for k, l := range labels {
			remap[l] = k
			ds.TargetNames = append(ds.TargetNames, targetNames[l])
		}
		kept := entries[:0:0]
		for _, e := range entries {
			if k, ok := remap[e.target]; ok {
				e.target = k
				kept = append(kept, e)
			}
		}
		entries = kept
	}
	if len(entries) == 0 {
		return nil, fmt.Errorf("newsgroups: no documents selected from %s", c.source)
	}
	if !p.noShuffle {
		perm := randomstate.New(p.seed).Permutation(len(entries))
		shuffled := make([]entry, len(entries))
		for i, j := range perm {
			shuffled[i] = entries[j]
		}
		entries = shuffled
	}
	n := len(entries)
	ds.Data = make([]string, n)
	ds.Filenames = make([]string, n)
	ds.Target = make([]int, n)
	for i, e := range entries {
		ds.Filenames[i] = e.file
		ds.Target[i] = e.target
		ds.Data[i] = e.text
	}
	return ds, nil
}

// decodeLatin1 decodes ISO-8859-1 bytes: every byte is the code point of the
// same value.
func decodeLatin1(b []byte) string {
	ascii := true
	for _, c := range b {
		if c >= 0x80 {
			ascii = false
			break
		}
	}
	if ascii {
		return string(b)
	}
	buf := make([]byte, 0, len(b)+len(b)/8)
	for _, c := range b {
		if c < 0x80 {
			buf = append(buf, c)
		} else {
			buf = append(buf, 0xc0|c>>6, 0x80|c&0x3f)
		}
	}
	return string(buf)
}
