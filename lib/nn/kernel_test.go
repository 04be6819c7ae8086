package nn

import (
	"fmt"
	"math"
	"testing"

	"gonum.org/v1/gonum/blas"
)

// kernelTol: the Gemm and loop kernels sum the same products in different
// orders; for sums of ≤ 200 O(1) terms the results agree to ~1e-14.
const kernelTol = 1e-12

// TestKernelsAgree checks the blocked-Gemm and loop kernels against each
// other on shapes with remainders of the 4-wide tiles and of the 64-wide
// Gemm blocks.
func TestKernelsAgree(t *testing.T) {
	shapes := []struct{ batch, in, out int }{
		{1, 3, 5}, {5, 7, 9}, {7, 16, 3}, {33, 20, 17}, {130, 65, 70}, {70, 130, 129},
	}
	for _, s := range shapes {
		t.Run(fmt.Sprintf("%dx%dx%d", s.batch, s.in, s.out), func(t *testing.T) {
			rng := newRNG(30)
			x := randVec(rng, s.batch*s.in, 1)
			w := randVec(rng, s.out*s.in, 1)
			b := randVec(rng, s.out, 1)
			delta := randVec(rng, s.batch*s.out, 1)

			y1 := make([]float64, s.batch*s.out)
			y2 := make([]float64, s.batch*s.out)
			denseForwardLoop(y1, x, w, b, s.batch, s.in, s.out)
			for i := 0; i < s.batch; i++ {
				copy(y2[i*s.out:], b)
			}
			gemm(blas.NoTrans, blas.Trans, 1, general(x, s.batch, s.in), general(w, s.out, s.in), 1, general(y2, s.batch, s.out))
			near(t, "y", y1, y2)

			dw1 := randVec(rng, s.out*s.in, 1) // accumulation onto existing values
			dw2 := append([]float64(nil), dw1...)
			denseWeightGradLoop(dw1, delta, x, s.batch, s.in, s.out)
			gemm(blas.Trans, blas.NoTrans, 1, general(delta, s.batch, s.out), general(x, s.batch, s.in), 1, general(dw2, s.out, s.in))
			near(t, "dw", dw1, dw2)

			dx1 := randVec(rng, s.batch*s.in, 1) // overwritten
			dx2 := make([]float64, s.batch*s.in)
			denseInputGradLoop(dx1, delta, w, s.batch, s.in, s.out)
			gemm(blas.NoTrans, blas.NoTrans, 1, general(delta, s.batch, s.out), general(w, s.out, s.in), 0, general(dx2, s.batch, s.in))
			near(t, "dx", dx1, dx2)
		})
	}
}

func near(t *testing.T, what string, a, b []float64) {
	t.Helper()
	for i := range a {
		if math.Abs(a[i]-b[i]) > kernelTol*math.Max(1, math.Abs(b[i])) {
			t.Fatalf("%s[%d]: loop %v, gemm %v", what, i, a[i], b[i])
		}
	}
}
