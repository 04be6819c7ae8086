package plan

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/dynago/dynago/lib/dynamics"
	"github.com/dynago/dynago/lib/env"
	"github.com/dynago/dynago/lib/nn"
)

// TestForwardMatchesPredict checks the planning copy against
// Ensemble.Predict on random rows, with normalisation statistics that are
// not the identity.
func TestForwardMatchesPredict(t *testing.T) {
	// The copy sums in a different order: agreement to rounding.
	const tol = 1e-9
	for _, tc := range []struct {
		name          string
		act           env.Space
		hidden        []int
		probabilistic bool
	}{
		{"discrete course", env.Space{Discrete: true, N: 3, Start: -1}, []int{128}, false},
		{"discrete tuned", twoActions, []int{20, 20}, true},
		{"continuous", env.Space{Dim: 2, Low: []float64{-1, -2}, High: []float64{1, 2}}, []int{16, 8}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			const obsDim, n = 3, 50
			mc := dynamics.Config{Hidden: tc.hidden, Activation: nn.ReLU, Members: 2, Probabilistic: tc.probabilistic,
				Normalize: true, MinLogVar: -10, MaxLogVar: 0.5, TermWeight: 1, LR: 1e-3, Batch: 8}
			if err := mc.SetSpaces(env.Space{Dim: obsDim}, tc.act); err != nil {
				t.Fatal(err)
			}
			rng := rand.New(rand.NewPCG(5, 6))
			e, err := dynamics.New(mc, rng)
			if err != nil {
				t.Fatal(err)
			}
			d := &dynamics.Dataset{N: n, ObsDim: obsDim, ActDim: mc.ActDim,
				Obs: make([]float64, n*obsDim), Act: make([]float64, n*mc.ActDim),
				Delta: make([]float64, n*obsDim), Reward: make([]float64, n), Term: make([]float64, n)}
			for _, x := range [][]float64{d.Obs, d.Delta, d.Reward} {
				for i := range x {
					x[i] = 3*rng.NormFloat64() + 1
				}
			}
			for i := range d.Act {
				if tc.act.Discrete {
					d.Act[i] = float64(tc.act.Start + rng.IntN(tc.act.N))
				} else {
					d.Act[i] = rng.Float64()*2 - 1
				}
			}
			e.SetNorm(d)
			f, err := newForward(e)
			if err != nil {
				t.Fatal(err)
			}
			want := [3][]float64{make([]float64, n*obsDim), make([]float64, n), make([]float64, n)}
			got := [3][]float64{make([]float64, n*obsDim), make([]float64, n), make([]float64, n)}
			for k := 0; k < e.Members(); k++ {
				e.Predict(k, d.Obs, d.Act, n, want[0], want[1], want[2])
				f.Predict(k, d.Obs, d.Act, n, got[0], got[1], got[2])
				for o, name := range []string{"delta", "reward", "termProb"} {
					for i := range want[o] {
						if diff := math.Abs(got[o][i] - want[o][i]); diff > tol*(1+math.Abs(want[o][i])) {
							t.Fatalf("member %d %s[%d] = %g, Predict gives %g", k, name, i, got[o][i], want[o][i])
						}
					}
				}
			}
		})
	}
}
