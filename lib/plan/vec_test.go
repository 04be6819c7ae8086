package plan

import (
	"math"
	"math/rand/v2"
	"runtime"
	"testing"

	"gonum.org/v1/gonum/floats"
)

// TestVecMatchesGonum checks axpyGo and dotGo against gonum's amd64
// assembly, bit for bit, for every length up to 40 (blocks of four and
// every tail).
func TestVecMatchesGonum(t *testing.T) {
	if runtime.GOARCH != "amd64" {
		t.Skip("gonum's assembly, the reference, is amd64's")
	}
	r := rand.New(rand.NewPCG(7, 8))
	for n := 0; n <= 40; n++ {
		x, y := make([]float64, n), make([]float64, n)
		for i := range x {
			x[i], y[i] = r.NormFloat64(), r.NormFloat64()
		}
		if got, want := dotGo(x, y), floats.Dot(x, y); math.Float64bits(got) != math.Float64bits(want) {
			t.Errorf("n=%d: dot = %v, floats.Dot = %v", n, got, want)
		}
		a := r.NormFloat64()
		got, want := append([]float64(nil), y...), append([]float64(nil), y...)
		axpyGo(got, a, x)
		floats.AddScaled(want, a, x)
		for i := range got {
			if math.Float64bits(got[i]) != math.Float64bits(want[i]) {
				t.Errorf("n=%d: axpy[%d] = %v, floats.AddScaled: %v", n, i, got[i], want[i])
			}
		}
	}
}
