package mlp

import "golang.org/x/sys/cpu"

// useAVX2 selects the vector Adam kernel; tests switch it off to compare.
var useAVX2 = cpu.X86.HasAVX2

//go:noescape
func adamAVX2(w, grad, m, v *float32, n int, alpha, c1, c2, eps float32)

// adamKernel applies one Adam step to w with gradients g and moments m, v,
// all of len(w) elements.
func adamKernel(w, g, m, v []float32, alpha, c1, c2, eps float32) {
	n := len(w)
	g, m, v = g[:n], m[:n], v[:n]
	if useAVX2 && n >= 8 {
		k := n &^ 7
		adamAVX2(&w[0], &g[0], &m[0], &v[0], k, alpha, c1, c2, eps)
		w, g, m, v = w[k:], g[k:], m[k:], v[k:]
	}
	adamGeneric(w, g, m, v, alpha, c1, c2, eps)
}
