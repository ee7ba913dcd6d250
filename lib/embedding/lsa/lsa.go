// Package lsa is an offline text embedder: latent semantic analysis, that is
// TF-IDF term weights reduced by a truncated singular value decomposition.
//
// A Model is fitted on a corpus of training texts (no labels are used) and
// then embeds any text as a dense, L2-normalised float32 vector, with no key
// and no network. The same texts and Config always give the same model and
// the same vectors, and the model's name carries a fingerprint of both.
//
// The method, with scikit-learn's names for the same steps where there are
// some:
//
//   - terms are lower-cased word tokens of two or more characters, pairs of
//     consecutive tokens (TfidfVectorizer(ngram_range=(1, 2))) and the
//     character 3- to 5-grams of each word (analyzer="char_wb"); the terms
//     of a text's first line — a post's subject — count five extra times;
//   - terms found in fewer than two training texts are dropped, and only the
//     300,000 most frequent remain (min_df, max_features);
//   - a text's weights are (1 + ln tf) · idf² with the smooth
//     idf = ln((1+n)/(1+df)) + 1, L2-normalised (sublinear_tf=True, but
//     the idf squared: see Config.IDFPower);
//   - the n × V TF-IDF matrix of the training texts is reduced to 256
//     components by randomized SVD (Halko, Martinsson and Tropp, 2011) with
//     subspace iterations (TruncatedSVD(algorithm="randomized"));
//   - a text's vector is its TF-IDF row projected on those components, each
//     divided by its singular value (whitening: every component gets the
//     same spread over the training texts), and L2-normalised.
//
// From LargeCorpus (5,000) training texts on, the defaults change: 2048
// components, half whitening and no character n-grams. On all of 20
// Newsgroups (11,314 training texts, 7,532 test texts) the tutorial's
// classifier then scores 0.854 (mean of three classifier seeds: 0.856,
// 0.853, 0.853), where scikit-learn's TF-IDF + LinearSVC scores 0.843. That
// costs time and memory: on two cores the fit takes about 4 minutes and
// 8 GB, and training the classifier about 2 minutes. Dims 1024 takes about
// a third of the time, for 0.849 (0.854, 0.848, 0.845).
//
// The idf squared did the most for large corpora: LSA keeps the directions
// of largest variance, which plain TF-IDF gives to terms common to every
// topic; squaring the idf hands them to the rarer terms that tell topics
// apart. With 1024 components it raised the tutorial's classifier on all
// of 20 Newsgroups from 0.826 to 0.844 (and a linear SVM on the vectors of
// a scikit-learn replica from 0.839 to 0.856); keeping 300,000 terms rather
// than 100,000 added 0.005.
//
// Each choice was kept because it raised the accuracy of the tutorial's
// classifier on 20 Newsgroups (see quality_test.go): on the tutorial's task
// (sci.* classes, 100 training and 25 test texts per class, embedder fitted
// on the 400 training texts) the mean over 10 samples went from 0.855 with
// plain word TF-IDF + LSA to 0.915 with all of them; on the whole sci.*
// split (2,373 / 1,579 texts) it is 0.956.
//
// Dense algebra uses gonum (BLAS, LAPACK QR and a symmetric eigensolver);
// the sparse products are done here, as gonum has no sparse matrices.
package lsa

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"

	"gonum.org/v1/gonum/floats"
)

// Config sets how a Model is fitted. The zero value gives the defaults,
// which were chosen by measuring the tutorial's classifier on 20 Newsgroups
// (see the package's quality tests).
type Config struct {
	// Dims is the number of components, the length of every vector
	// (default 256, or 2048 from LargeCorpus training texts on). It is
	// lowered when the training texts cannot support as many. On all of 20
	// Newsgroups the tutorial's classifier scores 0.849 at 1024 and 0.854
	// at 2048 (mean of three seeds; embedder fit 1 min 8 s against
	// 3 min 45 s, training 41 s against 1 min 54 s).
	Dims int
	// MinDF drops terms found in fewer training texts (default 2).
	MinDF int
	// MaxDF drops terms found in more than this fraction of the training
	// texts (default 1: keep all).
	MaxDF float64
	// MaxFeatures keeps only this many terms, the most frequent ones
	// (default 300,000, all of 20 Newsgroups' 293,000 words and word pairs
	// found in two texts or more).
	MaxFeatures int
	// Unigrams, when true, uses single words only; by default pairs of
	// consecutive words are terms too.
	Unigrams bool
	// CharMin and CharMax are the lengths of the character n-grams of each
	// word (padded with a space on each side, as scikit-learn's
	// analyzer="char_wb") that are terms too: by default 3 to 5, or none
	// from LargeCorpus training texts on. They let "encrypt", "encrypted"
	// and "encryption" share terms. NoChars turns them off.
	CharMin, CharMax int
	NoChars          bool
	// TitleRepeat counts the terms of a text's first line (a post's
	// subject, a document's title) this many extra times (default 5;
	// negative: none).
	TitleRepeat int
	// Whiten scales component i by (σᵢ/σ₁)^(-Whiten) before the final
	// normalisation (default 1, which gives every component the same spread
	// over the training texts, or 0.5 from LargeCorpus texts on, as full
	// whitening of a thousand components and more amplifies noisy ones;
	// negative: 0, LSA's own coordinates, dominated by the first
	// components).
	Whiten float64
	// IDFPower is the power of the idf in a term's weight,
	// (1 + ln tf) · idf^IDFPower (default 2; 1 is classic TF-IDF). Above 1 the
	// rarer, more specific terms weigh more, in the SVD that chooses the
	// components as in the vectors: components then follow the terms that
	// tell topics apart rather than those frequent everywhere.
	IDFPower float64
	// BM25, when true, weighs terms with Okapi BM25 (k1 = 1.2, b = 0.75)
	// instead of sublinear TF-IDF.
	BM25 bool
	// NoSVD skips the SVD: vectors are the TF-IDF weights of the
	// MaxFeatures most frequent terms.
	NoSVD bool
	// PowerIters is the number of subspace iterations of the randomized SVD
	// (default 4); Oversample the extra random directions it uses
	// (default 10).
	PowerIters int
	Oversample int
	// Seed seeds the random projection (default 0; any value gives a
	// deterministic result).
	Seed uint64
	// Neighbours is the number of nearest training texts (by cosine of
	// their TF-IDF rows, texts identical to the one embedded left out)
	// whose vectors are mixed into a text's vector, weighted by similarity
	// (default 0: none). It is query expansion done in the embedding: the
	// vector moves towards those of the training texts that share its rare
	// terms, which LSA's components alone blur. No labels are used.
	// Measured with the tutorial's classifier and IDFPower 1 (before the
	// idf was squared): on all of 20 Newsgroups,
	// 10 neighbours raise accuracy at 256 dims (0.795 to 0.811) but not at
	// 1024 (0.827 to 0.822); on the tutorial's 400 sci.* texts they lower
	// it (0.910 to 0.894). The model then keeps the training texts' TF-IDF
	// rows and vectors, and embedding a text scans its terms' postings.
	Neighbours int
	// NeighbourWeight is the share of the neighbours' mean in the vector
	// before the final normalisation, the text's own projection counting 1
	// (default 1).
	NeighbourWeight float64
}

// LargeCorpus is the number of training texts from which the defaults
// change for a large corpus: Dims 2048 instead of 256, half whitening
// (Whiten 0.5 instead of 1: whitening thousands of components amplifies
// noisy ones) and no character n-grams (words and word pairs are then
// enough, and the SVD is about three times quicker). Set Dims, Whiten,
// CharMin/CharMax to override.
const LargeCorpus = 5000

// forCorpus returns c with its zero fields set to the defaults for a corpus
// of n training texts.
func (c Config) forCorpus(n int) Config {
	large := n >= LargeCorpus
	if c.Dims <= 0 {
		c.Dims = 256
		if large {
			c.Dims = 2048
		}
	}
	if large && c.CharMin <= 0 && c.CharMax <= 0 {
		c.NoChars = true
	}
	if c.Neighbours < 0 {
		c.Neighbours = 0
	}
	if c.NeighbourWeight <= 0 {
		c.NeighbourWeight = 1
	}
	if c.IDFPower <= 0 {
		c.IDFPower = 2
	}
	if c.MinDF <= 0 {
		c.MinDF = 2
	}
	if c.MaxDF <= 0 || c.MaxDF > 1 {
		c.MaxDF = 1
	}
	if c.MaxFeatures <= 0 {
		c.MaxFeatures = 300_000
	}
	if c.PowerIters <= 0 {
		c.PowerIters = 4
	}
	if c.Oversample <= 0 {
		c.Oversample = 10
	}
	switch {
	case c.NoChars:
		c.CharMin, c.CharMax = 0, 0
	case c.CharMin <= 0 && c.CharMax <= 0:
		c.CharMin, c.CharMax = 3, 5
	case c.CharMin <= 0:
		c.CharMin = 1
	}
	if c.CharMax < c.CharMin {
		c.CharMax = c.CharMin
	}
	switch {
	case c.TitleRepeat == 0:
		c.TitleRepeat = 5
	case c.TitleRepeat < 0:
		c.TitleRepeat = 0
	}
	switch {
	case c.Whiten == 0 && large:
		c.Whiten = 0.5
	case c.Whiten == 0:
		c.Whiten = 1
	case c.Whiten < 0:
		c.Whiten = 0
	}
	return c
}

// Model is a fitted LSA embedder. It is safe for concurrent use.
type Model struct {
	name  string
	feat  features
	dims  int
	vocab map[uint64]int32 // term key → column
	idf   []float64        // per column
	bm25  bool
	avgdl float64   // mean text length in terms, for BM25
	basis []float32 // V × l, row-major: aᵀ·Q of the randomized SVD
	l     int       // columns of basis
	rot   []float64 // l × dims, row-major: basis·rot = right singular vectors
	sigma []float64 // singular values, descending
	scale []float64 // per component, from Config.Whiten; nil: 1
	nDocs int
	// Nearest-neighbour expansion (Config.Neighbours); post is nil when off.
	post      *csr      // training TF-IDF transposed: term → texts
	trainVec  []float64 // nDocs × dims, row-major: training texts' own vectors
	neighbors int
	nbWeight  float64
	cfg       Config   // as given to Fit, for Save
	texts     []string // the training texts, for Save
}

// ErrTooFewTexts is returned by Fit when the training texts share too few
// terms to fit a model.
var ErrTooFewTexts = errors.New("lsa: too few training texts with shared terms to fit a model")

// Fit fits a model on texts. A few hundred texts take about a second on two
// cores; all 11,314 training posts of 20 Newsgroups, with the defaults for
// a large corpus (2048 components), about 4 minutes and 8 GB of memory.
func Fit(ctx context.Context, texts []string, cfg Config) (*Model, error) {
	orig := cfg
	cfg = cfg.forCorpus(len(texts))
	if len(texts) < 2 {
		return nil, fmt.Errorf("%w: got %d, need at least 2", ErrTooFewTexts, len(texts))
	}
	feat := features{bigrams: !cfg.Unigrams, charMin: cfg.CharMin, charMax: cfg.CharMax, title: cfg.TitleRepeat}

	// Terms and counts of every text.
	docs := make([]termCounts, len(texts))
	parallelRows(len(texts), func(lo, hi int) {
		var buf []uint64
		for i := lo; i < hi; i++ {
			if (i-lo)%256 == 0 && ctx.Err() != nil {
				return
			}
			buf = textKeys(buf[:0], texts[i], feat)
			docs[i] = countTerms(buf)
		}
	})
	if err := ctx.Err(); err != nil {
		return nil, err
	}

	// Document frequencies and the vocabulary.
	df := make(map[uint64]int32, 1<<16)
	for _, d := range docs {
		for _, k := range d.keys {
			df[k]++
		}
	}
	maxDF := int32(math.Floor(cfg.MaxDF * float64(len(texts))))
	type term struct {
		key uint64
		df  int32
	}
	terms := make([]term, 0, len(df)/4)
	for k, n := range df {
		if int(n) >= cfg.MinDF && n <= maxDF {
			terms = append(terms, term{k, n})
		}
	}
	df = nil
	sort.Slice(terms, func(i, j int) bool {
		if terms[i].df != terms[j].df {
			return terms[i].df > terms[j].df
		}
		return terms[i].key < terms[j].key
	})
	if len(terms) > cfg.MaxFeatures {
		terms = terms[:cfg.MaxFeatures]
	}
	if len(terms) < 2 {
		return nil, fmt.Errorf("%w: %d texts have %d terms in at least %d texts", ErrTooFewTexts, len(texts), len(terms), cfg.MinDF)
	}
	m := &Model{bm25: cfg.BM25, feat: feat, vocab: make(map[uint64]int32, len(terms)), idf: make([]float64, len(terms)), nDocs: len(texts), cfg: orig, texts: texts}
	n := float64(len(texts))
	for j, t := range terms {
		m.vocab[t.key] = int32(j)
		if cfg.BM25 {
			m.idf[j] = math.Log(1 + (n-float64(t.df)+0.5)/(float64(t.df)+0.5))
		} else {
			m.idf[j] = math.Log((1+n)/(1+float64(t.df))) + 1
		}
		if cfg.IDFPower != 1 {
			m.idf[j] = math.Pow(m.idf[j], cfg.IDFPower)
		}
	}
	var totalLen float64
	for _, d := range docs {
		totalLen += float64(d.length())
	}
	m.avgdl = max(totalLen/n, 1)

	// The TF-IDF matrix.
	a := &csr{rows: len(texts), cols: len(terms), ptr: make([]int, len(texts)+1)}
	rows := make([]sparseRow, len(texts))
	parallelRows(len(texts), func(lo, hi int) {
		for i := lo; i < hi; i++ {
			rows[i] = m.weigh(docs[i])
		}
	})
	docs = nil
	for i, r := range rows {
		a.ptr[i+1] = a.ptr[i] + len(r.ind)
	}
	a.ind = make([]int32, a.ptr[len(texts)])
	a.val = make([]float64, a.ptr[len(texts)])
	for i, r := range rows {
		copy(a.ind[a.ptr[i]:], r.ind)
		copy(a.val[a.ptr[i]:], r.val)
	}
	rows = nil

	if cfg.NoSVD {
		m.dims = a.cols
		m.name = fmt.Sprintf("tfidf-%dd-%s", a.cols, fingerprint(texts, cfg))
		return m, nil
	}
	k := min(cfg.Dims, a.rows-1, a.cols-1)
	if k < 1 {
		return nil, fmt.Errorf("%w: %d texts, %d terms", ErrTooFewTexts, a.rows, a.cols)
	}
	z, top, sigma, err := randomizedSVD(ctx, a, k, cfg.Oversample, cfg.PowerIters, cfg.Seed)
	if err != nil {
		return nil, err
	}
	m.dims = k
	m.sigma = sigma
	if cfg.Whiten != 0 {
		m.scale = make([]float64, k)
		for i, s := range sigma {
			if s > 0 {
				m.scale[i] = math.Pow(s/sigma[0], -cfg.Whiten)
			}
		}
	}
	zr := z.RawMatrix()
	m.l = zr.Cols
	m.basis = make([]float32, zr.Rows*zr.Cols)
	for r := 0; r < zr.Rows; r++ {
		for c, v := range zr.Data[r*zr.Stride : r*zr.Stride+zr.Cols] {
			m.basis[r*zr.Cols+c] = float32(v)
		}
	}
	m.rot = make([]float64, m.l*k)
	for r := 0; r < m.l; r++ {
		for c := 0; c < k; c++ {
			m.rot[r*k+c] = top.At(r, c)
		}
	}
	if cfg.Neighbours > 0 {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		m.neighbors, m.nbWeight = cfg.Neighbours, cfg.NeighbourWeight
		m.trainVec = make([]float64, a.rows*k)
		parallelRows(a.rows, func(lo, hi int) {
			acc := make([]float64, m.l)
			for i := lo; i < hi; i++ {
				r := sparseRow{ind: a.ind[a.ptr[i]:a.ptr[i+1]], val: a.val[a.ptr[i]:a.ptr[i+1]]}
				m.projectTo(m.trainVec[i*k:(i+1)*k], r, acc)
			}
		})
		m.post = a.transpose()
	}
	m.name = fmt.Sprintf("lsa-tfidf-%dd-%s", m.dims, fingerprint(texts, cfg))
	return m, nil
}

// fingerprint identifies a fit: a short hash of the configuration and of
// every training text, so that caches keyed by the model's name never mix
// vectors of different fits.
func fingerprint(texts []string, cfg Config) string {
	h := sha256.New()
	fmt.Fprintf(h, "lsa4|%g|%t|%t|%d|%d|%g|%d|%t|%d|%d|%d|%g|%d|%d|%d|%d|%g|", cfg.IDFPower, cfg.BM25, cfg.NoSVD, cfg.Dims, cfg.MinDF, cfg.MaxDF, cfg.MaxFeatures, cfg.Unigrams, cfg.CharMin, cfg.CharMax, cfg.TitleRepeat, cfg.Whiten, cfg.PowerIters, cfg.Oversample, cfg.Seed, cfg.Neighbours, cfg.NeighbourWeight)
	var n [8]byte
	for _, t := range texts {
		binary.LittleEndian.PutUint64(n[:], uint64(len(t)))
		h.Write(n[:])
		h.Write([]byte(t))
	}
	return hex.EncodeToString(h.Sum(nil)[:4])
}

// termCounts holds a text's distinct term keys, sorted, and their counts.
type termCounts struct {
	keys   []uint64
	counts []int32
}

// length returns the number of terms of the text, repeats included.
func (tc termCounts) length() int {
	n := 0
	for _, c := range tc.counts {
		n += int(c)
	}
	return n
}

// countTerms sorts keys in place and returns the distinct keys and counts.
func countTerms(keys []uint64) termCounts {
	slices.Sort(keys)
	var tc termCounts
	for i := 0; i < len(keys); {
		j := i + 1
		for j < len(keys) && keys[j] == keys[i] {
			j++
		}
		tc.keys = append(tc.keys, keys[i])
		tc.counts = append(tc.counts, int32(j-i))
		i = j
	}
	return tc
}

// sparseRow is one TF-IDF row: columns in increasing order and weights.
type sparseRow struct {
	ind []int32
	val []float64
}

// weigh returns the L2-normalised sublinear TF-IDF row of a text's terms.
func (m *Model) weigh(tc termCounts) sparseRow {
	var r sparseRow
	norm := 0.0
	if m.bm25 {
		const k1, b = 1.2, 0.75
		norm = k1 * (1 - b + b*float64(tc.length())/m.avgdl)
	}
	for i, k := range tc.keys {
		j, ok := m.vocab[k]
		if !ok {
			continue
		}
		r.ind = append(r.ind, j)
		tf := float64(tc.counts[i])
		if m.bm25 {
			r.val = append(r.val, tf*2.2/(tf+norm)*m.idf[j])
		} else {
			r.val = append(r.val, (1+math.Log(tf))*m.idf[j])
		}
	}
	sort.Sort(byColumn(r))
	var ss float64
	for _, v := range r.val {
		ss += v * v
	}
	if ss > 0 {
		inv := 1 / math.Sqrt(ss)
		for i := range r.val {
			r.val[i] *= inv
		}
	}
	return r
}

type byColumn sparseRow

func (r byColumn) Len() int           { return len(r.ind) }
func (r byColumn) Less(i, j int) bool { return r.ind[i] < r.ind[j] }
func (r byColumn) Swap(i, j int) {
	r.ind[i], r.ind[j] = r.ind[j], r.ind[i]
	r.val[i], r.val[j] = r.val[j], r.val[i]
}

// Embed returns the L2-normalised vector of every text, in order. A text
// with no known term gets the zero vector. Embed never fails except when ctx
// is cancelled.
func (m *Model) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	out := make([][]float32, len(texts))
	parallelRows(len(texts), func(lo, hi int) {
		var buf []uint64
		acc := make([]float64, m.l)
		var sims []float64
		if m.post != nil {
			sims = make([]float64, m.nDocs)
		}
		for i := lo; i < hi; i++ {
			if (i-lo)%64 == 0 && ctx.Err() != nil {
				return
			}
			buf = textKeys(buf[:0], texts[i], m.feat)
			out[i] = m.project(m.weigh(countTerms(buf)), acc, sims)
		}
	})
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return out, nil
}

// project returns the vector of a TF-IDF row: its normalised projection on
// the components, expanded with its nearest training texts' when the model
// has them; acc and sims are scratch space of lengths m.l and m.nDocs.
func (m *Model) project(r sparseRow, acc, sims []float64) []float32 {
	if m.basis == nil {
		v := make([]float32, m.dims)
		for i, j := range r.ind {
			v[j] = float32(r.val[i])
		}
		return v
	}
	out := make([]float64, m.dims)
	m.projectTo(out, r, acc)
	if m.post != nil {
		m.expand(out, r, sims)
	}
	v := make([]float32, m.dims)
	for c, x := range out {
		v[c] = float32(x)
	}
	return v
}

// projectTo sets out (length m.dims) to the normalised projection of r on
// the components, scaled by Config.Whiten.
func (m *Model) projectTo(out []float64, r sparseRow, acc []float64) {
	for c := range acc {
		acc[c] = 0
	}
	for i, j := range r.ind {
		w := r.val[i]
		row := m.basis[int(j)*m.l : int(j+1)*m.l]
		for c, v := range row {
			acc[c] += w * float64(v)
		}
	}
	k := m.dims
	for c := range out {
		out[c] = 0
	}
	for r, x := range acc {
		if x == 0 {
			continue
		}
		floats.AddScaled(out, x, m.rot[r*k:(r+1)*k])
	}
	if m.scale != nil {
		for c := range out {
			out[c] *= m.scale[c]
		}
	}
	normalizeInPlace(out)
}

// neighbour is a training text and its cosine with the text embedded.
type neighbour struct {
	doc int32
	sim float64
}

// expand adds to v (the text's own unit vector) the similarity-weighted
// mean of the vectors of the text's m.neighbors nearest training texts,
// times m.nbWeight, and normalises. Similarities are cosines of TF-IDF rows
// (rows are unit vectors), summed in sims through the term → texts index;
// training
// texts identical in their terms to r (cosine 1) are left out, so a
// training text is not its own neighbour.
func (m *Model) expand(v []float64, r sparseRow, sims []float64) {
	if len(r.ind) == 0 {
		return
	}
	clear(sims)
	for i, j := range r.ind {
		w := r.val[i]
		for p := m.post.ptr[j]; p < m.post.ptr[j+1]; p++ {
			sims[m.post.ind[p]] += w * m.post.val[p]
		}
	}
	top := make([]neighbour, 0, m.neighbors+1)
	for i, s := range sims {
		d := int32(i)
		if s <= 0 || s >= 1-1e-9 {
			continue
		}
		if len(top) == m.neighbors && !better(neighbour{d, s}, top[len(top)-1]) {
			continue
		}
		at := sort.Search(len(top), func(i int) bool { return better(neighbour{d, s}, top[i]) })
		top = slices.Insert(top, at, neighbour{d, s})
		if len(top) > m.neighbors {
			top = top[:m.neighbors]
		}
	}
	var total float64
	for _, n := range top {
		total += n.sim
	}
	if total <= 0 {
		return
	}
	k := m.dims
	for _, n := range top {
		floats.AddScaled(v, m.nbWeight*n.sim/total, m.trainVec[int(n.doc)*k:int(n.doc+1)*k])
	}
	normalizeInPlace(v)
}

// better orders neighbours: higher similarity first, then lower index.
func better(a, b neighbour) bool {
	if a.sim != b.sim {
		return a.sim > b.sim
	}
	return a.doc < b.doc
}

// normalizeInPlace scales v to unit norm, leaving the zero vector alone.
func normalizeInPlace(v []float64) {
	var ss float64
	for _, x := range v {
		ss += x * x
	}
	if ss == 0 {
		return
	}
	inv := 1 / math.Sqrt(ss)
	for i := range v {
		v[i] *= inv
	}
}

// Model returns the embedder's name: "lsa-tfidf-", the dimension and a
// fingerprint of the configuration and training texts, for example
// "lsa-tfidf-256d-1a2b3c4d".
func (m *Model) Model() string { return m.name }

// Dim returns the length of every vector.
func (m *Model) Dim() int { return m.dims }

// Terms returns the number of terms in the vocabulary.
func (m *Model) Terms() int { return len(m.idf) }

// TrainingTexts returns the number of texts the model was fitted on.
func (m *Model) TrainingTexts() int { return m.nDocs }

// SingularValues returns a copy of the singular values of the training
// TF-IDF matrix, largest first, one per dimension.
func (m *Model) SingularValues() []float64 { return slices.Clone(m.sigma) }
