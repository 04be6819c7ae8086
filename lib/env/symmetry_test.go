package env

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestSymmetry steps each symmetric environment along random episodes
// and, from every state, a twin set to the reflected state and given the
// reflected action: the twin's next state and observation must be the
// reflections of the original's, and rewards, terminations and
// truncations equal. The reflection of the internal state is the test's
// own (the Symmetry describes observations only). CartPole's Euler step
// is exactly odd in floating point, so it must match bit for bit.
// Acrobot's is odd only mathematically (its gravity term is
// cos(th1 + th2 - pi/2), and the shift by pi/2 rounds), so its states may
// differ by rounding (tolerance 1e-12, absolute, on angles and velocities
// of order 1-30) and its float32 observations by one float32 ulp (2^-23,
// relative). Pendulum's cost goes through angle_normalize, a remainder
// that is not exactly odd either: reward tolerance 1e-12, relative.
func TestSymmetry(t *testing.T) {
	tests := []struct {
		id                          string
		stateSign                   []float64
		stateTol, obsTol, rewardTol float64
	}{
		{"CartPole-v1", []float64{-1, -1, -1, -1}, 0, 0, 0},
		{"Acrobot-v1", []float64{-1, -1, -1, -1}, 1e-12, 0x1p-23, 0},
		{"Pendulum-v1", []float64{-1, -1}, 0, 0, 1e-12},
	}
	for _, tc := range tests {
		t.Run(tc.id, func(t *testing.T) {
			e, twin := mustMake(t, tc.id), mustMake(t, tc.id)
			sym, err := SymmetryOf(e)
			if err != nil {
				t.Fatal(err)
			}
			os, as := e.ObservationSpace(), e.ActionSpace()
			if len(sym.Obs) != os.Dim {
				t.Fatalf("symmetry has %d observation signs, space has %d", len(sym.Obs), os.Dim)
			}
			adim := as.Dim
			if as.Discrete {
				adim = 1
			}
			obs, tobs, want := make([]float64, os.Dim), make([]float64, os.Dim), make([]float64, os.Dim)
			act, tact := make([]float64, adim), make([]float64, adim)
			state, tstate := make([]float64, e.StateDim()), make([]float64, e.StateDim())
			// reflect sets the twin to the reflection of e's state.
			reflect := func() {
				_, n := e.State(state)
				for i := range state {
					state[i] *= tc.stateSign[i]
				}
				if err := twin.SetState(state, n, tobs); err != nil {
					t.Fatal(err)
				}
			}
			rng := rand.New(rand.NewPCG(3, 4))
			steps := 0
			for ep := 0; ep < 20; ep++ {
				e.Reset(rng, obs)
				for {
					reflect()
					sym.MirrorObs(want, obs)
					if !near(tobs, want, 0) {
						t.Fatalf("episode %d step %d: twin observation %v, reflection %v", ep, steps, tobs, want)
					}
					if as.Discrete {
						act[0] = float64(as.Start + rng.IntN(as.N))
					} else {
						for i := range act {
							act[i] = as.Low[i] + (as.High[i]-as.Low[i])*rng.Float64()
						}
					}
					sym.MirrorAction(tact, act, as.Start)
					r, err := e.Step(act, obs)
					if err != nil {
						t.Fatal(err)
					}
					tr, err := twin.Step(tact, tobs)
					if err != nil {
						t.Fatal(err)
					}
					steps++
					if math.Abs(r.Reward-tr.Reward) > tc.rewardTol*math.Abs(r.Reward) || r.Terminated != tr.Terminated || r.Truncated != tr.Truncated {
						t.Fatalf("episode %d step %d: result %+v, twin %+v", ep, steps, r, tr)
					}
					e.State(state)
					twin.State(tstate)
					for i := range state {
						if d := math.Abs(tc.stateSign[i]*state[i] - tstate[i]); !(d <= tc.stateTol) {
							t.Fatalf("episode %d step %d: state %v, twin %v", ep, steps, state, tstate)
						}
					}
					sym.MirrorObs(want, obs)
					if !near(tobs, want, tc.obsTol) {
						t.Fatalf("episode %d step %d: twin observation %v, reflection %v", ep, steps, tobs, want)
					}
					if r.Terminated || r.Truncated {
						break
					}
				}
			}
			t.Logf("%d steps", steps)
		})
	}
}

// near reports whether a and b agree within rel·|a| component-wise
// (exactly when rel is 0).
func near(a, b []float64, rel float64) bool {
	for i := range a {
		if !(math.Abs(a[i]-b[i]) <= rel*math.Abs(a[i])) {
			return false
		}
	}
	return true
}

// TestSymmetryMirror checks the action reflection, including a discrete
// space that does not start at 0, and that MountainCar declares none (its
// hill, sin(3x), has no mirror axis inside the track).
func TestSymmetryMirror(t *testing.T) {
	s := Symmetry{Obs: []float64{1, -1}, Action: []int{2, 1, 0}}
	dst := []float64{0}
	for a, want := range map[float64]float64{5: 7, 6: 6, 7: 5} {
		s.MirrorAction(dst, []float64{a}, 5)
		if dst[0] != want {
			t.Errorf("action %v -> %v, want %v", a, dst[0], want)
		}
	}
	s = Symmetry{Obs: []float64{1, -1}, ActionSign: []float64{-1, 1}}
	act := []float64{0.5, 0.25}
	s.MirrorAction(act, act, 0)
	if act[0] != -0.5 || act[1] != 0.25 {
		t.Errorf("box action -> %v, want [-0.5 0.25]", act)
	}
	obs := []float64{3, 4}
	s.MirrorObs(obs, obs)
	if obs[0] != 3 || obs[1] != -4 {
		t.Errorf("obs -> %v, want [3 -4]", obs)
	}
	for _, id := range []string{"MountainCar-v0", "MountainCarContinuous-v0"} {
		if _, err := SymmetryOf(mustMake(t, id)); err == nil {
			t.Errorf("%s: a symmetry", id)
		}
	}
}
