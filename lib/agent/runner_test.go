package agent

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/dynago/dynago/lib/env"
)

func makeEnv(t testing.TB, id string) env.Env {
	t.Helper()
	e, err := env.Make(id)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// TestRunnerStateRoundTrip checks that stopping, saving the state as JSON
// and restoring it continues with exactly the rows an uninterrupted runner
// records, for random and policy actions.
func TestRunnerStateRoundTrip(t *testing.T) {
	for _, id := range []string{"CartPole-v1", "Pendulum-v1", "MountainCarContinuous-v0"} {
		for _, withPolicy := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s policy=%v", id, withPolicy), func(t *testing.T) {
				var p Actor // nil: random actions
				e := makeEnv(t, id)
				if withPolicy {
					p = PolicyActor{Policy: New(Config{Hidden: []int{8}, Activation: "tanh", Init: InitOrthogonal}, e.ObservationSpace(), e.ActionSpace(), rand.New(rand.NewPCG(4, 4)))}
				}
				whole := NewRunner(e, p, 9, StreamCollect)
				all := whole.NewTransitions(0)
				if _, err := whole.Run(all, 450, 0); err != nil {
					t.Fatal(err)
				}
				first := NewRunner(makeEnv(t, id), p, 9, StreamCollect)
				split := first.NewTransitions(0)
				if _, err := first.Run(split, 217, 0); err != nil {
					t.Fatal(err)
				}
				data, err := MarshalState(first.State())
				if err != nil {
					t.Fatal(err)
				}
				second, err := RestoreRunner(makeEnv(t, id), p, data)
				if err != nil {
					t.Fatal(err)
				}
				if _, err := second.Run(split, 450-217, 0); err != nil {
					t.Fatal(err)
				}
				if second.RealSteps() != 450 {
					t.Errorf("RealSteps = %d, want 450", second.RealSteps())
				}
				for i := range all.Len() {
					if a, b := fmt.Sprint(all.Row(i)), fmt.Sprint(split.Row(i)); a != b {
						t.Fatalf("row %d:\nwhole %s\nsplit %s", i, a, b)
					}
				}
			})
		}
	}
}

func TestRunnerEpisodes(t *testing.T) {
	r := NewRunner(makeEnv(t, "CartPole-v1"), nil, 1, StreamCollect)
	tr := r.NewTransitions(0)
	eps, err := r.Run(tr, 0, 3)
	if err != nil {
		t.Fatal(err)
	}
	if len(eps) != 3 {
		t.Fatalf("%d episodes, want 3", len(eps))
	}
	total := int64(0)
	for k, ep := range eps {
		if ep.ID != int64(k) || ep.Return != float64(ep.Length) { // CartPole: reward 1 per step
			t.Errorf("episode %+v", ep)
		}
		total += ep.Length
	}
	if int64(tr.Len()) != total || !tr.Terminated[tr.Len()-1] {
		t.Errorf("%d rows for %d steps; last terminated %v", tr.Len(), total, tr.Terminated[tr.Len()-1])
	}
	if !math.IsNaN(tr.LogProb[0]) || !math.IsNaN(tr.Value[0]) {
		t.Error("random actions have a log_prob or value")
	}
}

// FuzzRestoreRunner checks that no state file makes RestoreRunner panic.
func FuzzRestoreRunner(f *testing.F) {
	r := NewRunner(makeEnv(f, "CartPole-v1"), nil, 1, StreamCollect)
	if _, err := r.Run(nil, 10, 0); err != nil {
		f.Fatal(err)
	}
	good, _ := MarshalState(r.State())
	f.Add(good)
	f.Add([]byte(`{"env":"CartPole-v1","env_state":[1,2],"obs":[0,0,0,0]}`))
	f.Add([]byte(`{"env":"CartPole-v1","env_state":[0,0,0,0],"elapsed":-1,"obs":[0,0,0,0],"rng":""}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := RestoreRunner(makeEnv(t, "CartPole-v1"), nil, data)
		if err == nil {
			_, _ = r.Run(nil, 3, 0)
		}
	})
}

// observer is random actions that record what the runner tells them.
type observer struct {
	Random
	steps, ended int
	lastNext     []float64
}

func (o *observer) Observe(_, _, next []float64, ended bool) {
	o.steps++
	if ended {
		o.ended++
	}
	o.lastNext = append(o.lastNext[:0], next...)
}

// TestRunnerObserves checks that an actor is told every real step and
// every episode end, and acts exactly as Random does with the same seed.
func TestRunnerObserves(t *testing.T) {
	e := makeEnv(t, "CartPole-v1")
	o := &observer{Random: Random{Space: e.ActionSpace()}}
	r := NewRunner(e, o, 5, StreamCollect)
	got := r.NewTransitions(0)
	eps, err := r.Run(got, 300, 0)
	if err != nil {
		t.Fatal(err)
	}
	if o.steps != 300 || o.ended != len(eps) || len(eps) == 0 {
		t.Errorf("observed %d steps and %d ends, want 300 and %d (> 0)", o.steps, o.ended, len(eps))
	}
	if last := got.NextObs[299*4:]; fmt.Sprint(last) != fmt.Sprint(o.lastNext) {
		t.Errorf("last observed next %v, want %v", o.lastNext, last)
	}
	ref := NewRunner(makeEnv(t, "CartPole-v1"), nil, 5, StreamCollect)
	want := ref.NewTransitions(0)
	if _, err := ref.Run(want, 300, 0); err != nil {
		t.Fatal(err)
	}
	for i := range want.Len() {
		if a, b := fmt.Sprint(want.Row(i)), fmt.Sprint(got.Row(i)); a != b {
			t.Fatalf("row %d: Random %s, observer %s", i, a, b)
		}
	}
}
