package ppo

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/dynago/dynago/lib/agent"
	"github.com/dynago/dynago/lib/env"
)

// Finite-difference settings: central differences with step fdStep have
// truncation error O(h²) and rounding error ≈ 1e-16/h ≈ 1e-10 on losses
// of order 1, well inside fdTol.
const (
	fdStep = 1e-6
	fdTol  = 1e-6
)

func centralDiff(f func(float64) float64, x float64) float64 {
	return (f(x+fdStep) - f(x-fdStep)) / (2 * fdStep)
}

func TestSurrogateDerivative(t *testing.T) {
	// Points chosen away from the kinks at r = 1 ± clip.
	cases := []struct {
		name              string
		logp, old, adv    float64
		wantClippedActive bool
	}{
		{"ratio 1, positive advantage", 0.3, 0.3, 1.5, false},
		{"ratio 1, negative advantage", -1, -1, -0.7, false},
		{"ratio high, positive advantage: clipped", 0.5, 0, 2, true},
		{"ratio high, negative advantage: not clipped", 0.5, 0, -2, false},
		{"ratio low, negative advantage: clipped", -0.5, 0, -1, true},
		{"ratio low, positive advantage: not clipped", -0.5, 0, 1, false},
		{"ratio inside range", 0.1, 0, 3, false},
	}
	const clip = 0.2
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, d := Surrogate(c.logp, c.old, c.adv, clip)
			fd := centralDiff(func(x float64) float64 { l, _ := Surrogate(x, c.old, c.adv, clip); return l }, c.logp)
			if math.Abs(d-fd) > fdTol {
				t.Errorf("dLogp = %v, finite difference %v", d, fd)
			}
			if (d == 0) != c.wantClippedActive {
				t.Errorf("dLogp = %v, want clipped=%v", d, c.wantClippedActive)
			}
		})
	}
}

func TestValueLossDerivative(t *testing.T) {
	cases := []struct {
		name         string
		v, vOld, ret float64
		clip         float64
		wantZeroGrad bool
	}{
		{"unclipped", 1.3, 0, 0.2, 0, false},
		{"clip inactive: inside range", 0.1, 0, 1, 0.2, false},
		{"clip: unclipped error larger", 1, 0, -1, 0.2, false},
		{"clip: clipped error larger", 1, 0, 1.1, 0.2, true},
		{"clip: moved below, clipped larger", -1, 0, -1.1, 0.2, true},
		// |v − vOld| < c and vOld + (v − vOld) − R rounds one ulp larger
		// in magnitude than v − R: the clipped term wins the max, and its
		// gradient must still flow (the clamp is inactive).
		{"clip inactive, clipped term larger by an ulp", 0.09826861877614328, 0.2367178772171935, 0.06295904227454331, 0.2, false},
		{"clip inactive, ulp, negative error", -0.20145212605950177, -0.485217047320617, 1.0114830479924464, 0.5, false},
		{"clip boundary exceeded, unclipped larger", 0.5, 0, 0.2, 0.2, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, d := ValueLoss(c.v, c.vOld, c.ret, c.clip)
			fd := centralDiff(func(x float64) float64 { l, _ := ValueLoss(x, c.vOld, c.ret, c.clip); return l }, c.v)
			if math.Abs(d-fd) > fdTol {
				t.Errorf("dV = %v, finite difference %v", d, fd)
			}
			if (d == 0) != c.wantZeroGrad {
				t.Errorf("dV = %v, want zero=%v", d, c.wantZeroGrad)
			}
		})
	}
}

// TestLossGradient checks the whole minibatch loss (clipped surrogate,
// entropy bonus, value loss with and without clipping) against central
// finite differences for every parameter of a small tanh policy. The
// output-layer biases are the logits (categorical) or the mean (Gaussian)
// and actor.log_std is the log-std, so this covers the gradients w.r.t.
// logits, mean and log-std as well as the MLP backward pass.
// TestValueLossClampInactive checks the rounding case directly: the
// clipped term is the larger by an ulp yet the gradient is v − R's.
func TestValueLossClampInactive(t *testing.T) {
	v, vOld, ret := 0.09826861877614328, 0.2367178772171935, 0.06295904227454331
	d, dc := v-ret, vOld+(v-vOld)-ret
	if !(dc*dc > d*d) {
		t.Fatalf("test point no longer rounds: d %v, dc %v", d, dc)
	}
	_, dV := ValueLoss(v, vOld, ret, 0.2)
	if dV != dc {
		t.Errorf("dV = %v, want %v", dV, dc)
	}
}

func TestLossGradient(t *testing.T) {
	cases := []struct {
		name      string
		act       env.Space
		valueClip float64
	}{
		{"categorical", env.Space{Discrete: true, N: 3}, 0},
		{"categorical, value clipping", env.Space{Discrete: true, N: 3}, 0.2},
		{"gaussian", env.Space{Dim: 2, Low: []float64{-1, -1}, High: []float64{1, 1}}, 0},
		{"gaussian, value clipping", env.Space{Dim: 2, Low: []float64{-1, -1}, High: []float64{1, 1}}, 0.2},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(11, 12))
			p := agent.New(agent.Config{Hidden: []int{6, 5}, Activation: "tanh", Init: agent.InitTorch, LogStdInit: -0.2},
				env.Space{Dim: 3}, c.act, rng)
			h, _ := Preset("tuned")
			h.EntCoef, h.ValueClip = 0.05, c.valueClip
			tr := NewTrainer(p, h)
			const m = 8
			obs := make([]float64, m*3)
			for i := range obs {
				obs[i] = rng.NormFloat64()
			}
			actions := make([]float64, m*p.ActDim())
			logp, v := make([]float64, m), make([]float64, m)
			p.ActBatch(obs, m, rng, false, actions, logp, v)
			// Offsets put rows inside and outside the clip ranges.
			offsets := []float64{-0.5, -0.1, 0, 0.1, 0.5, 0.05, -0.3, 0.4}
			old, adv, ret, vOld := make([]float64, m), make([]float64, m), make([]float64, m), make([]float64, m)
			for i := range m {
				old[i] = logp[i] + offsets[i]
				adv[i] = rng.NormFloat64()
				ret[i] = v[i] + rng.NormFloat64()
				vOld[i] = v[i] - offsets[(i+3)%m]
			}
			for _, q := range p.Params() {
				clear(q.Grad)
			}
			tr.Loss(obs, actions, old, adv, ret, vOld, true)
			for _, q := range p.Params() {
				for j := range q.Data {
					x := q.Data[j]
					fd := centralDiff(func(y float64) float64 {
						q.Data[j] = y
						l := tr.Loss(obs, actions, old, adv, ret, vOld, false)
						q.Data[j] = x
						return l
					}, x)
					if math.Abs(fd-q.Grad[j]) > fdTol*math.Max(1, math.Abs(fd)) {
						t.Errorf("%s[%d]: analytic %.10g, finite difference %.10g", q.Name, j, q.Grad[j], fd)
					}
				}
			}
		})
	}
}
