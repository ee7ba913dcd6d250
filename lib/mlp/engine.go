package mlp

import (
	"math"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas32"

	"github.com/embedclassify/embedclassify/internal/gemm32"
)

// Tile sizes for splitting the large products into tasks. With gonum's
// BLAS every sgemm call must stay below four 64×64 blocks of output, the
// size from which gonum's sgemm starts goroutines of its own: then the pool
// alone decides what runs where and nothing is allocated per call. The
// openblas build uses larger tiles (see openblas.go).
var (
	tileRows    = 32  // examples per task of the hidden-layer product
	tileCols    = 128 // hidden units per task of the hidden-layer product and the small backward pass
	tileK       = 256 // inner-dimension block of the hidden-layer product
	gradUnits   = 64  // hidden units (rows of w1t) per task of the fused gradient/Adam/forward pass
	gradInputs  = 768 // inputs per step of the fused pass: long rows stream well from memory
	gemmMaxCols = 192 // most output columns per sgemm call in the fused pass
)

// engine holds the scratch space and worker pool for running a Model on
// blocks of up to maxRows examples. It is created per call of Fit, Evaluate
// or Predict and allocates nothing afterwards.
type engine struct {
	m       *Model
	pool    *pool
	maxRows int

	// Current block.
	x    []float32 // rows×in input, row-major (points into caller data or xb)
	rows int
	// next, when not nil during backward, is the next training batch: the
	// fused pass that updates w1t also computes that batch's hidden layer
	// from the updated weights while they are in cache.
	next     []float32
	nextRows int

	xb   [2][]float32 // two maxRows×in buffers for gathering training batches
	h    []float32    // maxRows×hidden hidden activations, after ReLU
	out  []float32    // maxRows×classes output layer (sigmoid values or logits)
	dz   []float32    // maxRows×classes gradient of the batch loss at the output pre-activations
	dh   []float32    // maxRows×hidden gradient at the hidden pre-activations
	gw2t []float32    // classes×hidden
	gb1  []float32    // hidden
	gb2  []float32    // classes
	gw1  [][]float32  // per-worker tile of the first kernel's gradient

	// Task functions, bound once so that running them allocates nothing.
	forwardTask, backwardTask, gradTask func(worker, task int)
	rowTiles, colTiles, gradTiles       int
}

func newEngine(m *Model, maxRows int, training bool) *engine {
	e := &engine{m: m, pool: newPool(0), maxRows: maxRows}
	e.h = make([]float32, maxRows*m.hidden)
	e.out = make([]float32, maxRows*m.classes)
	e.colTiles = ceilDiv(m.hidden, tileCols)
	e.forwardTask = e.forwardTile
	if training {
		e.xb = [2][]float32{make([]float32, maxRows*m.in), make([]float32, maxRows*m.in)}
		e.dz = make([]float32, maxRows*m.classes)
		e.dh = make([]float32, maxRows*m.hidden)
		e.gw2t = make([]float32, m.classes*m.hidden)
		e.gb1 = make([]float32, m.hidden)
		e.gb2 = make([]float32, m.classes)
		e.gw1 = make([][]float32, e.pool.workers)
		for i := range e.gw1 {
			e.gw1[i] = make([]float32, gradUnits*gradInputs)
		}
		e.gradTiles = ceilDiv(m.hidden, gradUnits)
		e.backwardTask = e.backwardTile
		e.gradTask = e.gradTile
	}
	return e
}

func (e *engine) close() { e.pool.stop() }

// useKernels tells whether to compute the two large products with
// gemm32.NT and gemm32.TN rather than blas32: in the pure-Go build, on CPUs with
// AVX2 and FMA.
func useKernels() bool { return pureGoBLAS && gemm32.HasFMA }

func ceilDiv(a, b int) int { return (a + b - 1) / b }

// forward computes the hidden activations and the output layer for the
// rows×in block x.
func (e *engine) forward(x []float32, rows int) {
	e.x, e.rows = x, rows
	e.rowTiles = ceilDiv(rows, tileRows)
	e.pool.run(e.rowTiles*e.colTiles, e.forwardTask)
	e.outputLayer()
}

// outputLayer computes the output layer of the current block from its
// hidden activations: classes dot products per row, small enough to run on
// one goroutine.
func (e *engine) outputLayer() {
	m, rows := e.m, e.rows
	impl := blas32.Implementation()
	out := e.out[:rows*m.classes]
	for r := range rows {
		hr := e.h[r*m.hidden : (r+1)*m.hidden]
		for j := range m.classes {
			out[r*m.classes+j] = impl.Sdot(m.hidden, hr, 1, m.w2t[j*m.hidden:(j+1)*m.hidden], 1) + m.b2[j]
		}
	}
	if m.cfg.Output == Sigmoid {
		for i, z := range out {
			out[i] = sigmoid(z)
		}
	}
}

// forwardTile computes one tile of h = relu(x·w1tᵀ + b1).
func (e *engine) forwardTile(_, t int) {
	m := e.m
	r0 := (t / e.colTiles) * tileRows
	c0 := (t % e.colTiles) * tileCols
	nr := min(tileRows, e.rows-r0)
	nc := min(tileCols, m.hidden-c0)
	h := e.h[r0*m.hidden+c0:]
	for r := range nr {
		copy(h[r*m.hidden:r*m.hidden+nc], m.b1[c0:c0+nc])
	}
	impl := blas32.Implementation()
	for k0 := 0; k0 < m.in; k0 += tileK {
		nk := min(tileK, m.in-k0)
		if useKernels() {
			gemm32.NT(nr, nc, nk, e.x[r0*m.in+k0:], m.in, m.w1t[c0*m.in+k0:], m.in, h, m.hidden)
			continue
		}
		impl.Sgemm(blas.NoTrans, blas.Trans, nr, nc, nk,
			1, e.x[r0*m.in+k0:], m.in,
			m.w1t[c0*m.in+k0:], m.in,
			1, h, m.hidden)
	}
	for r := range nr {
		relu(h[r*m.hidden : r*m.hidden+nc])
	}
}

func sigmoid(z float32) float32 {
	return float32(1 / (1 + math.Exp(-float64(z))))
}

// lossAndGrad computes, for the current block with labels y, the sum of the
// per-example losses and the number of correct predictions, and, if grad,
// the gradient of the block's mean loss at the output pre-activations into
// dz. The per-example loss is sparse categorical cross-entropy with the
// output layer's values as logits: log Σⱼ exp(oⱼ) − o_y.
func (e *engine) lossAndGrad(y []int, grad bool) (lossSum float64, correct int) {
	k := e.m.classes
	sig := e.m.cfg.Output == Sigmoid
	inv := 1 / float64(e.rows)
	for r := range e.rows {
		o := e.out[r*k : (r+1)*k]
		best, mx := 0, o[0]
		for j, v := range o {
			if v > mx {
				best, mx = j, v
			}
		}
		if best == y[r] {
			correct++
		}
		var s float64
		for _, v := range o {
			s += math.Exp(float64(v - mx))
		}
		lse := float64(mx) + math.Log(s)
		lossSum += lse - float64(o[y[r]])
		if !grad {
			continue
		}
		dz := e.dz[r*k : (r+1)*k]
		for j, v := range o {
			d := math.Exp(float64(v)-lse) * inv
			if j == y[r] {
				d -= inv
			}
			if sig {
				d *= float64(v) * (1 - float64(v)) // σ'(z) = σ(z)(1−σ(z))
			}
			dz[j] = float32(d)
		}
	}
	return lossSum, correct
}

// argmax returns the index of the largest value in s (the first on ties, as
// NumPy's argmax).
func argmax(s []float32) int {
	best := 0
	for j, v := range s {
		if v > s[best] {
			best = j
		}
	}
	return best
}

// backward computes every gradient of the current batch's mean loss from dz
// and applies one Adam step to all parameters. When next is not nil it then
// makes the rows×in block next the current one and computes its hidden
// layer and output with the updated weights, as forward would; most of that
// work is done inside the weight update.
func (e *engine) backward(next []float32, rows int) {
	m := e.m
	a := m.opt
	a.begin()
	e.smallGradients()
	a.update(m.w2t, e.gw2t, a.m2t, a.v2t)
	a.update(m.b2, e.gb2, a.mb2, a.vb2)
	a.update(m.b1, e.gb1, a.mb1, a.vb1)
	// First-layer kernel: gradient, Adam step and the next batch's hidden
	// layer, fused, tile by tile.
	e.next, e.nextRows = next, rows
	e.pool.run(e.gradTiles, e.gradTask)
	e.next = nil
	if next != nil {
		e.x, e.rows = next, rows
		e.outputLayer()
	}
}

// smallGradients computes every gradient except the first kernel's: gb2,
// gw2t and gb1, and dh, from which gradTile computes the first kernel's.
func (e *engine) smallGradients() {
	k := e.m.classes
	// Output-layer bias gradient: column sums of dz.
	for j := range k {
		var s float32
		for r := range e.rows {
			s += e.dz[r*k+j]
		}
		e.gb2[j] = s
	}
	// Second-layer kernel gradient, hidden gradient and hidden bias gradient,
	// by column tiles of the hidden layer. This reads w2t, so it must finish
	// before w2t is updated.
	e.pool.run(e.colTiles, e.backwardTask)
}

// backwardTile computes, for hidden columns [c0, c0+nc):
//
//	gw2t[:, c] = dzᵀ·h[:, c]
//	dh[:, c]   = (dz·w2t[:, c]) ⊙ [h[:, c] > 0]
//	gb1[c]     = column sums of dh[:, c]
func (e *engine) backwardTile(_, t int) {
	m, k, rows := e.m, e.m.classes, e.rows
	c0 := t * tileCols
	nc := min(tileCols, m.hidden-c0)
	impl := blas32.Implementation()
	impl.Sgemm(blas.Trans, blas.NoTrans, k, nc, rows,
		1, e.dz, k, e.h[c0:], m.hidden,
		0, e.gw2t[c0:], m.hidden)
	impl.Sgemm(blas.NoTrans, blas.NoTrans, rows, nc, k,
		1, e.dz, k, m.w2t[c0:], m.hidden,
		0, e.dh[c0:], m.hidden)
	gb := e.gb1[c0 : c0+nc]
	clear(gb)
	for r := range rows {
		dh := e.dh[r*m.hidden+c0 : r*m.hidden+c0+nc]
		h := e.h[r*m.hidden+c0 : r*m.hidden+c0+nc]
		for i, v := range h {
			if v <= 0 {
				dh[i] = 0
			}
			gb[i] += dh[i]
		}
	}
}

// gradTile handles hidden units [j0, j0+nj) — rows j0… of w1t — gradInputs
// inputs at a time: it computes that block of the first kernel's gradient,
// gw1t = dhᵀ·x, into the worker's scratch (gonum's sgemm skips the units
// ReLU switched off, whose dh is zero), applies Adam to the block of w1t
// while the gradient is in cache and, when a next batch is set, adds the
// updated block's contribution to that batch's hidden layer,
// h[:, j] += next[:, k]·w1t[j, k]ᵀ, before the block leaves the cache. Each
// task's hidden units belong to it alone and are summed in a fixed order, so
// results do not depend on scheduling.
func (e *engine) gradTile(worker, t int) {
	m := e.m
	a := m.opt
	j0 := t * gradUnits
	nj := min(gradUnits, m.hidden-j0)
	g := e.gw1[worker]
	impl := blas32.Implementation()
	fwd := e.next != nil
	if fwd {
		for r := range e.nextRows {
			copy(e.h[r*m.hidden+j0:r*m.hidden+j0+nj], m.b1[j0:j0+nj])
		}
	}
	for k0 := 0; k0 < m.in; k0 += gradInputs {
		nk := min(gradInputs, m.in-k0)
		if useKernels() {
			gemm32.TN(nj, nk, e.rows, e.dh[j0:], m.hidden, e.x[k0:], m.in, g, nk)
		} else {
			for c := 0; c < nk; c += gemmMaxCols {
				nc := min(gemmMaxCols, nk-c)
				impl.Sgemm(blas.Trans, blas.NoTrans, nj, nc, e.rows,
					1, e.dh[j0:], m.hidden, e.x[k0+c:], m.in,
					0, g[c:], nk)
			}
		}
		for j := range nj {
			off := (j0+j)*m.in + k0
			a.update(m.w1t[off:off+nk], g[j*nk:(j+1)*nk], a.m1[off:off+nk], a.v1[off:off+nk])
		}
		if fwd && useKernels() {
			gemm32.NT(e.nextRows, nj, nk, e.next[k0:], m.in, m.w1t[j0*m.in+k0:], m.in, e.h[j0:], m.hidden)
		} else if fwd {
			impl.Sgemm(blas.NoTrans, blas.Trans, e.nextRows, nj, nk,
				1, e.next[k0:], m.in, m.w1t[j0*m.in+k0:], m.in,
				1, e.h[j0:], m.hidden)
		}
	}
	if fwd {
		for r := range e.nextRows {
			relu(e.h[r*m.hidden+j0 : r*m.hidden+j0+nj])
		}
	}
}

// relu replaces the negative values of s with zero.
func relu(s []float32) {
	for i, v := range s {
		if v < 0 {
			s[i] = 0
		}
	}
}

// softmaxInPlace replaces s with its softmax.
func softmaxInPlace(s []float32) {
	mx := s[argmax(s)]
	var sum float64
	for _, v := range s {
		sum += math.Exp(float64(v - mx))
	}
	for i, v := range s {
		s[i] = float32(math.Exp(float64(v-mx)) / sum)
	}
}
