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
//   - the n × V TF-IDF matrix A of the n training texts is reduced to 256
//     components, its top right singular vectors (TruncatedSVD);
//   - a text's vector is its TF-IDF row projected on those components, each
//     divided by the square root of its singular value (half whitening:
//     the components' spreads over the training texts are brought closer
//     together), and L2-normalised.
//
// The SVD is computed in the space of the training texts, so that neither
// the fit nor the model holds a vocabulary × components matrix (300,000 ×
// 2048 for all of 20 Newsgroups): the top eigenvectors U and eigenvalues Λ
// of the Gram matrix A·Aᵀ, never formed, are found by a randomized
// eigensolver with subspace iterations (Halko, Martinsson and Tropp, 2011),
// or exactly when there are few texts;
// the right singular vectors are Aᵀ·U·Λ^(-1/2), so a text x projects on
// them as (A·x)ᵀ·U·Λ^(-1/2): its similarity to each training text, through
// the sparse term → text postings, times an n × components matrix. Save
// writes exactly that (120 MB for all of 20 Newsgroups), and Load
// reads it back without fitting anything.
//
// From LargeCorpus training texts on, the defaults change: 2048
// components and no character n-grams. Each choice was
// kept because it raised the accuracy of the tutorial's classifier on
// 20 Newsgroups; the package's quality test and benchmark measure it, and
// the figures are in the repository's README.
//
// The fit's large products are float32, made with the vector kernels of
// internal/gemm32: the sparse products with the Gram matrix, the
// CholeskyQR orthonormalisations and the products with the basis. gonum
// does the small float64 steps (the Cholesky factorisations, and the
// tridiagonal reduction of eigenproblems below a thousand rows) and the
// Householder QR kept as a fallback; the tridiagonal reduction of larger
// eigenproblems and the eigensolver are done here (see symEigen and
// tridiag32), as gonum has no sparse matrices, no float32 LAPACK, and its
// serial float64 routines take several times longer at these sizes.
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

	"github.com/embedclassify/embedclassify/internal/parallel"
)

// Config sets how a Model is fitted. The zero value gives the defaults,
// which were chosen by measuring the tutorial's classifier on 20 Newsgroups
// (see the package's quality tests).
type Config struct {
	// Dims is the number of components, the length of every vector
	// (default 256, or 2048 from LargeCorpus training texts on). It is
	// lowered when the training texts cannot support as many.
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
	// normalisation (default 0.5; 1 gives every component the same spread
	// over the training texts, which amplifies the noisy last ones;
	// negative: 0, LSA's own coordinates, dominated by the first
	// components).
	Whiten float64
	// IDFPower is the power of the idf in a term's weight,
	// (1 + ln tf) · idf^IDFPower (default 2; 1 is classic TF-IDF). Above 1 the
	// rarer, more specific terms weigh more, in the SVD that chooses the
	// components as in the vectors: components then follow the terms that
	// tell topics apart rather than those frequent everywhere.
	IDFPower float64
	// PowerIters is the number of subspace iterations of the randomized
	// eigensolver (default 4); Oversample the extra random directions it
	// uses (default 10).
	PowerIters int
	Oversample int
	// Seed seeds the random test matrix (default 0; any value gives a
	// deterministic result).
	Seed uint64
}

// LargeCorpus is the number of training texts from which the defaults
// change for a large corpus: Dims 2048 instead of 256 and no character
// n-grams (words and word pairs are then enough, and the fit is about three
// times quicker). Set Dims or CharMin/CharMax to override.
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
	case c.Whiten == 0:
		c.Whiten = 0.5
	case c.Whiten < 0:
		c.Whiten = 0
	}
	return c
}

// Model is a fitted LSA embedder. It is safe for concurrent use.
//
// It works in the space of its training texts: a text's vector is its
// TF-IDF row's similarity to every training text (through the term → text
// postings kept here) times the projection matrix, one row per training
// text, that maps those similarities to the components. The model's size
// thus grows with the training texts times the components, never with the
// vocabulary times the components.
type Model struct {
	name  string
	feat  features
	dims  int
	nDocs int
	keys  []uint64         // per column: the term's key
	vocab map[uint64]int32 // term key → column
	idf   []float32        // per column
	post  postings         // per column: the training texts with the term
	proj  []float32        // nDocs × dims, row-major
	cache termCache
}

// postings lists, for every term (column), the training texts that have it
// and its weight in their normalised TF-IDF row.
type postings struct {
	ptr []int     // term j's entries are doc[ptr[j]:ptr[j+1]], increasing
	doc []int32   // a training text
	w   []float32 // the weight of the term in it
}

// ErrTooFewTexts is returned by Fit when the training texts share too few
// terms to fit a model.
var ErrTooFewTexts = errors.New("lsa: too few training texts with shared terms to fit a model")

// Fit fits a model on texts: it counts their terms, keeps the vocabulary,
// weighs the TF-IDF matrix A, finds the top eigenvectors U and eigenvalues
// Λ of the training texts' Gram matrix A·Aᵀ (the left singular vectors of
// A, and its singular values squared) and keeps the projection
// U·Λ^(-1/2) scaled by Config.Whiten. A new text's row x then projects on
// the right singular vectors as (A·x)ᵀ·U·Λ^(-1/2): LSA's own fold-in.
func Fit(ctx context.Context, texts []string, cfg Config) (*Model, error) {
	cfg = cfg.forCorpus(len(texts))
	if len(texts) < 2 {
		return nil, fmt.Errorf("%w: got %d, need at least 2", ErrTooFewTexts, len(texts))
	}
	feat := features{bigrams: !cfg.Unigrams, charMin: cfg.CharMin, charMax: cfg.CharMax, title: cfg.TitleRepeat}
	docs, err := countAll(ctx, texts, feat)
	if err != nil {
		return nil, err
	}
	terms := vocabulary(docs, cfg)
	if len(terms) < 2 {
		return nil, fmt.Errorf("%w: %d texts have %d terms in at least %d texts", ErrTooFewTexts, len(texts), len(terms), cfg.MinDF)
	}
	m := &Model{feat: feat, nDocs: len(texts)}
	m.setIDF(terms, len(texts), cfg.IDFPower)
	a := m.tfidf(docs)
	docs = nil
	k := min(cfg.Dims, a.rows-1, a.cols-1)
	if k < 1 {
		return nil, fmt.Errorf("%w: %d texts, %d terms", ErrTooFewTexts, a.rows, a.cols)
	}
	at := a.transpose()
	lambda, u, err := topEigen(ctx, a, at, k, cfg.Oversample, cfg.PowerIters, cfg.Seed)
	if err != nil {
		return nil, err
	}
	m.setProjection(lambda, u, cfg.Whiten)
	m.setPostings(at)
	m.name = fmt.Sprintf("lsa-tfidf-%dd-%s", m.dims, fingerprint(texts, cfg))
	m.initCache()
	return m, nil
}

// countAll returns the terms and counts of every text, in parallel.
func countAll(ctx context.Context, texts []string, feat features) ([]termCounts, error) {
	docs := make([]termCounts, len(texts))
	parallel.Ranges(len(texts), 0, func(lo, hi int) {
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
	return docs, nil
}

// term is a vocabulary entry: its key and document frequency.
type term struct {
	key uint64
	df  int32
}

// vocabulary returns the terms kept by cfg (MinDF, MaxDF, MaxFeatures),
// most frequent first, ties broken by key.
func vocabulary(docs []termCounts, cfg Config) []term {
	df := make(map[uint64]int32, 1<<16)
	for _, d := range docs {
		for _, k := range d.keys {
			df[k]++
		}
	}
	maxDF := int32(math.Floor(cfg.MaxDF * float64(len(docs))))
	terms := make([]term, 0, len(df)/4)
	for k, n := range df {
		if int(n) >= cfg.MinDF && n <= maxDF {
			terms = append(terms, term{k, n})
		}
	}
	sort.Slice(terms, func(i, j int) bool {
		if terms[i].df != terms[j].df {
			return terms[i].df > terms[j].df
		}
		return terms[i].key < terms[j].key
	})
	if len(terms) > cfg.MaxFeatures {
		terms = terms[:cfg.MaxFeatures]
	}
	return terms
}

// setIDF sets the vocabulary and the smooth idf of every term, raised to
// power, for a corpus of n texts. The idf is kept in float32, as saved.
func (m *Model) setIDF(terms []term, n int, power float64) {
	m.keys = make([]uint64, len(terms))
	m.idf = make([]float32, len(terms))
	for j, t := range terms {
		m.keys[j] = t.key
		m.idf[j] = float32(math.Pow(math.Log((1+float64(n))/(1+float64(t.df)))+1, power))
	}
	m.vocab = vocabIndex(m.keys)
}

// vocabIndex returns the column of every key.
func vocabIndex(keys []uint64) map[uint64]int32 {
	v := make(map[uint64]int32, len(keys))
	for j, k := range keys {
		v[k] = int32(j)
	}
	return v
}

// tfidf returns the TF-IDF matrix of docs, one L2-normalised row per text.
func (m *Model) tfidf(docs []termCounts) *csr {
	a := &csr{rows: len(docs), cols: len(m.idf), ptr: make([]int, len(docs)+1)}
	rows := make([]sparseRow, len(docs))
	parallel.Ranges(len(docs), 0, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			rows[i] = m.weigh(docs[i])
		}
	})
	for i, r := range rows {
		a.ptr[i+1] = a.ptr[i] + len(r.ind)
	}
	a.ind = make([]int32, a.ptr[len(docs)])
	a.val = make([]float64, a.ptr[len(docs)])
	for i, r := range rows {
		copy(a.ind[a.ptr[i]:], r.ind)
		copy(a.val[a.ptr[i]:], r.val)
	}
	return a
}

// setProjection keeps the projection u·Λ^(-1/2), each component scaled by
// (σ/σ₁)^(-whiten), in float32: u is row-major, a row per training text
// and a column per component. Components whose eigenvalue is negligible
// (the training texts span fewer directions than asked for) are zero.
func (m *Model) setProjection(lambda []float64, u []float32, whiten float64) {
	k := len(lambda)
	m.dims = k
	factor := make([]float64, k)
	s1 := math.Sqrt(max(lambda[0], 0))
	for c, l := range lambda {
		if s := math.Sqrt(max(l, 0)); s > 1e-6*s1 {
			factor[c] = math.Pow(s/s1, -whiten) / s
		}
	}
	m.proj = u
	for d := 0; d < m.nDocs; d++ {
		row := m.proj[d*k : (d+1)*k]
		for c, v := range row {
			row[c] = float32(float64(v) * factor[c])
		}
	}
}

// setPostings keeps at, the TF-IDF matrix's transpose, in float32.
func (m *Model) setPostings(at *csr) {
	m.post = postings{ptr: at.ptr, doc: at.ind, w: make([]float32, len(at.val))}
	for i, v := range at.val {
		m.post.w[i] = float32(v)
	}
}

// fingerprint identifies a fit: a short hash of the configuration and of
// every training text, so that caches keyed by the model's name never mix
// vectors of different fits.
func fingerprint(texts []string, cfg Config) string {
	h := sha256.New()
	fmt.Fprintf(h, "lsa6|%g|%d|%d|%g|%d|%t|%d|%d|%d|%g|%d|%d|%d|", cfg.IDFPower, cfg.Dims, cfg.MinDF, cfg.MaxDF, cfg.MaxFeatures, cfg.Unigrams, cfg.CharMin, cfg.CharMax, cfg.TitleRepeat, cfg.Whiten, cfg.PowerIters, cfg.Oversample, cfg.Seed)
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
	for i, k := range tc.keys {
		j, ok := m.vocab[k]
		if !ok {
			continue
		}
		r.ind = append(r.ind, j)
		r.val = append(r.val, (1+math.Log(float64(tc.counts[i])))*float64(m.idf[j]))
	}
	sort.Sort(byColumn(r))
	normalizeInPlace(r.val)
	return r
}

type byColumn sparseRow

func (r byColumn) Len() int           { return len(r.ind) }
func (r byColumn) Less(i, j int) bool { return r.ind[i] < r.ind[j] }
func (r byColumn) Swap(i, j int) {
	r.ind[i], r.ind[j] = r.ind[j], r.ind[i]
	r.val[i], r.val[j] = r.val[j], r.val[i]
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
