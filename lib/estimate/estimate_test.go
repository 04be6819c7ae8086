package estimate

import (
	"math"
	"testing"

	"github.com/dynago/dynago/lib/stats"
)

// TestBootstrapRandDeterministic: an estimate's generator depends only on
// the seed and its label.
func TestBootstrapRandDeterministic(t *testing.T) {
	b := Bootstrap{Seed: 7, Reps: 500}
	a1 := stats.DifferenceInterval(b.Rand("x"), []float64{1, 2, 3}, []float64{0, 0, 1}, stats.MeanOf, b.Options())
	a2 := stats.DifferenceInterval(b.Rand("x"), []float64{1, 2, 3}, []float64{0, 0, 1}, stats.MeanOf, b.Options())
	if a1 != a2 || math.Abs(a1.Point-5.0/3) > 1e-12 || !(a1.Lo <= a1.Point && a1.Point <= a1.Hi) {
		t.Errorf("intervals %+v and %+v, want equal around 5/3", a1, a2)
	}
}
