package agent

import (
	"math"
	"math/rand/v2"
	"path/filepath"
	"testing"

	"github.com/dynago/dynago/lib/env"
	"github.com/dynago/dynago/lib/format"
	"github.com/dynago/dynago/lib/nn"
)

// Tolerances of the gradient checks: central differences with step fdStep
// have truncation error O(h²) ≈ 1e-12 relative and rounding error
// ≈ 1e-16/h ≈ 1e-10; fdTol leaves room for both on losses of order 1.
const (
	fdStep = 1e-6
	fdTol  = 1e-6
)

var (
	cartObs  = env.Space{Dim: 4, Low: make([]float64, 4), High: make([]float64, 4)}
	cartAct  = env.Space{Discrete: true, N: 2}
	startAct = env.Space{Discrete: true, N: 3, Start: -1}
	boxAct   = env.Space{Dim: 2, Low: []float64{-1, -1}, High: []float64{1, 1}}
)

func testPolicy(t *testing.T, act env.Space, init string) *Policy {
	t.Helper()
	cfg := Config{Hidden: []int{5, 4}, Activation: "tanh", Init: init, LogStdInit: -0.3}
	return New(cfg, cartObs, act, rand.New(rand.NewPCG(1, 2)))
}

// TestBackwardFiniteDifferences checks Evaluate+Backward against central
// finite differences of L = Σ_i a_i logp_i + b_i H_i + c_i V_i with random
// weights, for every parameter: the output-layer biases are the logits
// (discrete) or the Gaussian mean (continuous), so their entries check the
// head gradients w.r.t. logits / mean; actor.log_std checks the log-std
// gradient.
func TestBackwardFiniteDifferences(t *testing.T) {
	cases := []struct {
		name string
		act  env.Space
	}{
		{"categorical", cartAct},
		{"categorical with start", startAct},
		{"gaussian", boxAct},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := testPolicy(t, c.act, InitTorch)
			rng := rand.New(rand.NewPCG(3, 4))
			const n = 6
			obs := make([]float64, n*4)
			for i := range obs {
				obs[i] = rng.NormFloat64()
			}
			actions := make([]float64, n*p.ActDim())
			lp, v := make([]float64, n), make([]float64, n)
			p.ActBatch(obs, n, rng, false, actions, lp, v)
			wl, we, wv := make([]float64, n), make([]float64, n), make([]float64, n)
			for i := range n {
				wl[i], we[i], wv[i] = rng.NormFloat64(), rng.NormFloat64(), rng.NormFloat64()
			}
			logp, ent, val := make([]float64, n), make([]float64, n), make([]float64, n)
			loss := func() float64 {
				p.Evaluate(obs, actions, n, logp, ent, val)
				s := 0.0
				for i := range n {
					s += wl[i]*logp[i] + we[i]*ent[i] + wv[i]*val[i]
				}
				return s
			}
			for _, q := range p.Params() {
				clear(q.Grad)
			}
			loss()
			p.Backward(wl, we, wv)
			for _, q := range p.Params() {
				for j := range q.Data {
					x := q.Data[j]
					q.Data[j] = x + fdStep
					up := loss()
					q.Data[j] = x - fdStep
					down := loss()
					q.Data[j] = x
					fd := (up - down) / (2 * fdStep)
					if math.Abs(fd-q.Grad[j]) > fdTol*math.Max(1, math.Abs(fd)) {
						t.Errorf("%s[%d]: analytic %.10g, finite difference %.10g", q.Name, j, q.Grad[j], fd)
					}
				}
			}
		})
	}
}

// TestActMatchesEvaluate checks that the log-probability and value Act
// reports are those Evaluate computes for the chosen action, and that a
// discrete action is an integer of the space.
func TestActMatchesEvaluate(t *testing.T) {
	const tol = 1e-12 // same arithmetic in a different order at most
	for _, act := range []env.Space{cartAct, startAct, boxAct} {
		p := testPolicy(t, act, InitOrthogonal)
		rng := rand.New(rand.NewPCG(5, 6))
		obs := []float64{0.1, -0.2, 0.03, 0.4}
		a := make([]float64, p.ActDim())
		for _, greedy := range []bool{false, true} {
			lp, v := p.Act(obs, rng, greedy, a)
			var l, e, vv [1]float64
			p.Evaluate(obs, a, 1, l[:], e[:], vv[:])
			if math.Abs(l[0]-lp) > tol || math.Abs(vv[0]-v) > tol {
				t.Errorf("%+v greedy=%v: Act (%v, %v), Evaluate (%v, %v)", act, greedy, lp, v, l[0], vv[0])
			}
			if act.Discrete && (a[0] != math.Trunc(a[0]) || a[0] < float64(act.Start) || a[0] >= float64(act.Start+act.N)) {
				t.Errorf("action %v not in %+v", a[0], act)
			}
		}
	}
}

func TestActBatchEqualsAct(t *testing.T) {
	p := testPolicy(t, boxAct, InitOrthogonal)
	obs := []float64{0.1, -0.2, 0.03, 0.4, 1, 2, 3, 4}
	r1, r2 := rand.New(rand.NewPCG(7, 8)), rand.New(rand.NewPCG(7, 8))
	acts, lps, vs := make([]float64, 4), make([]float64, 2), make([]float64, 2)
	p.ActBatch(obs, 2, r1, false, acts, lps, vs)
	for i := range 2 {
		a := make([]float64, 2)
		lp, v := p.Act(obs[i*4:(i+1)*4], r2, false, a)
		if a[0] != acts[2*i] || a[1] != acts[2*i+1] || lp != lps[i] || v != vs[i] {
			t.Errorf("row %d: Act (%v, %v, %v), ActBatch (%v, %v, %v)", i, a, lp, v, acts[2*i:2*i+2], lps[i], vs[i])
		}
	}
}

func TestActDoesNotAllocate(t *testing.T) {
	for _, act := range []env.Space{cartAct, boxAct} {
		p := testPolicy(t, act, InitOrthogonal)
		rng := rand.New(rand.NewPCG(1, 1))
		obs := []float64{0.1, -0.2, 0.03, 0.4}
		a := make([]float64, p.ActDim())
		p.Act(obs, rng, false, a)
		if n := testing.AllocsPerRun(100, func() { p.Act(obs, rng, false, a) }); n != 0 {
			t.Errorf("%+v: Act allocates %v times per call", act, n)
		}
	}
}

// TestSaveLoad checks that a loaded policy has the same parameters,
// optimiser state and behaviour as the saved one.
func TestSaveLoad(t *testing.T) {
	for _, act := range []env.Space{cartAct, startAct, boxAct} {
		p := testPolicy(t, act, InitOrthogonal)
		// Take an optimiser step so the Adam state is not zero.
		for _, q := range p.Params() {
			for j := range q.Grad {
				q.Grad[j] = float64(j%3) - 1
			}
		}
		p.Opt.Step()
		path := filepath.Join(t.TempDir(), "p.arrow")
		if err := p.Save(path, format.Meta{"seed": "1"}); err != nil {
			t.Fatal(err)
		}
		q, err := Load(path)
		if err != nil {
			t.Fatal(err)
		}
		if err := q.Matches(cartObs, act); err != nil {
			t.Error(err)
		}
		pp, qp := p.Params(), q.Params()
		for i := range pp {
			for j := range pp[i].Data {
				if pp[i].Data[j] != qp[i].Data[j] {
					t.Fatalf("%s[%d]: saved %v, loaded %v", pp[i].Name, j, pp[i].Data[j], qp[i].Data[j])
				}
			}
		}
		for gi, g := range p.Opt.Groups {
			if g.Steps() != q.Opt.Groups[gi].Steps() {
				t.Errorf("group %s: saved step %d, loaded %d", g.Name, g.Steps(), q.Opt.Groups[gi].Steps())
			}
		}
		// One more identical step on both must keep them equal (moments restored).
		for _, ps := range [][]*nn.Param{pp, qp} {
			for _, x := range ps {
				for j := range x.Grad {
					x.Grad[j] = 0.5
				}
			}
		}
		p.Opt.Step()
		q.Opt.Step()
		for i := range pp {
			for j := range pp[i].Data {
				if pp[i].Data[j] != qp[i].Data[j] {
					t.Fatalf("after a step %s[%d]: %v vs %v", pp[i].Name, j, pp[i].Data[j], qp[i].Data[j])
				}
			}
		}
	}
}

func TestMatches(t *testing.T) {
	p := testPolicy(t, cartAct, InitTorch)
	cases := []struct {
		name     string
		obs, act env.Space
		ok       bool
	}{
		{"same", cartObs, cartAct, true},
		{"obs dim", env.Space{Dim: 3}, cartAct, false},
		{"action count", cartObs, env.Space{Discrete: true, N: 3}, false},
		{"action start", cartObs, env.Space{Discrete: true, N: 2, Start: 1}, false},
		{"continuous", cartObs, boxAct, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if err := p.Matches(c.obs, c.act); (err == nil) != c.ok {
				t.Errorf("Matches = %v, want ok=%v", err, c.ok)
			}
		})
	}
}
