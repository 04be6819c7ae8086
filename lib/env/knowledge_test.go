package env

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestKnowledge checks what every Go environment declares: observation
// names and finite histogram ranges for every component, and a
// termination rule on observations that agrees with the environment's own
// flag on random-action transitions.
func TestKnowledge(t *testing.T) {
	for _, id := range IDs() {
		e := mustMake(t, id)
		sp := e.ObservationSpace()
		dims := ObsDims(e)
		if len(dims) != sp.Dim {
			t.Errorf("%s: %d dims, observation space has %d", id, len(dims), sp.Dim)
		}
		for j, d := range dims {
			if d.Name == "" || !(d.Lo < d.Hi) || math.IsInf(d.Lo, 0) || math.IsInf(d.Hi, 0) {
				t.Errorf("%s dim %d: %+v", id, j, d)
			}
		}
		if got := ObsNames(id); len(got) != sp.Dim {
			t.Errorf("%s: ObsNames %v", id, got)
		}
		term, err := TerminalOf(e)
		if err != nil {
			t.Errorf("%s: %v", id, err)
			continue
		}
		rng := rand.New(rand.NewPCG(1, 2))
		obs := make([]float64, sp.Dim)
		act := make([]float64, max(1, e.ActionSpace().Dim))
		e.Reset(rng, obs)
		terminals := 0
		for i := range 5000 {
			if as := e.ActionSpace(); as.Discrete {
				act[0] = float64(rng.IntN(as.N))
			} else {
				act[0] = as.Low[0] + (as.High[0]-as.Low[0])*rng.Float64()
			}
			r, err := e.Step(act, obs)
			if err != nil {
				t.Fatal(err)
			}
			if term(obs) != r.Terminated {
				t.Errorf("%s step %d: rule says %v, env says %v at %v", id, i, term(obs), r.Terminated, obs)
				break
			}
			if r.Terminated {
				terminals++
			}
			if r.Terminated || r.Truncated {
				e.Reset(rng, obs)
			}
		}
		t.Logf("%s: %d terminal steps", id, terminals)
	}
	if _, _, ok := ReturnBoundsOf("gym:CartPole-v1"); ok {
		t.Error("bounds for a bridged id")
	}
	for id, want := range map[string][2]float64{"CartPole-v1": {0, 500}, "Acrobot-v1": {-500, 0}, "MountainCar-v0": {-200, 0}} {
		if lo, hi, ok := ReturnBoundsOf(id); !ok || lo != want[0] || hi != want[1] {
			t.Errorf("%s: bounds %g, %g, %v; want %v", id, lo, hi, ok, want)
		}
	}
	for id, want := range map[string]float64{"CartPole-v1": 475, "Acrobot-v1": -100, "MountainCar-v0": -110, "MountainCarContinuous-v0": 90, "Pendulum-v1": -200} {
		if got, ok := ReturnThresholdOf(id); !ok || got != want {
			t.Errorf("%s: threshold %g, %v; want %g", id, got, ok, want)
		}
	}
	for _, id := range IDs() {
		// A threshold an episode cannot reach would make every race a tie at the budget.
		th, ok := ReturnThresholdOf(id)
		if lo, hi, bounded := ReturnBoundsOf(id); ok && bounded && !(th > lo && th <= hi) {
			t.Errorf("%s: threshold %g outside the return bounds [%g, %g]", id, th, lo, hi)
		}
	}
	if _, ok := ReturnThresholdOf("gym:CartPole-v1"); ok {
		t.Error("threshold for a bridged id")
	}
	if _, _, ok := ReturnBoundsOf("MountainCarContinuous-v0"); ok {
		t.Error("MountainCarContinuous-v0 has bounds, but its reward charges the unclipped action")
	}
}
