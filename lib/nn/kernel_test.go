package nn

import (
	"fmt"
	"math"
	"testing"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
)

// kernelTol: the kernels and gonum's Dgemm sum the same products in
// different orders; for sums of ≤ 200 O(1) terms the results agree to
// ~1e-14.
const kernelTol = 1e-12

// TestKernelsMatchGemm checks the dense-layer kernels against gonum's
// Dgemm (the reference) on shapes with remainders of the 4×3 register
// blocks, including batch 1, which takes its own path in denseBackward.
func TestKernelsMatchGemm(t *testing.T) {
	shapes := []struct{ batch, in, out int }{
		{1, 3, 5}, {1, 64, 64}, {2, 4, 3}, {5, 7, 9}, {7, 16, 3}, {33, 20, 17}, {130, 65, 70}, {70, 130, 129},
		{1, 4, 64}, {9, 4, 7}, {6, 13, 1}, {6, 13, 2}, {5, 4, 2}, {3, 2, 5},
	}
	for _, s := range shapes {
		t.Run(fmt.Sprintf("%dx%dx%d", s.batch, s.in, s.out), func(t *testing.T) {
			rng := newRNG(30)
			x := randVec(rng, s.batch*s.in, 1)
			w := randVec(rng, s.out*s.in, 1)
			b := randVec(rng, s.out, 1)
			delta := randVec(rng, s.batch*s.out, 1)
			gx := general(x, s.batch, s.in)
			gw := general(w, s.out, s.in)
			gd := general(delta, s.batch, s.out)

			y := randVec(rng, s.batch*s.out, 1) // overwritten
			want := make([]float64, s.batch*s.out)
			for i := 0; i < s.batch; i++ {
				copy(want[i*s.out:], b)
			}
			denseForward(y, x, w, b, s.batch, s.in, s.out, nil)
			blas64.Gemm(blas.NoTrans, blas.Trans, 1, gx, gw, 1, general(want, s.batch, s.out))
			near(t, "y", y, want)

			dw := randVec(rng, s.out*s.in, 1) // accumulation onto existing values
			wantDW := append([]float64(nil), dw...)
			db := randVec(rng, s.out, 1)
			wantDB := append([]float64(nil), db...)
			for i := 0; i < s.batch; i++ {
				for j := range wantDB {
					wantDB[j] += delta[i*s.out+j]
				}
			}
			dx := randVec(rng, s.batch*s.in, 1) // overwritten
			wantDX := make([]float64, s.batch*s.in)
			denseBackward(dx, dw, db, delta, x, w, s.batch, s.in, s.out, nil)
			blas64.Gemm(blas.Trans, blas.NoTrans, 1, gd, gx, 1, general(wantDW, s.out, s.in))
			blas64.Gemm(blas.NoTrans, blas.NoTrans, 1, gd, gw, 0, general(wantDX, s.batch, s.in))
			near(t, "dw", dw, wantDW)
			near(t, "db", db, wantDB)
			near(t, "dx", dx, wantDX)
		})
	}
}

// TestRowsIndependentOfBatch checks that a row's output does not depend
// on where it falls in the batch (4×3 blocks or remainder rows): the
// sums run in the same order everywhere, so the bits agree.
func TestRowsIndependentOfBatch(t *testing.T) {
	const in, out = 9, 7
	rng := newRNG(31)
	w := randVec(rng, out*in, 1)
	b := randVec(rng, out, 1)
	x := randVec(rng, 6*in, 1)
	all := make([]float64, 6*out)
	denseForward(all, x, w, b, 6, in, out, nil)
	one := make([]float64, out)
	for i := range 6 {
		denseForward(one, x[i*in:(i+1)*in], w, b, 1, in, out, nil)
		for j := range one {
			if one[j] != all[i*out+j] {
				t.Fatalf("row %d, output %d: batch 1 gives %v, batch 6 %v", i, j, one[j], all[i*out+j])
			}
		}
	}
}

// TestGemmNTBits checks gemmNT (the assembly kernels where the machine
// has AVX2 and FMA) against its definition, dotLanes per element and
// put, bit for bit, on every remainder of the 4×3, 4×2, 1×8 and 1×4 blocks and
// of the four-lane sums, setting and adding.
func TestGemmNTBits(t *testing.T) {
	rng := newRNG(32)
	for _, m := range []int{1, 2, 3, 4, 5, 7, 8, 9, 13} {
		for _, p := range []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 12, 13, 64, 65} {
			for _, k := range []int{1, 2, 3, 4, 5, 7, 8, 9, 64, 67} {
				a := randVec(rng, m*k, 1)
				b := randVec(rng, p*k, 1)
				old := randVec(rng, m*p, 1)
				for _, add := range []bool{false, true} {
					c := append([]float64(nil), old...)
					gemmNT(c, a, b, m, p, k, add)
					for i := range m {
						for j := range p {
							want := put(old[i*p+j], dotLanes(a[i*k:i*k+k], b[j*k:j*k+k]), add)
							if math.Float64bits(c[i*p+j]) != math.Float64bits(want) {
								t.Fatalf("m=%d p=%d k=%d add=%v: c[%d,%d] = %v, want %v", m, p, k, add, i, j, c[i*p+j], want)
							}
						}
					}
				}
			}
		}
	}
}

func general(data []float64, rows, cols int) blas64.General {
	return blas64.General{Rows: rows, Cols: cols, Stride: cols, Data: data[:rows*cols]}
}

func near(t *testing.T, what string, got, want []float64) {
	t.Helper()
	for i := range got {
		if math.Abs(got[i]-want[i]) > kernelTol*math.Max(1, math.Abs(want[i])) {
			t.Fatalf("%s[%d]: kernel %v, gemm %v", what, i, got[i], want[i])
		}
	}
}

// TestAdamStepBits checks Adam.Step (whose common case runs four lanes at
// a time where the machine has AVX2) against the scalar update written
// out here, bit for bit, over several steps on a parameter whose length is
// not a multiple of 4.
func TestAdamStepBits(t *testing.T) {
	rng := newRNG(32)
	p := NewParam("w", 4*7+3)
	copy(p.Data, randVec(rng, len(p.Data), 1))
	cfg := DefaultAdam(3e-3)
	cfg.Eps = 1e-5
	opt := NewAdam()
	opt.AddGroup("g", []*Param{p}, cfg)
	x := append([]float64(nil), p.Data...)
	m := make([]float64, len(x))
	v := make([]float64, len(x))
	for step := 1; step <= 5; step++ {
		copy(p.Grad, randVec(rng, len(x), 0.1))
		opt.Step()
		bc1 := 1 - math.Pow(cfg.Beta1, float64(step))
		bc2 := 1 - math.Pow(cfg.Beta2, float64(step))
		for i, gr := range p.Grad {
			// Every product rounded (float64), so the compiler cannot
			// fuse it into an FMA (GOAMD64=v3, arm64).
			m[i] = m[i] + float64((1-cfg.Beta1)*(gr-m[i]))
			v[i] = float64(v[i]*cfg.Beta2) + float64((1-cfg.Beta2)*gr*gr)
			denom := math.Sqrt(v[i])/math.Sqrt(bc2) + cfg.Eps
			x[i] = x[i] + float64(-(cfg.LR/bc1)*(m[i]/denom))
			if x[i] != p.Data[i] {
				t.Fatalf("step %d, element %d: Step gives %v, scalar update %v", step, i, p.Data[i], x[i])
			}
		}
	}
}

// TestTranspose checks transpose (the AVX blocks where rows and columns
// are multiples of 4, Go loops elsewhere) against the definition.
func TestTranspose(t *testing.T) {
	rng := newRNG(33)
	for _, rows := range []int{1, 3, 4, 8, 9, 128} {
		for _, cols := range []int{1, 2, 4, 5, 12, 64} {
			src := randVec(rng, rows*cols, 1)
			dst := randVec(rng, rows*cols, 1)
			transpose(dst, src, rows, cols)
			for i := range rows {
				for j := range cols {
					if dst[j*rows+i] != src[i*cols+j] {
						t.Fatalf("%d×%d: dst[%d,%d] = %v, want %v", rows, cols, j, i, dst[j*rows+i], src[i*cols+j])
					}
				}
			}
		}
	}
}

// TestTanhGradBits checks activateGrad for tanh (four lanes at a time
// where the machine has AVX2) against g·(1 − h²) evaluated in Go, bit for
// bit, on lengths with every remainder mod 4.
func TestTanhGradBits(t *testing.T) {
	rng := newRNG(34)
	for n := range 13 {
		h := randVec(rng, n, 0.7)
		g := randVec(rng, n, 1)
		got := append([]float64(nil), g...)
		activateGrad(Tanh, got, h)
		for i := range n {
			want := g[i] * (1 - float64(h[i]*h[i]))
			if math.Float64bits(got[i]) != math.Float64bits(want) {
				t.Fatalf("n=%d: g[%d] = %v, want %v", n, i, got[i], want)
			}
		}
	}
}

// TestSmallKBits checks gemmSmallK, where smallK holds, against gemmNT
// bit for bit, setting and adding, on every remainder of its four columns.
func TestSmallKBits(t *testing.T) {
	rng := newRNG(35)
	for _, k := range []int{1, 2, 4} {
		for _, p := range []int{4, 5, 6, 7, 8, 9, 64, 66} {
			if !smallK(p, k) {
				t.Skip("no AVX2/FMA: gemmSmallK is not used")
			}
			for _, m := range []int{1, 2, 3, 5} {
				a := randVec(rng, m*k, 1)
				b := randVec(rng, p*k, 1)
				if k > 1 {
					a[0], b[0] = 0, math.Copysign(0, -1) // signed zeros in the sums
				}
				bt := make([]float64, k*p)
				transpose(bt, b, p, k)
				old := randVec(rng, m*p, 1)
				for _, add := range []bool{false, true} {
					want := append([]float64(nil), old...)
					gemmNT(want, a, b, m, p, k, add)
					got := append([]float64(nil), old...)
					gemmSmallK(got, a, bt, m, p, k, add)
					for i := range got {
						if math.Float64bits(got[i]) != math.Float64bits(want[i]) {
							t.Fatalf("k=%d p=%d m=%d add=%v: c[%d] = %v, gemmNT %v", k, p, m, add, i, got[i], want[i])
						}
					}
				}
			}
		}
	}
}
