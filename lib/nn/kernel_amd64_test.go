//go:build !purego && !noasm

package nn

import (
	"fmt"
	"math"
	"testing"
)

// withoutAVX runs f with the assembly kernels switched off, so it takes
// the Go code every other build (purego, arm64, amd64 without AVX2/FMA)
// runs. useAVX is package state only the tests change.
func withoutAVX(f func()) {
	saved := useAVX
	useAVX = false
	defer func() { useAVX = saved }()
	f()
}

// TestGoFallbackBits trains the same networks once with the AVX2/FMA
// kernels and once with the Go fallback on this machine and requires
// identical bits in every output, gradient and updated weight: the
// fallback is what purego, arm64 and machines without AVX2 run, so this is
// the test that results do not depend on the build. The shapes cover the
// 4×3, 4×2, 1×8 and 1×4 blocks and their remainders, the small-k products
// (inputs 1, 2 and 4), tanh and ReLU, and Adam on lengths that are not
// multiples of 4, with and without weight decay.
func TestGoFallbackBits(t *testing.T) {
	if !useAVX {
		t.Skip("no AVX2/FMA: the Go code is the only path here")
	}
	cases := []struct {
		sizes []int
		act   Activation
		batch int
		wd    float64
	}{
		{[]int{4, 64, 64, 2}, Tanh, 13, 0},
		{[]int{1, 7, 3}, Tanh, 5, 0},
		{[]int{2, 9, 1}, ReLU, 1, 1e-4},
		{[]int{6, 200, 200, 8}, ReLU, 33, 0},
		{[]int{5, 13, 6, 4}, Tanh, 7, 1e-2},
	}
	for _, c := range cases {
		t.Run(fmt.Sprintf("%v-%v-b%d", c.sizes, c.act, c.batch), func(t *testing.T) {
			run := func() [][]float64 {
				rng := newRNG(77)
				m := NewMLP(c.sizes, c.act)
				for _, p := range m.Params() {
					copy(p.Data, randVec(rng, len(p.Data), 0.3))
				}
				cfg := DefaultAdam(1e-2)
				cfg.WeightDecay = c.wd
				opt := NewAdam()
				opt.AddGroup("all", m.Params(), cfg)
				var out [][]float64
				for range 3 {
					x := randVec(rng, c.batch*m.In(), 1)
					y := m.Forward(x, c.batch)
					out = append(out, append([]float64(nil), y...))
					m.ZeroGrad()
					dx := m.Backward(randVec(rng, len(y), 1))
					out = append(out, append([]float64(nil), dx...))
					for _, p := range m.Params() {
						out = append(out, append([]float64(nil), p.Grad...))
					}
					opt.Step()
				}
				for _, p := range m.Params() {
					out = append(out, append([]float64(nil), p.Data...))
				}
				return out
			}
			fast := run()
			var slow [][]float64
			withoutAVX(func() { slow = run() })
			for i := range fast {
				for j := range fast[i] {
					if math.Float64bits(fast[i][j]) != math.Float64bits(slow[i][j]) {
						t.Fatalf("array %d, element %d: kernels give %v, Go fallback %v", i, j, fast[i][j], slow[i][j])
					}
				}
			}
		})
	}
}

// TestGoFallbackTanhBits compares tanhAVX with the Go tanh bit for bit on
// special values and a wide spread of inputs.
func TestGoFallbackTanhBits(t *testing.T) {
	if !useAVX {
		t.Skip("no AVX2/FMA")
	}
	x := randVec(newRNG(78), 4099, 6)
	x = append(x, 0, math.Copysign(0, -1), 0.625, -22, 22.5, 1e-300, -5e-324, math.Inf(1), math.Inf(-1), 300, math.NaN())
	fast := append([]float64(nil), x...)
	Activate(Tanh, fast)
	slow := append([]float64(nil), x...)
	withoutAVX(func() { Activate(Tanh, slow) })
	for i := range x {
		if math.Float64bits(fast[i]) != math.Float64bits(slow[i]) {
			t.Fatalf("tanh(%v): kernel %v, Go %v", x[i], fast[i], slow[i])
		}
	}
}
