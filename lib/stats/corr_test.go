package stats

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/stat"
)

// TestCorrelationMatchesGonum checks correlation against gonum's
// stat.Correlation, the algorithm it follows in another summation order,
// on correlated random data of every length up to 60.
func TestCorrelationMatchesGonum(t *testing.T) {
	const tol = 1e-13 // relative; the two sum in different orders
	r := rand.New(rand.NewPCG(9, 10))
	for n := 2; n <= 60; n++ {
		x, y := make([]float64, n), make([]float64, n)
		for i := range x {
			x[i] = 5 + r.NormFloat64()
			y[i] = float64(0.6*x[i]) + r.NormFloat64()
		}
		got, want := correlation(x, y), stat.Correlation(x, y, nil)
		if !within(got, want, tol*math.Abs(want)) {
			t.Errorf("n=%d: correlation = %v, stat.Correlation = %v", n, got, want)
		}
		// The bits do not depend on where the slices start (gonum's
		// amd64 sum does).
		xs := append([]float64{0}, x...)[1:]
		if a, b := correlation(xs, y), got; math.Float64bits(a) != math.Float64bits(b) {
			t.Errorf("n=%d: correlation of a shifted copy = %v, want %v", n, a, b)
		}
	}
}
