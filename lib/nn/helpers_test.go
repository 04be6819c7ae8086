package nn

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/diff/fd"
)

// Gradient checks compare analytic gradients with central differences.
// With step h the central difference has truncation error O(h² f”') and
// rounding error O(ε|f|/h), ε ≈ 1.1e-16. h = 1e-6 balances the two for the
// O(1) functions used here at about 1e-10; gradTol leaves four orders of
// magnitude of margin for larger third derivatives (tanh, exp in the
// Gaussian heads) while still catching any real error, which is O(1).
const (
	fdStep  = 1e-6
	gradTol = 1e-6
)

func newRNG(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, 0x9e3779b97f4a7c15)) }

func randVec(rng *rand.Rand, n int, scale float64) []float64 {
	v := make([]float64, n)
	for i := range v {
		v[i] = scale * rng.NormFloat64()
	}
	return v
}

// numGrad returns the central-difference gradient of f at x. f may read x
// through set, which copies the perturbed point wherever f looks for it.
func numGrad(x []float64, set func([]float64), f func() float64) []float64 {
	g := make([]float64, len(x))
	x0 := append([]float64(nil), x...)
	fd.Gradient(g, func(y []float64) float64 {
		set(y)
		return f()
	}, x0, &fd.Settings{Formula: fd.Central, Step: fdStep})
	set(x0)
	return g
}

// checkGrad fails if got and want differ by more than tol relative to
// max(1, |want|) in any component.
func checkGrad(t *testing.T, what string, got, want []float64, tol float64) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: len %d, want %d", what, len(got), len(want))
	}
	for i := range got {
		scale := math.Max(1, math.Abs(want[i]))
		if d := math.Abs(got[i] - want[i]); !(d <= tol*scale) {
			t.Errorf("%s[%d]: analytic %.12g, numeric %.12g (diff %.3g, tol %.3g)", what, i, got[i], want[i], d, tol*scale)
		}
	}
}

func dot(a, b []float64) float64 {
	s := 0.0
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}
