//go:build !amd64

package mlp

// adamKernel applies one Adam step to w with gradients g and moments m, v,
// all of len(w) elements.
func adamKernel(w, g, m, v []float32, alpha, c1, c2, eps float32) {
	adamGeneric(w, g, m, v, alpha, c1, c2, eps)
}
