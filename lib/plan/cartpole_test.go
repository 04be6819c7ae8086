package plan

import (
	"math/rand/v2"
	"testing"

	"github.com/dynago/dynago/lib/dynamics"
	"github.com/dynago/dynago/lib/env"
)

// randomData returns n CartPole-v1 transitions under a uniformly random
// policy, resetting after termination or truncation.
func randomData(tb testing.TB, e env.Env, n int, rng *rand.Rand) *dynamics.Dataset {
	tb.Helper()
	d := e.ObservationSpace().Dim
	ds := &dynamics.Dataset{N: n, ObsDim: d, ActDim: 1,
		Obs: make([]float64, n*d), Act: make([]float64, n), Delta: make([]float64, n*d),
		Reward: make([]float64, n), Term: make([]float64, n)}
	obs, next := make([]float64, d), make([]float64, d)
	e.Reset(rng, obs)
	for i := 0; i < n; i++ {
		ds.Act[i] = float64(rng.IntN(2))
		res, err := e.Step(ds.Act[i:i+1], next)
		if err != nil {
			tb.Fatal(err)
		}
		copy(ds.Obs[i*d:], obs)
		for j := range next {
			ds.Delta[i*d+j] = next[j] - obs[j]
		}
		ds.Reward[i] = res.Reward
		if res.Terminated {
			ds.Term[i] = 1
		}
		copy(obs, next)
		if res.Terminated || res.Truncated {
			e.Reset(rng, obs)
		}
	}
	return ds
}

// fitCartPole trains a course-sized ensemble (one hidden layer of 128
// ReLU) with a learned termination head on ds.
func fitCartPole(tb testing.TB, e env.Env, members int, ds *dynamics.Dataset, epochs int, rng *rand.Rand) *dynamics.Ensemble {
	tb.Helper()
	mc, err := dynamics.Preset("course")
	if err != nil {
		tb.Fatal(err)
	}
	mc.Members, mc.Normalize, mc.TermWeight, mc.LR = members, true, 1, 1e-3
	if err := mc.SetSpaces(e.ObservationSpace(), e.ActionSpace()); err != nil {
		tb.Fatal(err)
	}
	m, err := dynamics.New(mc, rng)
	if err != nil {
		tb.Fatal(err)
	}
	m.SetNorm(ds)
	if _, err := m.Fit(ds, dynamics.FitOptions{Epochs: epochs, Holdout: 0.1, Bootstrap: members > 1}, rng); err != nil {
		tb.Fatal(err)
	}
	return m
}

// TestCartPoleBalance: a model fitted to random transitions, reward and
// termination included, is enough for the planner to hold the pole up for
// 200 steps.
func TestCartPoleBalance(t *testing.T) {
	if testing.Short() {
		t.Skip("trains a model and plans 200 steps")
	}
	const want = 200
	rng := rand.New(rand.NewPCG(11, 12))
	e, err := env.Make("CartPole-v1")
	if err != nil {
		t.Fatal(err)
	}
	m := fitCartPole(t, e, 3, randomData(t, e, 3000, rng), 40, rng)
	cfg := DefaultConfig()
	cfg.ModeAction = true // the elites' consensus (docs/RESULTS.md: the action rule)
	c, err := NewCEM(cfg, m, e.ActionSpace(), 4)
	if err != nil {
		t.Fatal(err)
	}
	obs, act := make([]float64, 4), make([]float64, 1)
	e.Reset(rng, obs)
	for step := 0; step < want; step++ {
		if _, err := c.Act(obs, rng, act); err != nil {
			t.Fatal(err)
		}
		res, err := e.Step(act, obs)
		if err != nil {
			t.Fatal(err)
		}
		if res.Terminated {
			t.Fatalf("pole fell after %d steps, want %d", step+1, want)
		}
	}
}
