package plan

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/dynago/dynago/lib/dynamics"
	"github.com/dynago/dynago/lib/env"
	"github.com/dynago/dynago/lib/nn"
)

// lineModel is a hand-made model of a point on a line: a discrete action a
// in {0, 1} moves it by (2a-1)·step, a continuous action by a; the reward
// is 100 - |x - goals[k]| after the move for member k (so members
// disagree when their goals differ, and every step alive earns something),
// and |x| > wall terminates.
type lineModel struct {
	members  int
	discrete bool
	goals    []float64
	wall     float64
}

func (l *lineModel) Members() int { return l.members }

func (l *lineModel) Predict(k int, obs, act []float64, n int, delta, reward, term []float64) {
	for i := 0; i < n; i++ {
		d := act[i]
		if l.discrete {
			d = 2*act[i] - 1
		}
		x := obs[i] + d
		delta[i] = d
		reward[i] = 100 - math.Abs(x-l.goals[k%len(l.goals)])
		term[i] = 0
		if math.Abs(x) > l.wall {
			term[i] = 1
		}
	}
}

var (
	twoActions = env.Space{Discrete: true, N: 2}
	unitBox    = env.Space{Dim: 1, Low: []float64{-1}, High: []float64{1}}
)

func newTestCEM(t *testing.T, cfg Config, m model, as env.Space, obsDim int) *CEM {
	t.Helper()
	c, err := newCEM(cfg, m, as, obsDim)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestConfigValidation(t *testing.T) {
	for _, tc := range []struct {
		name  string
		edit  func(*Config)
		space env.Space
		want  string // substring of the error; "" for none
	}{
		{"default discrete", func(*Config) {}, twoActions, ""},
		{"default continuous", func(*Config) {}, unitBox, ""},
		{"samples", func(c *Config) { c.Samples = 1 }, twoActions, "Samples 1"},
		{"horizon", func(c *Config) { c.Horizon = 0 }, twoActions, "Horizon 0"},
		{"iters", func(c *Config) { c.Iters = 0 }, twoActions, "Iters 0"},
		{"elites above samples", func(c *Config) { c.Elites = c.Samples + 1 }, twoActions, "Elites 301"},
		{"elite fraction", func(c *Config) { c.Elites, c.EliteFrac = 0, 1.5 }, twoActions, "EliteFrac 1.5"},
		{"elite fraction ok", func(c *Config) { c.Elites, c.EliteFrac = 0, 0.1 }, twoActions, ""},
		{"alpha", func(c *Config) { c.Alpha = 1 }, twoActions, "Alpha 1"},
		{"objective", func(c *Config) { c.Objective = "best" }, twoActions, `Objective "best"`},
		{"kappa", func(c *Config) { c.Kappa = -1 }, twoActions, "Kappa -1"},
		{"density penalty", func(c *Config) { c.DensityPenalty = -1 }, twoActions, "DensityPenalty -1"},
		{"density penalty inf", func(c *Config) { c.DensityPenalty = math.Inf(1) }, twoActions, "DensityPenalty +Inf"},
		{"gamma", func(c *Config) { c.Gamma = 0 }, twoActions, "Gamma 0"},
		{"termination", func(c *Config) { c.Termination = "sometimes" }, twoActions, `Termination "sometimes"`},
		{"env termination without rule", func(c *Config) { c.Termination = dynamics.TermEnv }, twoActions, "needs Terminal"},
		{"threshold", func(c *Config) { c.TermThreshold = 1 }, twoActions, "TermThreshold 1"},
		{"soft termination", func(c *Config) { c.Termination = dynamics.TermSoft }, twoActions, ""},
		{"term penalty", func(c *Config) { c.TermPenalty = -1 }, twoActions, "TermPenalty -1"},
		{"term penalty NaN", func(c *Config) { c.TermPenalty = math.NaN() }, twoActions, "TermPenalty NaN"},
		{"term penalty ok", func(c *Config) { c.TermPenalty = 100 }, twoActions, ""},
		{"offset rate", func(c *Config) { c.OffsetRate = 1 }, twoActions, "OffsetRate 1"},
		{"offset rate negative", func(c *Config) { c.OffsetRate = -0.1 }, twoActions, "OffsetRate -0.1"},
		{"offset rate NaN", func(c *Config) { c.OffsetRate = math.NaN() }, twoActions, "OffsetRate NaN"},
		{"offset rate ok", func(c *Config) { c.OffsetRate = 0.05 }, twoActions, ""},
		{"min prob", func(c *Config) { c.MinProb = 0.5 }, twoActions, "MinProb 0.5"},
		{"samples above limit", func(c *Config) { c.Samples = MaxSamples + 1 }, twoActions, "Samples 1048577: must be in [2, 1048576]"},
		{"horizon above limit", func(c *Config) { c.Horizon = MaxHorizon + 1 }, twoActions, "Horizon 1001"},
		{"iters above limit", func(c *Config) { c.Iters = MaxIters + 1 }, twoActions, "Iters 101"},
		{"kappa above limit", func(c *Config) { c.Kappa = 2e6 }, twoActions, "Kappa 2e+06"},
		{"density penalty inf", func(c *Config) { c.DensityPenalty = math.Inf(1) }, twoActions, "DensityPenalty +Inf"},
		{"init std", func(c *Config) { c.InitStd = 0 }, unitBox, "InitStd 0"},
		{"min std", func(c *Config) { c.MinStd = 1 }, unitBox, "MinStd 1"},
		{"unbounded actions", func(*Config) {}, env.Space{Dim: 1, Low: []float64{math.Inf(-1)}, High: []float64{1}}, "bounds"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := DefaultConfig()
			tc.edit(&cfg)
			_, err := newCEM(cfg, &lineModel{members: 1, goals: []float64{0}}, tc.space, 1)
			switch {
			case tc.want == "" && err != nil:
				t.Fatalf("unexpected error %v", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Fatalf("error %v, want one containing %q", err, tc.want)
			}
		})
	}
}

func TestNewCEMModelMismatch(t *testing.T) {
	mc := dynamics.Config{Hidden: []int{8}, Activation: nn.ReLU, Members: 1, LR: 1e-3, Batch: 8}
	if err := mc.SetSpaces(env.Space{Dim: 4}, twoActions); err != nil {
		t.Fatal(err)
	}
	e, err := dynamics.New(mc, rand.New(rand.NewPCG(1, 2)))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name   string
		term   dynamics.TermMode
		space  env.Space
		obsDim int
		want   string
	}{
		{"obs dim", dynamics.TermNone, twoActions, 3, "ObsDim 4"},
		{"action count", dynamics.TermNone, env.Space{Discrete: true, N: 3}, 4, "2 actions"},
		{"kind", dynamics.TermNone, unitBox, 4, "discrete actions true"},
		{"untrained termination", dynamics.TermModel, twoActions, 4, "TermWeight 0"},
		{"untrained termination penalty", dynamics.TermNone, twoActions, 4, "TermPenalty 1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := DefaultConfig()
			cfg.Termination = tc.term
			if tc.name == "untrained termination penalty" {
				cfg.TermPenalty = 1
			}
			_, err := NewCEM(cfg, e, tc.space, tc.obsDim)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want one containing %q", err, tc.want)
			}
		})
	}
}

func TestRefitCategorical(t *testing.T) {
	const tol = 1e-12
	for _, tc := range []struct {
		name         string
		p, counts    []float64
		alpha, floor float64
		want         []float64 // worked by hand from the formula in refitCategorical
	}{
		{"frequencies", []float64{0.5, 0.5}, []float64{3, 1}, 0, 0, []float64{0.75, 0.25}},
		{"smoothing", []float64{0.5, 0.5}, []float64{3, 1}, 0.2, 0, []float64{0.2*0.5 + 0.8*0.75, 0.2*0.5 + 0.8*0.25}},
		// All elites chose action 0: the floor keeps action 1 at 0.05.
		{"floor", []float64{0.5, 0.5}, []float64{4, 0}, 0, 0.05, []float64{0.95, 0.05}},
		{"three actions", []float64{0.2, 0.3, 0.5}, []float64{0, 2, 8}, 0.5, 0.01,
			[]float64{0.97*0.1 + 0.01, 0.97*0.25 + 0.01, 0.97*0.65 + 0.01}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := append([]float64(nil), tc.p...)
			refitCategorical(p, tc.counts, tc.alpha, tc.floor)
			sum := 0.0
			for a := range p {
				sum += p[a]
				if math.Abs(p[a]-tc.want[a]) > tol {
					t.Errorf("p[%d] = %g, want %g", a, p[a], tc.want[a])
				}
			}
			if math.Abs(sum-1) > tol {
				t.Errorf("sum %g, want 1", sum)
			}
		})
	}
}

func TestObjective(t *testing.T) {
	const tol = 1e-12
	// Returns of two sequences in three members, member-major as in
	// CEM.ret: sequence 0 has {1, 2, 3}, sequence 1 has {0, 4, 8}.
	ret := []float64{1, 0, 2, 4, 3, 8}
	for _, tc := range []struct {
		name      string
		objective string
		kappa     float64
		want      [2]float64 // mean ± population std worked by hand
	}{
		{"worst", Worst, 0, [2]float64{1, 0}},
		{"mean", MeanStd, 0, [2]float64{2, 4}},
		{"mean-std", MeanStd, 1, [2]float64{2 - math.Sqrt(2.0/3), 4 - math.Sqrt(32.0/3)}},
		{"mean-2std", MeanStd, 2, [2]float64{2 - 2*math.Sqrt(2.0/3), 4 - 2*math.Sqrt(32.0/3)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := DefaultConfig()
			cfg.Samples, cfg.Elites, cfg.Objective, cfg.Kappa = 2, 1, tc.objective, tc.kappa
			c := newTestCEM(t, cfg, &lineModel{members: 3, goals: []float64{0}}, twoActions, 1)
			copy(c.ret, ret)
			for i, w := range tc.want {
				if got := c.objective(i); math.Abs(got-w) > tol {
					t.Errorf("sequence %d: score %g, want %g", i, got, w)
				}
			}
		})
	}
}

// TestActLine plans on the line model, whose optimal action is known.
func TestActLine(t *testing.T) {
	for _, tc := range []struct {
		name  string
		space env.Space
		model *lineModel
		x     float64
		want  float64
		tol   float64
	}{
		{"discrete right", twoActions, &lineModel{members: 2, discrete: true, goals: []float64{5}, wall: 100}, 0, 1, 0},
		{"discrete left", twoActions, &lineModel{members: 2, discrete: true, goals: []float64{-5}, wall: 100}, 0, 0, 0},
		// Moving right past the wall at 1.5 ends the rollout, losing the
		// reward of the remaining steps: the planner stays put.
		{"discrete wall", twoActions, &lineModel{members: 1, discrete: true, goals: []float64{20}, wall: 1.5}, 1, 0, 0},
		{"continuous", unitBox, &lineModel{members: 3, goals: []float64{0.3}, wall: 100}, 0, 0.3, 0.05},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := DefaultConfig()
			cfg.Horizon = 5
			c := newTestCEM(t, cfg, tc.model, tc.space, 1)
			act := make([]float64, 1)
			if _, err := c.Act([]float64{tc.x}, rand.New(rand.NewPCG(1, 2)), act); err != nil {
				t.Fatal(err)
			}
			if math.Abs(act[0]-tc.want) > tc.tol {
				t.Fatalf("action %g, want %g ± %g", act[0], tc.want, tc.tol)
			}
		})
	}
}

// TestWorstVersusMean: members disagree on where the goal is (0, 0.2 and
// 1 in one step); "worst" takes the point nearest to the farthest goal and
// the mean the median goal.
func TestWorstVersusMean(t *testing.T) {
	const tol = 0.05
	m := &lineModel{members: 3, goals: []float64{0, 0.2, 1}, wall: 100}
	for _, tc := range []struct {
		objective string
		want      float64 // argmax over a in [-1, 1], by hand
	}{
		{Worst, 0.5},   // 100 - max(|a|, |a-1|) peaks at the midpoint
		{MeanStd, 0.2}, // 100 - (|a|+|a-0.2|+|a-1|)/3 peaks at the median
	} {
		t.Run(tc.objective, func(t *testing.T) {
			cfg := DefaultConfig()
			cfg.Horizon, cfg.Objective, cfg.Kappa = 1, tc.objective, 0
			c := newTestCEM(t, cfg, m, unitBox, 1)
			act := make([]float64, 1)
			if _, err := c.Act([]float64{0}, rand.New(rand.NewPCG(3, 4)), act); err != nil {
				t.Fatal(err)
			}
			if math.Abs(act[0]-tc.want) > tol {
				t.Fatalf("action %g, want %g ± %g", act[0], tc.want, tol)
			}
		})
	}
}

func TestDeterminism(t *testing.T) {
	for _, space := range []env.Space{twoActions, unitBox} {
		t.Run(kindName(space), func(t *testing.T) {
			m := &lineModel{members: 2, discrete: space.Discrete, goals: []float64{0.5, 0.8}, wall: 100}
			run := func(seed uint64) []float64 {
				c := newTestCEM(t, DefaultConfig(), m, space, 1)
				rng := rand.New(rand.NewPCG(seed, 9))
				obs, act := []float64{-2}, make([]float64, 1)
				var out []float64
				for s := 0; s < 10; s++ {
					if _, err := c.Act(obs, rng, act); err != nil {
						t.Fatal(err)
					}
					out = append(out, act[0])
					obs[0] += act[0]
				}
				return out
			}
			a, b := run(7), run(7)
			for i := range a {
				if a[i] != b[i] {
					t.Fatalf("step %d: %g then %g with the same seed", i, a[i], b[i])
				}
			}
		})
	}
}

func kindName(s env.Space) string {
	if s.Discrete {
		return "discrete"
	}
	return "continuous"
}

// courseEnsemble returns an untrained ensemble of the course's size (one
// hidden layer of 128 ReLU) for CartPole-v1's spaces.
func courseEnsemble(tb testing.TB, members int) *dynamics.Ensemble {
	tb.Helper()
	mc, err := dynamics.Preset("course")
	if err != nil {
		tb.Fatal(err)
	}
	mc.Members, mc.TermWeight = members, 1
	if err := mc.SetSpaces(env.Space{Dim: 4}, twoActions); err != nil {
		tb.Fatal(err)
	}
	e, err := dynamics.New(mc, rand.New(rand.NewPCG(1, 2)))
	if err != nil {
		tb.Fatal(err)
	}
	return e
}

func TestActAllocs(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Samples, cfg.Horizon, cfg.Elites = 50, 5, 5
	cfg.Value = func(obs []float64, n int, dst []float64) { clear(dst[:n]) }
	cfg.TermPenalty = 10
	cfg.OffsetRate = 0.05
	c, err := NewCEM(cfg, courseEnsemble(t, 2), twoActions, 4)
	if err != nil {
		t.Fatal(err)
	}
	c.cfg.DensityPenalty = 1 // the course model is not normalised: its Gaussian stays the standard one
	rng := rand.New(rand.NewPCG(1, 2))
	obs, act := []float64{0.01, -0.02, 0.03, 0.01}, make([]float64, 1)
	next := []float64{0.012, -0.01, 0.029, 0.02}
	if allocs := testing.AllocsPerRun(5, func() {
		if _, err := c.Act(obs, rng, act); err != nil {
			t.Fatal(err)
		}
		c.Observe(obs, act, next)
	}); allocs != 0 {
		t.Fatalf("Act allocates %g times per call, want 0", allocs)
	}
}

// BenchmarkCEMAct is one real step at the brief's reference size: K=400,
// H=25, M=5 members of the course's model, 5 iterations on CartPole.
func BenchmarkCEMAct(b *testing.B) {
	cfg := DefaultConfig()
	cfg.Samples, cfg.Horizon, cfg.Iters, cfg.Elites = 400, 25, 5, 40
	c, err := NewCEM(cfg, courseEnsemble(b, 5), twoActions, 4)
	if err != nil {
		b.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	obs, act := []float64{0.01, -0.02, 0.03, 0.01}, make([]float64, 1)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := c.Act(obs, rng, act); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/step")
}

// TestTermination: on the line model with a wall at 1.5, a rollout from 1
// that moves right terminates after its first step. The returns of one
// member are worked by hand for each source of termination.
func TestTermination(t *testing.T) {
	const tol = 1e-12
	for _, tc := range []struct {
		name      string
		term      dynamics.TermMode
		threshold float64
		prob      float64 // the model's termination probability past the wall
		penalty   float64 // TermPenalty λ
		density   float64 // DensityPenalty β, with the data's Gaussian at mean 2.5, std 1
		want      float64 // return of "always right" over 3 steps
	}{
		// Rewards 100-|x-20| after each move to 2, 3, 4: 82, 83, 84.
		{"none", dynamics.TermNone, 0.5, 1, 0, 0, 82 + 83 + 84},
		{"model stops", dynamics.TermModel, 0.5, 1, 0, 0, 82},
		{"model below threshold", dynamics.TermModel, 0.5, 0.3, 0, 0, 82 + 83 + 84},
		{"model lower threshold", dynamics.TermModel, 0.2, 0.3, 0, 0, 82},
		// Survival weights 1, 0.7, 0.49.
		{"soft", dynamics.TermSoft, 0.5, 0.3, 0, 0, 82 + 0.7*83 + 0.49*84},
		// TermPenalty λ subtracts λ·p from every step's reward, and an
		// ended rollout pays λ per remaining step (p = 1).
		// λ = 10, p = 0.3 on every step past the wall, nothing ends: 3·(-3).
		{"none penalty", dynamics.TermNone, 0.5, 0.3, 10, 0, 82 + 83 + 84 - 3*3},
		// λ = 2, p = 1: the terminating step pays 2, the two after it 2 each.
		{"model stops penalty", dynamics.TermModel, 0.5, 1, 2, 0, 82 - 2 - 2 - 2},
		{"model below threshold penalty", dynamics.TermModel, 0.5, 0.3, 10, 0, (82 - 3) + (83 - 3) + (84 - 3)},
		// Survival S_t = 0.7^t: expected reward 82 + 0.7·83 + 0.49·84 less
		// λ·Σ_t (1 - S_{t+1}) = 10·(0.3 + 0.51 + 0.657).
		{"soft penalty", dynamics.TermSoft, 0.5, 0.3, 10, 0, 82 + 0.7*83 + 0.49*84 - 10*(0.3+0.51+0.657)},
		// DensityPenalty β = 0.1: at x = 2, 3, 4 the standardised distances
		// are -0.5, 0.5, 1.5, so each step costs 0.1·(1 - exp(-z²/2)).
		{"none density", dynamics.TermNone, 0.5, 1, 0, 0.1, 82 + 83 + 84 - 0.1*((1-math.Exp(-0.125))+(1-math.Exp(-0.125))+(1-math.Exp(-1.125)))},
		// A rollout that ends at x = 2 goes on paying for x = 2.
		{"model stops density", dynamics.TermModel, 0.5, 1, 0, 0.1, 82 - 0.1*3*(1-math.Exp(-0.125))},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := DefaultConfig()
			cfg.Samples, cfg.Elites, cfg.Horizon, cfg.Iters = 2, 1, 3, 1
			cfg.Termination, cfg.TermThreshold, cfg.TermPenalty = tc.term, tc.threshold, tc.penalty
			cfg.DensityPenalty = tc.density
			m := &probModel{lineModel{members: 1, discrete: true, goals: []float64{20}, wall: 1.5}, tc.prob}
			c := newTestCEM(t, cfg, m, twoActions, 1)
			c.dataMean[0], c.dataInv[0] = 2.5, 1
			for i := range c.seqs {
				c.seqs[i] = 1
			}
			if err := c.evaluate([]float64{1}); err != nil {
				t.Fatal(err)
			}
			if got := c.ret[0]; math.Abs(got-tc.want) > tol {
				t.Errorf("return %g, want %g", got, tc.want)
			}
		})
	}
}

// probModel is lineModel with termination probability prob past the wall.
type probModel struct {
	lineModel
	prob float64
}

func (p *probModel) Predict(k int, obs, act []float64, n int, delta, reward, term []float64) {
	p.lineModel.Predict(k, obs, act, n, delta, reward, term)
	for i := range term[:n] {
		term[i] *= p.prob
	}
}

// TestOffset checks OffsetRate's running estimate and its use. The line
// model moves x by +1 for action 1; the real steps move it by 3, so the
// error is 2 and, with rate 0.5, the offset is 1 after one step and 1.5
// after two (hand-computed). A one-step plan from x = 0 with the critic
// V(s) = x then scores action 1 as reward 100 - |1 - 0| = 99 (the model's
// own reward) plus V(0 + 1 + 1.5) = 2.5: 101.5.
func TestOffset(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Samples, cfg.Horizon, cfg.Iters, cfg.Elites = 20, 1, 1, 2
	cfg.Termination = dynamics.TermNone
	cfg.OffsetRate = 0.5
	cfg.Value = func(obs []float64, n int, dst []float64) { copy(dst[:n], obs[:n]) }
	c := newTestCEM(t, cfg, &lineModel{members: 2, discrete: true, goals: []float64{0}, wall: 100}, twoActions, 1)
	obs, act, next := []float64{0}, []float64{1}, []float64{3}
	for i, want := range []float64{1, 1.5} {
		c.Observe(obs, act, next)
		if c.offset[0] != want {
			t.Fatalf("after %d steps: offset %v, want %v", i+1, c.offset[0], want)
		}
	}
	info, err := c.Act([]float64{0}, rand.New(rand.NewPCG(3, 4)), act)
	if err != nil {
		t.Fatal(err)
	}
	if act[0] != 1 || info.Best != 101.5 {
		t.Errorf("action %v, best score %v; want 1, 101.5", act[0], info.Best)
	}
	off := cfg
	off.OffsetRate = 0
	c = newTestCEM(t, off, &lineModel{members: 2, discrete: true, goals: []float64{0}, wall: 100}, twoActions, 1)
	c.Observe(obs, act, next)
	if info, _ := c.Act([]float64{0}, rand.New(rand.NewPCG(3, 4)), act); c.offset[0] != 0 || info.Best != 100 {
		t.Errorf("rate 0: offset %v, best %v; want 0, 100", c.offset[0], info.Best)
	}
}

// TestDensityFromModel checks that NewCEM and SetModel take the Gaussian
// from the model's normalisation, and that a model without one is refused.
func TestDensityFromModel(t *testing.T) {
	cfg := DefaultConfig()
	cfg.DensityPenalty = 1
	raw := courseEnsemble(t, 1)
	if _, err := NewCEM(cfg, raw, twoActions, 4); err == nil || !strings.Contains(err.Error(), "DensityPenalty 1: the model is not normalised") {
		t.Fatalf("unnormalised model: error %v", err)
	}
	norm := func(scale float64) *dynamics.Ensemble {
		e := courseEnsemble(t, 1)
		e.Config.Normalize = true
		d := &dynamics.Dataset{N: 2, ObsDim: 4, ActDim: 1,
			Obs: []float64{1, 2, 3, 4, 3, 2, 1, 0}, Act: []float64{0, 1},
			Delta: make([]float64, 8), Reward: []float64{1, 1}, Term: []float64{0, 0}}
		for i := range d.Obs {
			d.Obs[i] *= scale
		}
		e.SetNorm(d)
		return e
	}
	e := norm(1)
	c, err := NewCEM(cfg, e, twoActions, 4)
	if err != nil {
		t.Fatal(err)
	}
	// Means 2, 2, 2, 2; population stds 1, 0, 1, 2 (a constant column gets 1).
	check := func(mean, inv []float64) {
		t.Helper()
		for j := range mean {
			if math.Abs(c.dataMean[j]-mean[j]) > 1e-12 || math.Abs(c.dataInv[j]-inv[j]) > 1e-12 {
				t.Fatalf("Gaussian mean %v, 1/std %v; want %v, %v", c.dataMean, c.dataInv, mean, inv)
			}
		}
	}
	check([]float64{2, 2, 2, 2}, []float64{1, 1, 1, 0.5})
	if err := c.SetModel(norm(2)); err != nil {
		t.Fatal(err)
	}
	check([]float64{4, 4, 4, 4}, []float64{0.5, 1, 0.5, 0.25})
}

// TestActionRule checks the two action rules: by default Act returns the
// first action of the best sequence found; with ModeAction the refitted
// distribution's mode, which on a small, noisy search (8 sequences, 2
// elites, a far goal) differs from it for some seeds.
func TestActionRule(t *testing.T) {
	differ := 0
	for seed := range uint64(40) {
		var acts [2]float64
		for i, mode := range []bool{false, true} {
			cfg := DefaultConfig()
			cfg.Samples, cfg.Elites, cfg.Iters, cfg.Horizon, cfg.ModeAction = 8, 2, 1, 4, mode
			c := newTestCEM(t, cfg, &lineModel{members: 1, discrete: true, goals: []float64{0.3}, wall: 100}, twoActions, 1)
			act := []float64{-1}
			if _, err := c.Act([]float64{0}, rand.New(rand.NewPCG(seed, 3)), act); err != nil {
				t.Fatal(err)
			}
			if !mode && act[0] != c.best[0] {
				t.Fatalf("seed %d: best rule took %v, best sequence starts with %v", seed, act[0], c.best[0])
			}
			acts[i] = act[0]
		}
		if acts[0] != acts[1] {
			differ++
		}
	}
	if differ == 0 {
		t.Error("ModeAction never changed the action in 40 seeds")
	}
}

// TestCheckNames checks that Check names fields, also those a message
// refers to, by the caller's names (a tool's flags).
func TestCheckNames(t *testing.T) {
	flag := func(f string) string { return "--" + strings.ToLower(f) }
	for _, tc := range []struct {
		name string
		edit func(*Config)
		n    int
		want string
	}{
		{"elites", func(c *Config) { c.Samples, c.Elites = 10, 11 }, 2, "--elites 11: must be in [0, --samples=10] (0: the elite fraction)"},
		{"min prob", func(c *Config) { c.MinProb = 0.25 }, 4, "--minprob 0.25: must be in [0, 1/4)"},
		{"min std", func(c *Config) { c.InitStd, c.MinStd = 0.5, 1 }, 0, "--minstd 1: must be in [0, --initstd=0.5]"},
		{"valid", func(*Config) {}, 2, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := DefaultConfig()
			tc.edit(&cfg)
			err := cfg.Check(tc.n, flag)
			got := ""
			if err != nil {
				got = err.Error()
			}
			if got != tc.want {
				t.Errorf("Check: %q, want %q", got, tc.want)
			}
		})
	}
}
