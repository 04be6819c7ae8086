package ppo

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/dynago/dynago/lib/agent"
)

// lineModel moves every observation by +1 per step, pays obs[0] + 10 and
// is terminal when the next obs[0] reaches termAt.
type lineModel struct {
	d      int
	termAt float64
	calls  int
}

func (m *lineModel) Step(obs, act []float64, n int, next, reward []float64, term []bool) {
	m.calls++
	for i := range n {
		for j := range m.d {
			next[i*m.d+j] = obs[i*m.d+j] + 1
		}
		reward[i] = obs[i*m.d] + 10
		term[i] = next[i*m.d] >= m.termAt
	}
}

// linePolicy always takes action 0; V(s) = 100·s[0].
type linePolicy struct{ d int }

func (p linePolicy) ActBatch(obs []float64, n int, rng *rand.Rand, greedy bool, actions, logp, value []float64) {
	for i := range n {
		actions[i], logp[i], value[i] = 0, 0, 100*obs[i*p.d]
	}
}

func (p linePolicy) Value(obs []float64, n int, dst []float64) {
	for i := range n {
		dst[i] = 100 * obs[i*p.d]
	}
}

// TestExpanderTargets checks value-expansion targets on hand-computed
// cases with γ = 0.5, reward 1 on the real step and the line model
// (reward s[0] + 10, s' = s + 1, V(s) = 100 s[0]):
//
//	H = 2 from s' = 0:                1 + 0.5·10 + 0.25·11 + 0.125·V(2) = 33.75
//	H = 2, terminal real step:        1
//	H = 2, model terminal at s' ≥ 1:  1 + 0.5·10 = 6 (no value after it)
//	H = 0 from s' = 1:                1 + 0.5·V(1) = 51 (the TD target)
//	H = 3 from s' = 0, terminal at 3: 1 + 0.5·10 + 0.25·11 + 0.125·12 = 10.25
func TestExpanderTargets(t *testing.T) {
	for _, c := range []struct {
		name   string
		h      int
		next   float64
		done   bool
		termAt float64
		want   float64
		steps  int
	}{
		{"two model steps", 2, 0, false, math.Inf(1), 33.75, 2},
		{"terminal real step", 2, 0, true, math.Inf(1), 1, 0},
		{"model terminal", 2, 0, false, 1, 6, 1},
		{"one-step TD", 0, 1, false, math.Inf(1), 51, 0},
		{"terminal at the horizon", 3, 0, false, 3, 10.25, 3},
	} {
		t.Run(c.name, func(t *testing.T) {
			const d = 2
			m := &lineModel{d: d, termAt: c.termAt}
			e := Expander{Horizon: c.h, Gamma: 0.5}
			// Two rows, the case in the second, so that rows are kept apart.
			y := make([]float64, 2)
			steps := e.Targets(linePolicy{d}, m, []float64{1, 1}, []float64{5, 5, c.next, c.next}, []bool{true, c.done}, 2, d, 1, rand.New(rand.NewPCG(1, 1)), y)
			if math.Abs(y[1]-c.want) > 1e-12 || y[0] != 1 {
				t.Errorf("targets %v, want [1 %v]", y, c.want)
			}
			if steps != c.steps {
				t.Errorf("%d model steps, want %d", steps, c.steps)
			}
		})
	}
}

// TestMVEOneStepIsGAE0 checks the trainer's use of the targets against an
// independent path: with horizon 0 the expansion is r + γ(1−done)V(s'),
// which is GAE's return with λ = 0 on every row (the collected rows'
// next observations are the following rows' observations), and the model
// is never called. With horizon 2 the real rows' targets change and the
// imagined rows keep their GAE returns.
func TestMVEOneStepIsGAE0(t *testing.T) {
	h, _ := Preset("tuned")
	h.Lambda, h.Epochs, h.Anneal, h.AnnealClip = 0, 1, false, false
	e := newCartPole(t)
	returns := func(m Model, horizon int, imagined bool) []float64 {
		p := newPolicy(t, h, e, 1)
		d := rollout(t, agent.NewRunner(e, agent.PolicyActor{Policy: p}, 1, agent.StreamCollect), 80)
		if imagined {
			for i := 60; i < 80; i++ {
				d.Imagined[i] = true
			}
		}
		tr := NewTrainer(p, h)
		if m != nil {
			tr.SetMVE(m, horizon)
		}
		if _, err := tr.Update(d, nil, 0, rand.New(rand.NewPCG(1, 2))); err != nil {
			t.Fatal(err)
		}
		return append([]float64(nil), tr.ret...)
	}
	gae := returns(nil, 0, false)
	m := &lineModel{d: 4, termAt: math.Inf(1)}
	mve := returns(m, 0, false)
	for i := range gae {
		if math.Abs(gae[i]-mve[i]) > 1e-12 {
			t.Fatalf("row %d: MVE(0) target %v, GAE(λ=0) return %v", i, mve[i], gae[i])
		}
	}
	if m.calls != 0 {
		t.Errorf("horizon 0 called the model %d times", m.calls)
	}
	gaeImag := returns(nil, 0, true)
	mve2 := returns(m, 2, true)
	p := newPolicy(t, h, e, 1)
	d := rollout(t, agent.NewRunner(e, agent.PolicyActor{Policy: p}, 1, agent.StreamCollect), 80)
	for i := range gae {
		// A terminal real row's target is its reward either way (GAE's
		// return A + V = (r − V) + V may differ from r in the last bit).
		same := math.Abs(mve2[i]-gaeImag[i]) <= 1e-12
		if keep := i >= 60 || d.Terminated[i]; same != keep {
			t.Errorf("row %d (imagined %v, terminated %v): target %v, GAE return %v", i, i >= 60, d.Terminated[i], mve2[i], gaeImag[i])
		}
	}
}
