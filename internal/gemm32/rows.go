package gemm32

// AddRows adds a weighted sum of rows of src to dst: dst[i] +=
// Σ_p w[p]·src[(idx[p]-first)·lds+i] for i < len(dst), the sum over p in
// order with fused multiply-adds. It is the inner step of a sparse matrix
// times a dense one (idx and w are a sparse row's columns and values, src
// the dense matrix, or the block of its rows from row first on, row-major
// with stride lds): dst's columns are taken 64 at a time and kept in
// registers while every row of src adds to them.
//
// It panics when w and idx differ in length or a row of src is out of
// range.
func AddRows(dst, w []float32, idx []int32, first int32, src []float32, lds int) {
	n := len(dst)
	if len(w) != len(idx) {
		panic("gemm32: AddRows with len(w) != len(idx)")
	}
	if n == 0 || len(idx) == 0 {
		return
	}
	lo, hi := idx[0], idx[0]
	for _, r := range idx {
		lo, hi = min(lo, r), max(hi, r)
	}
	if lo < first {
		panic("gemm32: AddRows with a row before the first")
	}
	_ = src[int(hi-first)*lds+n-1]
	n8 := n &^ 7
	if !HasFMA {
		n8 = 0
	}
	if n8 > 0 {
		addRowsFMA(&dst[0], n8, &w[0], &idx[0], len(idx), first, &src[0], lds)
	}
	if n8 == n {
		return
	}
	for p, r := range idx {
		o := int(r-first) * lds
		s := src[o+n8 : o+n]
		wp := w[p]
		for i, v := range s {
			dst[n8+i] += wp * v
		}
	}
}
