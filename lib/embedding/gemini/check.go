package gemini

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/floats"
	"google.golang.org/genai"
)

// Bounds of a sane vector's L2 norm: the models answer unit vectors, or
// prefixes of unit vectors for reduced dimensions.
const (
	minNorm = 1e-3
	maxNorm = 1e3
)

// vectors checks a response and returns its vectors, normalised when a
// reduced dimensionality was asked for. Every vector must have the
// expected length (Config.Dims, else the model's known dimension, else the
// one the first answer showed), finite values and a sane norm; otherwise
// nothing of the batch is returned and the error says what the service
// sent.
func (e *Embedder) vectors(resp *genai.EmbedContentResponse, n int) ([][]float32, error) {
	got := 0
	if resp != nil {
		got = len(resp.Embeddings)
	}
	if got != n {
		return nil, answerErrorf("the service sent %d embeddings for %d texts", got, n)
	}
	want := int(e.dim.Load())
	vecs := make([][]float32, n)
	buf := make([]float64, 0, max(want, 1))
	for i, emb := range resp.Embeddings {
		if emb == nil || len(emb.Values) == 0 {
			return nil, answerErrorf("the service sent an empty embedding for text %d of the batch", i)
		}
		v := emb.Values
		if want == 0 {
			want = len(v)
		}
		if len(v) != want {
			return nil, answerErrorf("the service sent %d values, not %d (%s), for text %d of the batch", len(v), want, e.describeDims(), i)
		}
		buf = buf[:0]
		for j, x := range v {
			if math.IsNaN(float64(x)) || math.IsInf(float64(x), 0) {
				return nil, answerErrorf("the service sent a vector for text %d of the batch with value %d = %v", i, j, x)
			}
			buf = append(buf, float64(x))
		}
		norm := floats.Norm(buf, 2)
		if norm < minNorm || norm > maxNorm || math.IsInf(norm, 0) {
			return nil, answerErrorf("the service sent a vector for text %d of the batch with norm %.3g, outside the sane %g to %g", i, norm, minNorm, maxNorm)
		}
		if e.dims != 0 {
			// Truncated vectors are not unit length: make them so.
			floats.Scale(1/norm, buf)
			v = make([]float32, len(buf))
			for j, x := range buf {
				v[j] = float32(x)
			}
		}
		vecs[i] = v
	}
	e.dim.CompareAndSwap(0, int64(want))
	return vecs, nil
}

// describeDims names where the expected vector length comes from.
func (e *Embedder) describeDims() string {
	if e.dims != 0 {
		return "the output dimensionality asked for"
	}
	if d, ok := knownDims[e.model]; ok && int(e.dim.Load()) == d {
		return "the dimension of " + e.model
	}
	return "the length of the first answer"
}

func answerErrorf(format string, args ...any) error {
	return &AnswerError{fmt.Sprintf(format, args...)}
}
