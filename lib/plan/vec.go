package plan

// The layers of forward are sums of scaled weight rows (axpy) and dot
// products. On amd64 they are gonum's assembly (vec_amd64.go); elsewhere,
// and with -tags purego, they are axpyGo and dotGo, which give the same
// bits. gonum's own Go code cannot stand in: it is compiled outside this
// module, where .ci/fused does not look, and arm64 fuses its products
// into the additions.

// axpyGo sets y[i] += a*x[i], each product rounded before it is added: the
// bits of gonum's amd64 assembly (floats.AddScaled), on every build.
func axpyGo(y []float64, a float64, x []float64) {
	y = y[:len(x)]
	for i, v := range x {
		y[i] += float64(a * v)
	}
}

// dotGo returns Σ x[i]*y[i] in the order of gonum's amd64 assembly
// (floats.Dot): four partial sums over blocks of four, the remaining
// elements added to the first, then (s0+s2) + (s1+s3); each product is
// rounded, so every build gives those bits.
func dotGo(x, y []float64) float64 {
	y = y[:len(x)]
	var s0, s1, s2, s3 float64
	i := 0
	for ; i+4 <= len(x); i += 4 {
		s0 += float64(x[i] * y[i])
		s1 += float64(x[i+1] * y[i+1])
		s2 += float64(x[i+2] * y[i+2])
		s3 += float64(x[i+3] * y[i+3])
	}
	for ; i < len(x); i++ {
		s0 += float64(x[i] * y[i])
	}
	return (s0 + s2) + (s1 + s3)
}
