package lsa

import (
	"math"

	"github.com/embedclassify/embedclassify/internal/gemm32"
	"github.com/embedclassify/embedclassify/internal/parallel"
)

// tridiag32Min is the order from which symEigen reduces its matrix to
// tridiagonal form with tridiag32 rather than with gonum's Dsytrd and
// Dorgtr (a variable so that tests can run both routes on small matrices).
// gonum's symmetric matrix-vector products, half the work, run serially,
// in float64; tridiag32's run in float32 on every core.
var tridiag32Min = 1024

// tridiag32 reduces the symmetric l × l matrix a (row-major, both
// triangles, overwritten) to tridiagonal form T = Qᵀ·a·Q by Householder
// reflections, as LAPACK's dsytd2 does, in float32: it returns T's
// diagonal d and off-diagonal e (e[i] between rows i and i+1, e[l-1] = 0)
// and Qᵀ, row-major. Each step's symmetric product and rank-2 update are
// made over rows in parallel with the vector kernels of internal/gemm32;
// the reflectors' scalars are computed in float64.
func tridiag32(a []float32, l int) (d, e []float64, qt []float32) {
	d, e = make([]float64, l), make([]float64, l)
	tau := make([]float64, l)
	p := make([]float32, l)
	pv := make([]float32, 2*l)
	vv := make([]float32, 2*l) // [w; v] for the rank-2 update, [v; v] for the product
	for i := 0; i+2 < l; i++ {
		m := l - i - 1
		row := a[i*l+i+1 : i*l+l] // column i below the diagonal
		d[i] = float64(a[i*l+i])
		alpha := float64(row[0])
		var ss float64
		for _, x := range row[1:] {
			ss += float64(x) * float64(x)
		}
		if ss == 0 {
			e[i] = alpha
			row[0] = 1
			continue // tau[i] = 0: no reflection
		}
		beta := -math.Copysign(math.Hypot(alpha, math.Sqrt(ss)), alpha)
		tau[i] = (beta - alpha) / beta
		scale := 1 / (alpha - beta)
		row[0] = 1
		for j := 1; j < m; j++ {
			row[j] = float32(float64(row[j]) * scale)
		}
		e[i] = beta
		v := row // kept in a's row i for Qᵀ
		b := a[(i+1)*l+i+1:]
		// p = τ·B·v, B the trailing m × m block: NT with two copies of v
		// (its vector kernel takes units in pairs).
		copy(vv[:m], v)
		copy(vv[m:2*m], v)
		clear(pv[:2*m])
		parallel.Ranges(m, 64, func(lo, hi int) {
			gemm32.NT(hi-lo, 2, m, b[lo*l:], l, vv, m, pv[2*lo:], 2)
		})
		t := tau[i]
		var pdv float64
		for r := 0; r < m; r++ {
			p[r] = float32(t * float64(pv[2*r]))
			pdv += float64(p[r]) * float64(v[r])
		}
		// w = p − (τ/2)·(pᵀv)·v, then B −= v·wᵀ + w·vᵀ.
		h := t / 2 * pdv
		w, vcopy := vv[:m], vv[m:2*m]
		for r := 0; r < m; r++ {
			w[r] = float32(float64(p[r]) - h*float64(v[r]))
		}
		copy(vcopy, v)
		parallel.Ranges(m, 64, func(lo, hi int) {
			var wts [2]float32
			idx := [2]int32{0, 1}
			for r := lo; r < hi; r++ {
				wts[0], wts[1] = -vcopy[r], -w[r]
				gemm32.AddRows(b[r*l:r*l+m], wts[:], idx[:], 0, vv, m)
			}
		})
	}
	if l >= 2 {
		d[l-2] = float64(a[(l-2)*l+l-2])
		e[l-2] = float64(a[(l-2)*l+l-1])
	}
	d[l-1] = float64(a[l*l-1])

	// Q = H₀·H₁·…·H_{l-3}, accumulated backwards (LAPACK's dorg2l): each
	// reflector touches the rows and columns after its own.
	q := make([]float32, l*l)
	for i := 0; i < l; i++ {
		q[i*l+i] = 1
	}
	idx := make([]int32, l)
	for i := range idx {
		idx[i] = int32(i)
	}
	tv := make([]float32, l)
	for i := l - 3; i >= 0; i-- {
		if tau[i] == 0 {
			continue
		}
		m := l - i - 1
		v := a[i*l+i+1 : i*l+l]
		sub := q[(i+1)*l+i+1:]
		// t = vᵀ·Q_sub, in parallel over columns; then Q_sub −= τ·v·t.
		t := tv[:m]
		clear(t)
		parallel.Ranges(m, 256, func(lo, hi int) {
			gemm32.AddRows(t[lo:hi], v, idx[:m], 0, sub[lo:], l)
		})
		tf := float32(tau[i])
		parallel.Ranges(m, 64, func(lo, hi int) {
			for r := lo; r < hi; r++ {
				addScaled(sub[r*l:r*l+m], -tf*v[r], t)
			}
		})
	}
	qt = make([]float32, l*l)
	transposeRows(qt, q, l, 0, l)
	return d, e, qt
}
