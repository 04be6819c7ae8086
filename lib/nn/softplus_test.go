package nn

import (
	"math"
	"testing"
)

// TestSoftplusSigmoidTails checks Softplus and Sigmoid on both tails and
// at 0 against values computed another way: for x ≫ 0, Softplus(x) = x +
// e⁻ˣ to rounding and 1 − Sigmoid(x) = e⁻ˣ; for x ≪ 0 both are eˣ (relative
// error of order eˣ). Nothing overflows at ±800, where e^800 is +Inf.
func TestSoftplusSigmoidTails(t *testing.T) {
	rel := func(got, want float64) float64 {
		if want == 0 {
			return math.Abs(got)
		}
		return math.Abs(got-want) / math.Abs(want)
	}
	for _, c := range []struct {
		x, softplus, sigmoid float64
	}{
		{0, math.Ln2, 0.5},
		{1, math.Log(1 + math.E), 1 / (1 + 1/math.E)},
		{-1, math.Log(1 + 1/math.E), 1 / (1 + math.E)},
		{20, 20 + math.Exp(-20), 1 - math.Exp(-20)},
		{35, 35 + math.Exp(-35), 1},
		{-20, math.Exp(-20) - math.Exp(-40)/2, math.Exp(-20) / (1 + math.Exp(-20))},
		{-40, math.Exp(-40), math.Exp(-40)},
		{-700, math.Exp(-700), math.Exp(-700)},
		{800, 800, 1},
		{-800, 0, 0},
	} {
		if sp := Softplus(c.x); math.IsNaN(sp) || math.IsInf(sp, 0) || rel(sp, c.softplus) > 1e-15 {
			t.Errorf("Softplus(%v) = %v, want %v", c.x, sp, c.softplus)
		}
		if sg := Sigmoid(c.x); math.IsNaN(sg) || rel(sg, c.sigmoid) > 1e-15 {
			t.Errorf("Sigmoid(%v) = %v, want %v", c.x, sg, c.sigmoid)
		}
	}
	// Sigmoid is Softplus' derivative.
	for _, x := range []float64{-30, -3, -0.2, 0, 0.7, 4, 30} {
		h := 1e-6
		fd := (Softplus(x+h) - Softplus(x-h)) / (2 * h)
		if math.Abs(fd-Sigmoid(x)) > 1e-8 { // rounding: ≈ |x|·ε/h
			t.Errorf("Softplus'(%v) = %v by finite difference, Sigmoid %v", x, fd, Sigmoid(x))
		}
	}
}
