package nn

import (
	"math"
	"testing"
)

// tanhULPs is the largest error of tanh allowed, in units in the last
// place of math.Tanh's result (itself within about 1 ulp of the exact
// value, by Cephes' error analysis that it follows).
const tanhULPs = 4

// TestTanh compares tanh with math.Tanh on a dense grid, near the switch
// at 0.625, at the saturation point 22 and on special values.
func TestTanh(t *testing.T) {
	check := func(x float64) {
		t.Helper()
		got, want := tanh(x), math.Tanh(x)
		if math.IsNaN(want) {
			if !math.IsNaN(got) {
				t.Fatalf("tanh(%v) = %v, want NaN", x, got)
			}
			return
		}
		ulp := math.Nextafter(math.Abs(want), math.Inf(1)) - math.Abs(want)
		if d := math.Abs(got - want); d > tanhULPs*ulp {
			t.Fatalf("tanh(%v) = %v, math.Tanh %v: %.1f ulps", x, got, want, d/ulp)
		}
	}
	for x := -30.0; x <= 30; x += 1e-4 {
		check(x)
	}
	for _, x := range []float64{0, math.Copysign(0, -1), 0.625, math.Nextafter(0.625, 0), 22, math.Nextafter(22, 100), 1e-300, 700, -700,
		math.Inf(1), math.Inf(-1), math.NaN(), math.MaxFloat64, -math.MaxFloat64} {
		check(x)
	}
	rng := newRNG(40)
	for range 1_000_000 {
		check(rng.NormFloat64() * 3)
	}
}

// BenchmarkTanh times 4096 activations drawn from N(0, 2²).
func BenchmarkTanh(b *testing.B) {
	x := randVec(newRNG(41), 4096, 2)
	y := make([]float64, len(x))
	b.Run("math", func(b *testing.B) {
		c := startCPU()
		for b.Loop() {
			for i, v := range x {
				y[i] = math.Tanh(v)
			}
		}
		c.report(b)
	})
	b.Run("nn", func(b *testing.B) {
		c := startCPU()
		for b.Loop() {
			for i, v := range x {
				y[i] = tanh(v)
			}
		}
		c.report(b)
	})
	b.Run("activate", func(b *testing.B) {
		c := startCPU()
		for b.Loop() {
			copy(y, x)
			Activate(Tanh, y)
		}
		c.report(b)
	})
}

// TestTanhVector checks that the Tanh activation (four lanes at a time
// where the machine has AVX2) gives the bits of tanh, element by element.
func TestTanhVector(t *testing.T) {
	rng := newRNG(42)
	x := randVec(rng, 100003, 4)
	x = append(x, 0, math.Copysign(0, -1), 0.625, -22, 22.5, 1e-300, -5e-324, math.Inf(1), math.Inf(-1), 300, math.NaN(), 1)
	y := append([]float64(nil), x...)
	Activate(Tanh, y)
	for i, v := range x {
		want := tanh(v)
		if math.Float64bits(y[i]) != math.Float64bits(want) && !(math.IsNaN(want) && math.IsNaN(y[i])) {
			t.Fatalf("tanh(%v): activation gives %v, tanh %v", v, y[i], want)
		}
	}
}
