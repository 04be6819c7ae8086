package nn

import (
	"fmt"
	"math"
	"testing"
)

// orthoTol bounds |W Wᵀ - gain² I| entrywise relative to gain². Householder
// QR is backward stable, so Q is orthonormal to a small multiple of machine
// epsilon times the dimension (≤ 64 here): ~1e-14, with margin.
const orthoTol = 1e-12

func TestOrthogonal(t *testing.T) {
	cases := []struct {
		rows, cols int
		gain       float64
	}{
		{3, 5, 1}, {5, 3, 1}, {4, 4, math.Sqrt2}, {64, 4, math.Sqrt2},
		{2, 64, 0.01}, {64, 64, math.Sqrt2}, {1, 64, 1}, {64, 1, 1},
	}
	for _, tc := range cases {
		t.Run(fmt.Sprintf("%dx%d-gain%.3g", tc.rows, tc.cols, tc.gain), func(t *testing.T) {
			w := make([]float64, tc.rows*tc.cols)
			Orthogonal(w, tc.rows, tc.cols, tc.gain, newRNG(5))
			// Orthonormal rows if rows ≤ cols (W Wᵀ), else columns (Wᵀ W).
			n, k := tc.rows, tc.cols
			at := func(i, l int) float64 { return w[i*tc.cols+l] }
			if tc.rows > tc.cols {
				n, k = tc.cols, tc.rows
				at = func(i, l int) float64 { return w[l*tc.cols+i] }
			}
			g2 := tc.gain * tc.gain
			for i := 0; i < n; i++ {
				for j := 0; j < n; j++ {
					s := 0.0
					for l := 0; l < k; l++ {
						s += at(i, l) * at(j, l)
					}
					want := 0.0
					if i == j {
						want = g2
					}
					if math.Abs(s-want) > orthoTol*g2 {
						t.Fatalf("(W Wᵀ)[%d,%d] = %v, want %v", i, j, s, want)
					}
				}
			}
		})
	}
}

// TestOrthogonalSigns checks the sign correction: for a square matrix
// torch's Q·sign(diag R) makes the QR factorisation unique, so
// Qᵀ G = R has a positive diagonal. We recompute G from the same seed.
func TestOrthogonalSigns(t *testing.T) {
	const n = 6
	w := make([]float64, n*n)
	Orthogonal(w, n, n, 1, newRNG(9))
	rng := newRNG(9)
	g := randVec(rng, n*n, 1)
	for j := 0; j < n; j++ {
		r := 0.0 // (Qᵀ G)[j,j] = Σ_i Q[i,j] G[i,j]
		for i := 0; i < n; i++ {
			r += w[i*n+j] * g[i*n+j]
		}
		if r <= 0 {
			t.Errorf("R[%d,%d] = %v, want > 0 after sign correction", j, j, r)
		}
	}
}

func TestInitPyTorch(t *testing.T) {
	m := NewMLP([]int{6, 128, 5}, ReLU)
	m.InitPyTorch(newRNG(6))
	for _, d := range m.Layers {
		bound := 1 / math.Sqrt(float64(d.In))
		for _, p := range []*Param{d.W, d.B} {
			mx, sum := 0.0, 0.0
			for _, v := range p.Data {
				if math.Abs(v) > bound {
					t.Fatalf("%s: |%v| exceeds 1/√fan_in = %v", p.Name, v, bound)
				}
				mx = math.Max(mx, math.Abs(v))
				sum += v
			}
			// The largest of n ≥ 5 uniform draws on [-b, b] is below b/2
			// with probability 2⁻ⁿ ≤ 1/32; for this seed it is well above.
			if mx < bound/2 {
				t.Errorf("%s: max |w| %v, want close to %v", p.Name, mx, bound)
			}
			_ = sum
		}
	}
}
