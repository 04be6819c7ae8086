package imagine

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/dynago/dynago/lib/dynamics"
	"github.com/dynago/dynago/lib/dynamics/dynamicstest"
	"github.com/dynago/dynago/lib/format"
)

// fakePolicy always pushes right with log-probability -1 and value 2.
type fakePolicy struct{}

func (fakePolicy) ObsDim() int    { return 4 }
func (fakePolicy) ActDim() int    { return 1 }
func (fakePolicy) Discrete() bool { return true }
func (fakePolicy) ActBatch(obs []float64, n int, rng *rand.Rand, greedy bool, actions, logp, value []float64) {
	for i := 0; i < n; i++ {
		actions[i], logp[i], value[i] = 1, -1, 2
	}
}

func TestImagine(t *testing.T) {
	tr := dynamicstest.Random(t, "CartPole-v1", 400, 1)
	model := dynamicstest.Fitted(t, tr, "course", 3, 2)
	cartpole, _ := dynamics.TerminalFor("CartPole-v1")
	for _, tc := range []struct {
		name string
		r    Rollout
		// checks of the output
		rows                int // -1: do not check
		lastTerm, lastTrunc bool
		maxRowsPerRollout   int
	}{
		{"truncate at horizon", Rollout{Batches: 4, Horizon: 3, Propagation: PropRandom, Termination: dynamics.TermEnv, Terminal: func([]float64) bool { return false }, Gate: math.Inf(1)},
			12, false, true, 3},
		{"horizon terminal", Rollout{Batches: 4, Horizon: 3, Propagation: PropMember, Termination: dynamics.TermEnv, Terminal: func([]float64) bool { return false }, Gate: math.Inf(1), HorizonTerminal: true},
			12, true, false, 3},
		{"always terminal", Rollout{Batches: 4, Horizon: 3, Propagation: PropMean, Termination: dynamics.TermEnv, Terminal: func([]float64) bool { return true }, Gate: math.Inf(1)},
			4, true, false, 1},
		{"gate cuts everything", Rollout{Batches: 4, Horizon: 3, Propagation: PropRandom, Termination: dynamics.TermCourse, Gate: 1e-300},
			0, false, false, 0},
		{"env rule and noise", Rollout{Batches: 20, Horizon: 200, Propagation: PropRandom, Termination: dynamics.TermEnv, Terminal: cartpole, Gate: math.Inf(1), Noise: 0.01},
			-1, true, false, 200},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out, st := Imagine(model, fakePolicy{}, tr, tc.r, rand.New(rand.NewPCG(3, 1)), rand.New(rand.NewPCG(3, 2)))
			if tc.rows >= 0 && out.Len() != tc.rows {
				t.Fatalf("%d rows, want %d", out.Len(), tc.rows)
			}
			if st.Kept != out.Len() || st.Simulated < st.Kept {
				t.Errorf("stats %+v for %d rows", st, out.Len())
			}
			count := map[int64]int{}
			for i := 0; i < out.Len(); i++ {
				ep := out.Episode[i]
				if ep >= 0 || out.Step[i] != int64(count[ep]) || !out.Imagined[i] || out.LogProb[i] != -1 || out.Value[i] != 2 {
					t.Fatalf("row %d: episode %d step %d imagined %v logp %g value %g", i, ep, out.Step[i], out.Imagined[i], out.LogProb[i], out.Value[i])
				}
				if !(out.VarDelta[i] > 0) {
					t.Fatalf("row %d: var_delta %g with 3 members", i, out.VarDelta[i])
				}
				count[ep]++
				last := i == out.Len()-1 || out.Episode[i+1] != ep
				if !last && (out.Terminated[i] || out.Truncated[i]) {
					t.Fatalf("row %d ends its rollout but is not the last", i)
				}
				if last && (out.Terminated[i] != tc.lastTerm || out.Truncated[i] != tc.lastTrunc) {
					t.Fatalf("row %d (last of rollout): terminated %v truncated %v", i, out.Terminated[i], out.Truncated[i])
				}
				if count[ep] > tc.maxRowsPerRollout {
					t.Fatalf("rollout %d longer than %d", ep, tc.maxRowsPerRollout)
				}
			}
		})
	}
}

// BenchmarkImagine is B rollouts of H steps (no termination) with the
// course model (M=1) and a 5-member tuned model, and a fake policy, so it
// times the model side only.
func BenchmarkImagine(b *testing.B) {
	tr := dynamicstest.Random(b, "CartPole-v1", 1000, 1)
	never := func([]float64) bool { return false }
	for _, preset := range []struct {
		name string
		m    int
	}{{"course", 1}, {"tuned", 5}} {
		model := dynamicstest.Fitted(b, tr, preset.name, preset.m, 1)
		for _, size := range [][2]int{{10, 5}, {400, 25}} {
			b.Run(fmt.Sprintf("%s/%dx%d", preset.name, size[0], size[1]), func(b *testing.B) {
				r := Rollout{Batches: size[0], Horizon: size[1], Propagation: PropRandom, Termination: dynamics.TermEnv, Terminal: never, Gate: math.Inf(1)}
				rng := rand.New(rand.NewPCG(1, 1))
				for b.Loop() {
					Imagine(model, fakePolicy{}, tr, r, rng, rng)
				}
			})
		}
	}
}

// TestTrajectorySampling checks PETS' trajectory sampling on a
// probabilistic member: 4,000 one-step rollouts from one start state with
// one action give next states and rewards whose sample mean and variance
// match the member's predicted μ and σ² (mean within 4 standard errors,
// variance within 4·√(2/n) relative); PropMean, and a deterministic model,
// give μ on every row.
func TestTrajectorySampling(t *testing.T) {
	tr := dynamicstest.Random(t, "CartPole-v1", 600, 4)
	start := tr.Slice(10, 11)
	const n = 4000
	for _, c := range []struct {
		name, preset, prop string
		members            int
		sampled            bool
	}{
		{"TS1, probabilistic", "tuned", PropRandom, 1, true},
		{"TS-inf, probabilistic", "tuned", PropMember, 1, true},
		{"mean, probabilistic", "tuned", PropMean, 1, false},
		{"TS1, deterministic", "course", PropRandom, 1, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			model := dynamicstest.Fitted(t, tr, c.preset, c.members, 2)
			d := 4
			mu, mr, mt := make([]float64, d), make([]float64, 1), make([]float64, 1)
			vd, vr := make([]float64, d), make([]float64, 1)
			model.PredictVar(0, start.Obs, []float64{1}, 1, mu, mr, mt, vd, vr)
			r := Rollout{Batches: n, Horizon: 1, Propagation: c.prop, Termination: dynamics.TermEnv,
				Terminal: func([]float64) bool { return false }, Gate: math.Inf(1)}
			out, _ := Imagine(model, fakePolicy{}, start, r, rand.New(rand.NewPCG(5, 1)), rand.New(rand.NewPCG(5, 2)))
			check := func(what string, get func(i int) float64, mean, variance float64) {
				s, ss := 0.0, 0.0
				for i := range n {
					s += get(i)
				}
				m := s / n
				for i := range n {
					ss += (get(i) - m) * (get(i) - m)
				}
				v := ss / (n - 1)
				if !c.sampled {
					// (s + μ) − s is μ up to the rounding of the sum.
					for i := range n {
						if math.Abs(get(i)-mean) > 1e-12 {
							t.Fatalf("%s: row %d is %v, want the mean %v", what, i, get(i), mean)
						}
					}
					return
				}
				if variance <= 0 {
					t.Fatalf("%s: predicted variance %v", what, variance)
				}
				if se := math.Sqrt(variance / n); math.Abs(m-mean) > 4*se {
					t.Errorf("%s: sample mean %v, predicted %v (se %v)", what, m, mean, se)
				}
				if math.Abs(v/variance-1) > 4*math.Sqrt(2.0/n) {
					t.Errorf("%s: sample variance %v, predicted %v", what, v, variance)
				}
			}
			for j := range d {
				check(fmt.Sprintf("Δs[%d]", j), func(i int) float64 { return out.NextObs[i*d+j] - out.Obs[i*d+j] }, mu[j], vd[j])
			}
			check("reward", func(i int) float64 { return out.Reward[i] }, mr[0], vr[0])
		})
	}
}

// TestPenalty checks MOPO's reward penalty against the same rollouts
// without it: every row is the same except its reward, which is lower by
// λ·√var_delta (the penalty draws no random numbers, so the rollouts
// match step for step); with one member var_delta is 0 and nothing changes.
func TestPenalty(t *testing.T) {
	tr := dynamicstest.Random(t, "CartPole-v1", 400, 1)
	for _, m := range []int{3, 1} {
		model := dynamicstest.Fitted(t, tr, "course", m, 2)
		r := Rollout{Batches: 8, Horizon: 5, Propagation: PropRandom, Termination: dynamics.TermCourse, Gate: math.Inf(1)}
		run := func(penalty float64) (*format.Transitions, Stats) {
			r.Penalty = penalty
			return Imagine(model, fakePolicy{}, tr, r, rand.New(rand.NewPCG(3, 1)), rand.New(rand.NewPCG(3, 2)))
		}
		plain, _ := run(0)
		pen, st := run(2)
		if plain.Len() != pen.Len() || plain.Len() == 0 {
			t.Fatalf("%d members: %d rows with the penalty, %d without", m, pen.Len(), plain.Len())
		}
		sum := 0.0
		for i := range plain.Len() {
			want := plain.Reward[i] - 2*math.Sqrt(plain.VarDelta[i])
			if pen.Reward[i] != want || pen.NextObs[i*4] != plain.NextObs[i*4] || pen.Terminated[i] != plain.Terminated[i] {
				t.Fatalf("%d members, row %d: reward %v, want %v (next obs %v vs %v)", m, i, pen.Reward[i], want, pen.NextObs[i*4], plain.NextObs[i*4])
			}
			sum += plain.Reward[i] - pen.Reward[i]
		}
		if mean := sum / float64(plain.Len()); math.Abs(st.MeanPenalty-mean) > 1e-12 || (m == 3) != (mean > 0) {
			t.Errorf("%d members: mean penalty %v, rewards lower by %v on average", m, st.MeanPenalty, mean)
		}
	}
}
