package lsa

import (
	"context"
	"math"
	"sync"

	"gonum.org/v1/gonum/floats"

	"github.com/embedclassify/embedclassify/internal/gemm32"
	"github.com/embedclassify/embedclassify/internal/parallel"
)

// termCacheBytes bounds the memory of a model's cached term rows.
const termCacheBytes = 128 << 20

// smallBatch is the number of texts up to which Embed projects each text
// through its similarity to every training text rather than through term
// rows: for a few texts that is cheaper than computing the rows of their
// frequent terms.
const smallBatch = 32

// termCache holds, computed on first use, the row of the projection of each
// of the most frequent terms (columns 0 to n-1, the vocabulary being sorted
// by document frequency): the sum of the projection rows of the training
// texts that have the term, weighted by its weight in them. A frequent term
// is in thousands of training texts, so its row is worth keeping; a rare
// term's is quicker to sum again.
type termCache struct {
	n    int
	once []sync.Once
	rows [][]float32
}

// initCache sizes the term cache to termCacheBytes.
func (m *Model) initCache() {
	n := min(len(m.idf), termCacheBytes/(4*max(m.dims, 1)))
	m.cache = termCache{n: n, once: make([]sync.Once, n), rows: make([][]float32, n)}
}

// termRow returns the cached row of term j (j < m.cache.n).
func (m *Model) termRow(j int32) []float32 {
	m.cache.once[j].Do(func() {
		row := make([]float32, m.dims)
		if p, q := m.post.ptr[j], m.post.ptr[j+1]; p < q {
			gemm32.AddRows(row, m.post.w[p:q], m.post.doc[p:q], 0, m.proj, m.dims)
		}
		m.cache.rows[j] = row
	})
	return m.cache.rows[j]
}

// addPostings adds to acc the projection rows of the training texts that
// have term j, weighted by w times the term's weight in them; wts is
// scratch space.
func (m *Model) addPostings(acc []float32, j int32, w float32, wts []float32) []float32 {
	p, q := m.post.ptr[j], m.post.ptr[j+1]
	if p == q {
		return wts
	}
	wts = wts[:0]
	for _, v := range m.post.w[p:q] {
		wts = append(wts, w*v)
	}
	gemm32.AddRows(acc, wts, m.post.doc[p:q], 0, m.proj, m.dims)
	return wts
}

// addScaled adds alpha·x to dst.
func addScaled(dst []float32, alpha float32, x []float32) {
	w, idx := [1]float32{alpha}, [1]int32{0}
	gemm32.AddRows(dst, w[:], idx[:], 0, x, len(x))
}

// Embed returns the L2-normalised vector of every text, in order. A text
// with no known term gets the zero vector. Embed never fails except when ctx
// is cancelled. A text's vector does not depend on the other texts, except
// in float rounding: small batches take another, equivalent route.
func (m *Model) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	out := make([][]float32, len(texts))
	parallel.Ranges(len(texts), 64, func(lo, hi int) {
		var buf []uint64
		var s scratch
		acc := make([]float32, m.dims)
		if len(texts) <= smallBatch {
			s.sims = make([]float64, m.nDocs)
		}
		for i := lo; i < hi; i++ {
			if (i-lo)%16 == 0 && ctx.Err() != nil {
				return
			}
			buf = textKeys(buf[:0], texts[i], m.feat)
			r := m.weigh(countTerms(buf))
			if s.sims != nil {
				m.projectBySimilarity(acc, r, &s)
			} else {
				m.projectByTerms(acc, r, &s)
			}
			out[i] = normalized(acc)
		}
	})
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return out, nil
}

// scratch is a worker's scratch space for Embed.
type scratch struct {
	wts  []float32 // weights of a term's postings
	sims []float64 // similarity to every training text
	docs []int32   // the training texts with a similarity
}

// projectByTerms sets acc to the projection of the TF-IDF row r, summed
// term by term.
func (m *Model) projectByTerms(acc []float32, r sparseRow, s *scratch) {
	clear(acc)
	for i, j := range r.ind {
		if int(j) < m.cache.n {
			addScaled(acc, float32(r.val[i]), m.termRow(j))
		} else {
			s.wts = m.addPostings(acc, j, float32(r.val[i]), s.wts)
		}
	}
}

// projectBySimilarity sets acc to the projection of the TF-IDF row r,
// summed training text by training text: s.sims (one per training text)
// receives r's similarity to each.
func (m *Model) projectBySimilarity(acc []float32, r sparseRow, s *scratch) {
	clear(acc)
	clear(s.sims)
	for i, j := range r.ind {
		for p := m.post.ptr[j]; p < m.post.ptr[j+1]; p++ {
			s.sims[m.post.doc[p]] += r.val[i] * float64(m.post.w[p])
		}
	}
	s.wts, s.docs = s.wts[:0], s.docs[:0]
	for d, v := range s.sims {
		if v != 0 {
			s.wts = append(s.wts, float32(v))
			s.docs = append(s.docs, int32(d))
		}
	}
	if len(s.docs) > 0 {
		gemm32.AddRows(acc, s.wts, s.docs, 0, m.proj, m.dims)
	}
}

// normalized returns v scaled to unit norm (the zero vector stays zero),
// the norm taken in float64.
func normalized(v []float32) []float32 {
	var ss float64
	for _, x := range v {
		ss += float64(x) * float64(x)
	}
	out := make([]float32, len(v))
	if ss == 0 {
		return out
	}
	inv := 1 / math.Sqrt(ss)
	for i, x := range v {
		out[i] = float32(float64(x) * inv)
	}
	return out
}

// normalizeInPlace scales v to unit norm, leaving the zero vector alone.
func normalizeInPlace(v []float64) {
	if n := floats.Norm(v, 2); n > 0 {
		floats.Scale(1/n, v)
	}
}
