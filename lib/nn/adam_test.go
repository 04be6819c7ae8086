package nn

import (
	"fmt"
	"math"
	"testing"
)

// adamTol: the references below are exact-arithmetic evaluations of the
// update formulas, so float64 results differ by accumulated rounding over
// three steps, a few ulps of O(1) values (and Go's math.Pow for the bias
// corrections may differ from C's pow in the last ulp).
const adamTol = 1e-14

// TestAdamReference runs 3 steps of torch.optim.Adam on
// L = ½ Σ a_i p_i², a = (1, 3), p₀ = (1, -2), so grad = a ⊙ p (+ wd p).
// The expected values were derived by hand from PyTorch's documented
// update (m = β₁m + (1-β₁)g, v = β₂v + (1-β₂)g², p -= lr m̂/(√v̂ + eps),
// m̂ = m/(1-β₁ᵗ), v̂ = v/(1-β₂ᵗ), betas (0.9, 0.999), eps 1e-8) and
// evaluated with Python's decimal module at 40 digits, not with PyTorch.
// Sanity check of step 1 by hand: m̂ = g and v̂ = g², so each p moves by
// lr·g/(|g| + 1e-8): p₁ = 1 - 0.1/(1 + 1e-8) ≈ 0.900000001.
func TestAdamReference(t *testing.T) {
	cases := []struct {
		lr, wd float64
		want   [3][2]float64
	}{
		{0.1, 0, [3][2]float64{
			{9.00000000999999990000e-1, -1.90000000016666666639e+0},
			{8.00412229712337391106e-1, -1.80016648594723653151e+0},
			{7.01586274504414214235e-1, -1.70062339179124822658e+0},
		}},
		{0.01, 0.5, [3][2]float64{
			{9.90000000066666666222e-1, -1.99000000001428571427e+0},
			{9.80002746029554885043e-1, -1.98000133798249335138e+0},
			{9.70010099428616565625e-1, -1.97000491153513411903e+0},
		}},
	}
	for _, tc := range cases {
		t.Run(fmt.Sprintf("lr%v-wd%v", tc.lr, tc.wd), func(t *testing.T) {
			p := NewParam("p", 2)
			copy(p.Data, []float64{1, -2})
			a := []float64{1, 3}
			opt := NewAdam()
			cfg := DefaultAdam(tc.lr)
			cfg.WeightDecay = tc.wd
			opt.AddGroup("g", []*Param{p}, cfg)
			for step := 0; step < 3; step++ {
				for i := range p.Data {
					p.Grad[i] = a[i] * p.Data[i]
				}
				opt.Step()
				for i, w := range tc.want[step] {
					if math.Abs(p.Data[i]-w) > adamTol {
						t.Errorf("step %d p[%d] = %.17g, want %.17g", step+1, i, p.Data[i], w)
					}
				}
			}
			if s := opt.Groups[0].Steps(); s != 3 {
				t.Errorf("Steps = %d, want 3", s)
			}
		})
	}
}

// TestAdamGroups checks each group uses its own learning rate, and that a
// changed LR takes effect: Adam's first step moves every parameter by
// lr·g/(|g| + eps) ≈ lr.
func TestAdamGroups(t *testing.T) {
	actor, critic := NewParam("a", 3), NewParam("c", 2)
	opt := NewAdam()
	opt.AddGroup("actor", []*Param{actor}, DefaultAdam(5e-4))
	opt.AddGroup("critic", []*Param{critic}, DefaultAdam(1e-3))
	for _, p := range []*Param{actor, critic} {
		for i := range p.Grad {
			p.Grad[i] = 1
		}
	}
	opt.Step()
	// |g| = 1, so the step is lr/(1 + 1e-8): relative error 1e-8.
	const firstStepTol = 1e-10
	for _, c := range []struct {
		p  *Param
		lr float64
	}{{actor, 5e-4}, {critic, 1e-3}} {
		for _, v := range c.p.Data {
			if math.Abs(v+c.lr) > firstStepTol {
				t.Errorf("%s moved to %v, want %v", c.p.Name, v, -c.lr)
			}
		}
	}
	opt.Group("actor").LR = 0
	before := append([]float64(nil), actor.Data...)
	opt.Step()
	for i, v := range actor.Data {
		if v != before[i] {
			t.Fatal("LR = 0 still moved the actor")
		}
	}
}

func TestAdamNoAllocs(t *testing.T) {
	m := NewMLP([]int{4, 64, 64, 2}, Tanh)
	opt := NewAdam()
	opt.AddGroup("net", m.Params(), DefaultAdam(1e-3))
	if n := testing.AllocsPerRun(10, func() {
		opt.Step()
		ClipGradNorm(m.Params(), 0.5)
		m.ZeroGrad()
	}); n != 0 {
		t.Errorf("%v allocations per step, want 0", n)
	}
}

// TestClipGradNorm: torch.nn.utils.clip_grad_norm_ computes the global
// norm N, multiplies every gradient by min(1, max/(N + 1e-6)) and returns
// N. Expected values follow from that definition.
func TestClipGradNorm(t *testing.T) {
	cases := []struct {
		name  string
		grads [][]float64
		max   float64
		norm  float64
		scale float64 // expected factor applied to every gradient
	}{
		{"below", [][]float64{{0.3}, {0.4}}, 1, 0.5, 1},
		{"above", [][]float64{{3, 0}, {4}}, 1, 5, 1 / (5 + 1e-6)},
		// At N = max the factor is max/(max+1e-6) < 1: PyTorch clips too.
		{"equal", [][]float64{{1}}, 1, 1, 1 / (1 + 1e-6)},
		{"zero", [][]float64{{0, 0}}, 0.5, 0, 1},
		{"many", [][]float64{{1, 1}, {1, 1}, {1, 1, 1, 1}}, 2, math.Sqrt(8), 2 / (math.Sqrt(8) + 1e-6)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var ps []*Param
			for _, g := range tc.grads {
				p := NewParam("p", len(g))
				copy(p.Grad, g)
				ps = append(ps, p)
			}
			if got := ClipGradNorm(ps, tc.max); math.Abs(got-tc.norm) > valueTol {
				t.Errorf("norm = %v, want %v", got, tc.norm)
			}
			for i, p := range ps {
				for j, g := range p.Grad {
					if want := tc.grads[i][j] * tc.scale; math.Abs(g-want) > valueTol {
						t.Errorf("grad[%d][%d] = %v, want %v", i, j, g, want)
					}
				}
			}
		})
	}
}
