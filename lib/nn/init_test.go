package nn

import (
	"encoding/binary"
	"fmt"
	"hash/fnv"
	"math"
	"testing"

	"gonum.org/v1/gonum/mat"
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

// TestHouseholderQMatchesGonum: householderQ's Q·sign(diag R) agrees with
// gonum's QR (LAPACK's algorithm) to rounding, on tall, square and
// one-column matrices.
func TestHouseholderQMatchesGonum(t *testing.T) {
	for _, sz := range [][2]int{{5, 3}, {6, 6}, {64, 4}, {64, 64}, {7, 1}, {200, 200}} {
		r, c := sz[0], sz[1]
		a := randVec(newRNG(uint64(r*1000+c)), r*c, 1)
		var qr mat.QR
		qr.Factorize(mat.NewDense(r, c, append([]float64(nil), a...)))
		var q, rr mat.Dense
		qr.QTo(&q)
		qr.RTo(&rr)
		got := householderQ(append([]float64(nil), a...), r, c)
		for i := 0; i < r; i++ {
			for j := 0; j < c; j++ {
				want := q.At(i, j)
				if rr.At(j, j) < 0 {
					want = -want
				}
				if math.Abs(got[i*c+j]-want) > 1e-12 {
					t.Fatalf("%dx%d: Q[%d,%d] = %v, gonum %v", r, c, i, j, got[i*c+j], want)
				}
			}
		}
	}
}

// TestOrthogonalBits pins the bits of a few initialisations: the .ci/bits
// builds (FMA, purego) run it, and any fused product in householderQ or the
// Gaussian draws would change them.
func TestOrthogonalBits(t *testing.T) {
	h := fnv.New64a()
	for _, sz := range [][2]int{{64, 4}, {4, 64}, {64, 64}, {200, 200}} {
		w := make([]float64, sz[0]*sz[1])
		Orthogonal(w, sz[0], sz[1], math.Sqrt2, newRNG(uint64(sz[0]+sz[1])))
		for _, v := range w {
			binary.Write(h, binary.LittleEndian, math.Float64bits(v))
		}
	}
	const want = 0x868bd5a38a114868
	if got := h.Sum64(); got != want {
		t.Errorf("hash of the weights' bits %#x, want %#x", got, uint64(want))
	}
}
