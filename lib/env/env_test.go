package env

import (
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

func mustMake(t testing.TB, id string) Env {
	t.Helper()
	e, err := Make(id)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func TestMake(t *testing.T) {
	for _, id := range IDs() {
		if got := mustMake(t, id).ID(); got != id {
			t.Errorf("Make(%q).ID() = %q", id, got)
		}
	}
	_, err := Make("CartPole-v0")
	if err == nil {
		t.Fatal("Make(CartPole-v0): no error")
	}
	for _, want := range append(IDs(), "CartPole-v0") {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not name %q", err, want)
		}
	}
}

// TestReset checks that Reset draws within Gymnasium's reset bounds, that
// the observation is in the observation space, and that a seed fixes the
// draw. Acrobot's bounds are float32 because its state is cast.
func TestReset(t *testing.T) {
	tests := []struct {
		id       string
		low, hig []float64
	}{
		{"CartPole-v1", []float64{-.05, -.05, -.05, -.05}, []float64{.05, .05, .05, .05}},
		{"Acrobot-v1", []float64{f32(-.1), f32(-.1), f32(-.1), f32(-.1)}, []float64{f32(.1), f32(.1), f32(.1), f32(.1)}},
		{"MountainCar-v0", []float64{-.6, 0}, []float64{-.4, 0}},
		{"Pendulum-v1", []float64{-math.Pi, -1}, []float64{math.Pi, 1}},
		{"MountainCarContinuous-v0", []float64{-.6, 0}, []float64{-.4, 0}},
	}
	for _, tc := range tests {
		t.Run(tc.id, func(t *testing.T) {
			e := mustMake(t, tc.id)
			os := e.ObservationSpace()
			obs := make([]float64, os.Dim)
			rng := rand.New(rand.NewPCG(1, 2))
			var s []float64
			for range 1000 {
				e.Reset(rng, obs)
				var n int
				s, n = e.State(s)
				if n != 0 {
					t.Fatalf("elapsed after Reset = %d", n)
				}
				for i, v := range s {
					if v < tc.low[i] || v > tc.hig[i] {
						t.Fatalf("state[%d] = %v outside [%v, %v]", i, v, tc.low[i], tc.hig[i])
					}
				}
				for i, v := range obs {
					if v < os.Low[i] || v > os.High[i] || v != f32(v) {
						t.Fatalf("obs[%d] = %v not a float32 in [%v, %v]", i, v, os.Low[i], os.High[i])
					}
				}
			}
			a, b := mustMake(t, tc.id), mustMake(t, tc.id)
			oa, ob := make([]float64, os.Dim), make([]float64, os.Dim)
			a.Reset(rand.New(rand.NewPCG(7, 8)), oa)
			b.Reset(rand.New(rand.NewPCG(7, 8)), ob)
			sa, _ := a.State(nil)
			sb, _ := b.State(nil)
			if !slices.Equal(sa, sb) || !slices.Equal(oa, ob) {
				t.Errorf("same seed, different reset: %v %v", sa, sb)
			}
		})
	}
}

// TestBadAction checks the errors for actions outside the space, and that
// the state is unchanged after one.
func TestBadAction(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	tests := []struct {
		name   string
		id     string
		action []float64
		want   string
	}{
		{"cartpole 2", "CartPole-v1", []float64{2}, "action 2 not in Discrete(2)"},
		{"cartpole -1", "CartPole-v1", []float64{-1}, "action -1 not in Discrete(2)"},
		{"cartpole 0.5", "CartPole-v1", []float64{0.5}, "action 0.5 not in Discrete(2)"},
		{"cartpole NaN", "CartPole-v1", []float64{nan}, "action NaN not in Discrete(2)"},
		{"cartpole empty", "CartPole-v1", nil, "0 components"},
		{"cartpole two", "CartPole-v1", []float64{0, 1}, "2 components"},
		{"acrobot 3", "Acrobot-v1", []float64{3}, "action 3 not in Discrete(3)"},
		{"acrobot -1", "Acrobot-v1", []float64{-1}, "action -1 not in Discrete(3)"},
		{"mountaincar 3", "MountainCar-v0", []float64{3}, "action 3 not in Discrete(3)"},
		{"pendulum NaN", "Pendulum-v1", []float64{nan}, "not finite"},
		{"pendulum Inf", "Pendulum-v1", []float64{inf}, "not finite"},
		{"pendulum two", "Pendulum-v1", []float64{0, 0}, "2 components, want 1"},
		{"mcc -Inf", "MountainCarContinuous-v0", []float64{-inf}, "not finite"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := mustMake(t, tc.id)
			obs := make([]float64, e.ObservationSpace().Dim)
			e.Reset(rand.New(rand.NewPCG(1, 1)), obs)
			before, n := e.State(nil)
			_, err := e.Step(tc.action, obs)
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), tc.id) {
				t.Fatalf("error %v, want one naming %s and containing %q", err, tc.id, tc.want)
			}
			after, m := e.State(nil)
			if !slices.Equal(before, after) || n != m {
				t.Errorf("state changed on error: %v/%d -> %v/%d", before, n, after, m)
			}
		})
	}
}

// TestClip checks that continuous actions out of range are clipped for the
// dynamics: the next state is that of the bound (up to the float32-versus-
// float64 arithmetic of the two paths), while MountainCarContinuous's
// reward still charges the unclipped action, as in Gymnasium.
func TestClip(t *testing.T) {
	tests := []struct {
		id          string
		out, bound  float64
		rewardDelta float64 // reward(bound) - reward(out)
	}{
		{"Pendulum-v1", 7, 2, 0},
		{"Pendulum-v1", -7, -2, 0},
		{"MountainCarContinuous-v0", 3, 1, 0.1 * (9 - 1)},
		{"MountainCarContinuous-v0", -3, -1, 0.1 * (9 - 1)},
	}
	const tol = 1e-6 // float32 arithmetic in one path, float64 in the other
	for _, tc := range tests {
		e1, e2 := mustMake(t, tc.id), mustMake(t, tc.id)
		o1 := make([]float64, e1.ObservationSpace().Dim)
		o2 := make([]float64, e1.ObservationSpace().Dim)
		e1.Reset(rand.New(rand.NewPCG(3, 4)), o1)
		e2.Reset(rand.New(rand.NewPCG(3, 4)), o2)
		for range 5 {
			r1, err1 := e1.Step([]float64{tc.out}, o1)
			r2, err2 := e2.Step([]float64{tc.bound}, o2)
			if err1 != nil || err2 != nil {
				t.Fatal(err1, err2)
			}
			for i := range o1 {
				if math.Abs(o1[i]-o2[i]) > tol {
					t.Fatalf("%s: action %v gives obs %v, action %v gives %v", tc.id, tc.out, o1, tc.bound, o2)
				}
			}
			if d := r2.Reward - r1.Reward; math.Abs(d-tc.rewardDelta) > tol {
				t.Fatalf("%s: reward difference %v, want %v", tc.id, d, tc.rewardDelta)
			}
		}
	}
}

// TestTruncation checks TimeLimit: truncated once elapsed reaches the
// limit (and after it), independent of termination.
func TestTruncation(t *testing.T) {
	tests := []struct {
		id    string
		state []float64
		limit int
	}{
		{"CartPole-v1", []float64{0, 0, 0, 0}, 500},
		{"Acrobot-v1", []float64{0, 0, 0, 0}, 500},
		{"MountainCar-v0", []float64{-0.5, 0}, 200},
		{"Pendulum-v1", []float64{1, 0}, 200},
		{"MountainCarContinuous-v0", []float64{-0.5, 0}, 999},
	}
	for _, tc := range tests {
		t.Run(tc.id, func(t *testing.T) {
			e := mustMake(t, tc.id)
			if e.MaxEpisodeSteps() != tc.limit {
				t.Fatalf("MaxEpisodeSteps = %d, want %d", e.MaxEpisodeSteps(), tc.limit)
			}
			obs := make([]float64, e.ObservationSpace().Dim)
			a := []float64{1}
			for _, c := range []struct {
				elapsed int
				want    bool
			}{{0, false}, {tc.limit - 2, false}, {tc.limit - 1, true}, {tc.limit, true}} {
				if err := e.SetState(tc.state, c.elapsed, obs); err != nil {
					t.Fatal(err)
				}
				r, err := e.Step(a, obs)
				if err != nil {
					t.Fatal(err)
				}
				if r.Truncated != c.want {
					t.Errorf("step from elapsed %d: truncated %v, want %v", c.elapsed, r.Truncated, c.want)
				}
				if _, n := e.State(nil); n != c.elapsed+1 {
					t.Errorf("elapsed after step = %d, want %d", n, c.elapsed+1)
				}
			}
		})
	}
	// Terminated and truncated together: CartPole about to fall at the limit.
	e := mustMake(t, "CartPole-v1")
	obs := make([]float64, 4)
	if err := e.SetState([]float64{2.399, 1, 0, 0}, 499, obs); err != nil {
		t.Fatal(err)
	}
	r, err := e.Step([]float64{1}, obs)
	if err != nil || !r.Terminated || !r.Truncated || r.Reward != 1 {
		t.Errorf("falling at the limit: %+v, %v; want terminated and truncated with reward 1", r, err)
	}
}

// TestCartPoleAfterTermination checks Gymnasium's steps_beyond_terminated:
// reward 1 on the terminal step, 0 on further terminal steps.
func TestCartPoleAfterTermination(t *testing.T) {
	e := mustMake(t, "CartPole-v1")
	obs := make([]float64, 4)
	if err := e.SetState([]float64{2.399, 1, 0, 0}, 0, obs); err != nil {
		t.Fatal(err)
	}
	want := []float64{1, 0, 0}
	for i, w := range want {
		r, err := e.Step([]float64{1}, obs)
		if err != nil || !r.Terminated || r.Reward != w {
			t.Fatalf("step %d: %+v, %v; want terminated with reward %v", i, r, err, w)
		}
	}
	// Restoring a terminal state means its terminal step was reported.
	s, n := e.State(nil)
	if err := e.SetState(s, n, obs); err != nil {
		t.Fatal(err)
	}
	if r, _ := e.Step([]float64{1}, obs); r.Reward != 0 {
		t.Errorf("after SetState of a terminal state: reward %v, want 0", r.Reward)
	}
}

// TestStateRoundTrip checks that an episode continued from State in a
// fresh environment is bit-identical to the original.
func TestStateRoundTrip(t *testing.T) {
	for _, id := range IDs() {
		t.Run(id, func(t *testing.T) {
			a, b := mustMake(t, id), mustMake(t, id)
			as := a.ActionSpace()
			oa := make([]float64, a.ObservationSpace().Dim)
			ob := make([]float64, a.ObservationSpace().Dim)
			rng := rand.New(rand.NewPCG(5, 6))
			a.Reset(rng, oa)
			act := make([]float64, max(as.Dim, 1))
			draw := func() {
				if as.Discrete {
					act[0] = float64(rng.IntN(as.N))
				} else {
					act[0] = as.Low[0] + (as.High[0]-as.Low[0])*rng.Float64()
				}
			}
			for _, split := range []int{0, 1, 7} {
				for range split {
					draw()
					if _, err := a.Step(act, oa); err != nil {
						t.Fatal(err)
					}
				}
				s, n := a.State(nil)
				if err := b.SetState(s, n, ob); err != nil {
					t.Fatal(err)
				}
				if !slices.Equal(oa, ob) {
					t.Fatalf("split %d: obs %v after SetState, want %v", split, ob, oa)
				}
				for range 50 {
					draw()
					ra, erra := a.Step(act, oa)
					rb, errb := b.Step(act, ob)
					if erra != nil || errb != nil {
						t.Fatal(erra, errb)
					}
					if ra != rb || !slices.Equal(oa, ob) {
						t.Fatalf("split %d: continued episode differs: %+v %v vs %+v %v", split, ra, oa, rb, ob)
					}
				}
				sa, na := a.State(nil)
				sb, nb := b.State(nil)
				if !slices.Equal(sa, sb) || na != nb {
					t.Fatalf("split %d: states differ: %v/%d vs %v/%d", split, sa, na, sb, nb)
				}
				a.Reset(rng, oa)
			}
		})
	}
}

func TestStepBeforeReset(t *testing.T) {
	for _, id := range IDs() {
		e := mustMake(t, id)
		obs := make([]float64, e.ObservationSpace().Dim)
		if _, err := e.Step([]float64{0}, obs); err == nil {
			t.Errorf("%s: Step before Reset: no error", id)
		}
	}
}

func TestSetStateErrors(t *testing.T) {
	for _, id := range IDs() {
		e := mustMake(t, id)
		obs := make([]float64, e.ObservationSpace().Dim)
		if err := e.SetState(make([]float64, e.StateDim()+1), 0, obs); err == nil {
			t.Errorf("%s: SetState with a long state: no error", id)
		}
		if err := e.SetState(make([]float64, e.StateDim()), -1, obs); err == nil {
			t.Errorf("%s: SetState with negative elapsed: no error", id)
		}
	}
}

// TestNoAllocs checks that Reset and Step allocate nothing.
func TestNoAllocs(t *testing.T) {
	for _, id := range IDs() {
		e := mustMake(t, id)
		obs := make([]float64, e.ObservationSpace().Dim)
		rng := rand.New(rand.NewPCG(1, 2))
		act := []float64{0}
		if got := testing.AllocsPerRun(100, func() { e.Reset(rng, obs) }); got != 0 {
			t.Errorf("%s: Reset allocates %v times", id, got)
		}
		e.Reset(rng, obs)
		got := testing.AllocsPerRun(100, func() {
			if r, err := e.Step(act, obs); err != nil || r.Terminated || r.Truncated {
				e.Reset(rng, obs)
			}
		})
		if got != 0 {
			t.Errorf("%s: Step allocates %v times", id, got)
		}
	}
}
