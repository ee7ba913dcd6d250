package lsa

import (
	"context"
	"sync"

	"gonum.org/v1/gonum/floats"

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
		row := make([]float64, m.dims)
		m.addPostings(row, j, 1)
		r32 := make([]float32, m.dims)
		for c, v := range row {
			r32[c] = float32(v)
		}
		m.cache.rows[j] = r32
	})
	return m.cache.rows[j]
}

// addPostings adds to acc the projection rows of the training texts that
// have term j, weighted by w times the term's weight in them.
func (m *Model) addPostings(acc []float64, j int32, w float64) {
	k := m.dims
	for p := m.post.ptr[j]; p < m.post.ptr[j+1]; p++ {
		d := int(m.post.doc[p])
		addScaled32(acc, w*float64(m.post.w[p]), m.proj[d*k:(d+1)*k])
	}
}

// addScaled32 adds alpha·x to dst.
func addScaled32(dst []float64, alpha float64, x []float32) {
	x = x[:len(dst)]
	for i, v := range x {
		dst[i] += alpha * float64(v)
	}
}

// Embed returns the L2-normalised vector of every text, in order. A text
// with no known term gets the zero vector. Embed never fails except when ctx
// is cancelled. A text's vector does not depend on the other texts, except
// in float rounding: small batches take another, equivalent route.
func (m *Model) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	out := make([][]float32, len(texts))
	parallel.Ranges(len(texts), 0, func(lo, hi int) {
		var buf []uint64
		acc := make([]float64, m.dims)
		var sims []float64
		if len(texts) <= smallBatch {
			sims = make([]float64, m.nDocs)
		}
		for i := lo; i < hi; i++ {
			if (i-lo)%16 == 0 && ctx.Err() != nil {
				return
			}
			buf = textKeys(buf[:0], texts[i], m.feat)
			r := m.weigh(countTerms(buf))
			if sims != nil {
				m.projectBySimilarity(acc, r, sims)
			} else {
				m.projectByTerms(acc, r)
			}
			normalizeInPlace(acc)
			v := make([]float32, m.dims)
			for c, x := range acc {
				v[c] = float32(x)
			}
			out[i] = v
		}
	})
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return out, nil
}

// projectByTerms sets acc to the projection of the TF-IDF row r, summed
// term by term.
func (m *Model) projectByTerms(acc []float64, r sparseRow) {
	clear(acc)
	for i, j := range r.ind {
		if int(j) < m.cache.n {
			addScaled32(acc, r.val[i], m.termRow(j))
		} else {
			m.addPostings(acc, j, r.val[i])
		}
	}
}

// projectBySimilarity sets acc to the projection of the TF-IDF row r,
// summed training text by training text: sims (scratch space, one per
// training text) receives r's similarity to each.
func (m *Model) projectBySimilarity(acc []float64, r sparseRow, sims []float64) {
	clear(acc)
	clear(sims)
	for i, j := range r.ind {
		for p := m.post.ptr[j]; p < m.post.ptr[j+1]; p++ {
			sims[m.post.doc[p]] += r.val[i] * float64(m.post.w[p])
		}
	}
	k := m.dims
	for d, s := range sims {
		if s != 0 {
			addScaled32(acc, s, m.proj[d*k:(d+1)*k])
		}
	}
}

// normalizeInPlace scales v to unit norm, leaving the zero vector alone.
func normalizeInPlace(v []float64) {
	if n := floats.Norm(v, 2); n > 0 {
		floats.Scale(1/n, v)
	}
}
