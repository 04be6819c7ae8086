package env

import (
	"math"
	"math/rand/v2"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dynago/dynago/lib/env/gymtest"
)

func mustGym(t testing.TB, id string) Env {
	t.Helper()
	e, err := Make(id)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { Close(e) })
	return e
}

// bridgeStep is one transition through the bridge.
type bridgeStep struct {
	obs []float64
	r   Result
}

// walk resets e with seed and takes n steps with actions from rng,
// resetting (seed+1, ...) after each episode end.
func walk(t testing.TB, e Env, seed uint64, n int, rng *rand.Rand) []bridgeStep {
	t.Helper()
	obs := make([]float64, e.ObservationSpace().Dim)
	e.(Seeded).ResetSeed(seed, obs)
	as := e.ActionSpace()
	act := make([]float64, max(as.Dim, 1))
	var out []bridgeStep
	for range n {
		if as.Discrete {
			act[0] = float64(as.Start + rng.IntN(as.N))
		} else {
			for i := range act {
				act[i] = as.Low[i] + (as.High[i]-as.Low[i])*rng.Float64()
			}
		}
		r, err := e.Step(act, obs)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, bridgeStep{append([]float64(nil), obs...), r})
		if r.Terminated || r.Truncated {
			e.Reset(nil, obs)
		}
	}
	return out
}

func TestGymBridge(t *testing.T) {
	gymtest.Stub(t)
	e := mustGym(t, "gym:ToyWalk-v0")
	if e.ID() != "gym:ToyWalk-v0" || e.MaxEpisodeSteps() != 50 {
		t.Errorf("id %q, max steps %d", e.ID(), e.MaxEpisodeSteps())
	}
	os, as := e.ObservationSpace(), e.ActionSpace()
	if os.Dim != 4 || os.Low[0] != -2 || os.High[3] != 2 || !as.Discrete || as.N != 3 || as.Start != 0 {
		t.Fatalf("spaces %+v %+v", os, as)
	}
	a := walk(t, e, 7, 400, rand.New(rand.NewPCG(1, 1)))
	b := walk(t, mustGym(t, "gym:ToyWalk-v0"), 7, 400, rand.New(rand.NewPCG(1, 1)))
	c := walk(t, e, 8, 400, rand.New(rand.NewPCG(1, 1)))
	episodes, length, truncations := 0, 0, 0
	for i := range a {
		for j, v := range a[i].obs {
			if v != b[i].obs[j] {
				t.Fatalf("step %d: two processes with seed 7 differ: %v, %v", i, a[i].obs, b[i].obs)
			}
			if v != float64(float32(v)) {
				t.Fatalf("step %d: obs %v not float32", i, a[i].obs)
			}
		}
		length++
		if a[i].r.Reward != 1 {
			t.Fatalf("step %d: reward %g", i, a[i].r.Reward)
		}
		if a[i].r.Terminated != (math.Abs(a[i].obs[0]) > 1) {
			t.Fatalf("step %d: terminated %v at x = %g", i, a[i].r.Terminated, a[i].obs[0])
		}
		if a[i].r.Truncated != (length == 50) {
			t.Fatalf("step %d: truncated %v after %d steps", i, a[i].r.Truncated, length)
		}
		if a[i].r.Terminated || a[i].r.Truncated {
			episodes++
			if a[i].r.Truncated {
				truncations++
			}
			length = 0
		}
	}
	if episodes < 3 || truncations == 0 || truncations == episodes {
		t.Errorf("%d episodes, %d truncated: the walk does not exercise both ends", episodes, truncations)
	}
	if a[0].obs[0] == c[0].obs[0] {
		t.Error("seeds 7 and 8 start alike")
	}
}

func TestGymKwargsAndBox(t *testing.T) {
	gymtest.Stub(t)
	e := mustGym(t, "gym:ToyReach-v0")
	f := mustGym(t, `gym:ToyReach-v0{"goal": -0.5}`)
	if f.ID() != `gym:ToyReach-v0{"goal":-0.5}` {
		t.Errorf("id %q", f.ID())
	}
	as := e.ActionSpace()
	if as.Discrete || as.Dim != 2 || as.Low[1] != -1 || as.High[1] != 1 || !math.IsInf(e.ObservationSpace().High[0], 1) {
		t.Fatalf("spaces %+v %+v", e.ObservationSpace(), as)
	}
	a := walk(t, e, 3, 45, rand.New(rand.NewPCG(2, 1)))
	b := walk(t, f, 3, 45, rand.New(rand.NewPCG(2, 1)))
	if a[0].obs[0] != b[0].obs[0] || a[0].r.Reward == b[0].r.Reward {
		t.Errorf("goal kwarg: same positions %v, %v must give different rewards %g, %g", a[0].obs, b[0].obs, a[0].r.Reward, b[0].r.Reward)
	}
	if !a[39].r.Truncated || a[38].r.Truncated || a[39].r.Terminated {
		t.Errorf("ToyReach: step 40 %+v, step 39 %+v", a[39].r, a[38].r)
	}
}

func TestGymID(t *testing.T) {
	for _, tc := range []struct{ id, kw, want string }{
		{"CartPole-v1", "", "gym:CartPole-v1"},
		{"gym:CartPole-v1", "{}", "gym:CartPole-v1"},
		{"HalfCheetah-v5", `{"reset_noise_scale": 0.1, "ctrl_cost_weight":0.5}`, `gym:HalfCheetah-v5{"ctrl_cost_weight":0.5,"reset_noise_scale":0.1}`},
		{"ALE/Pong-v5", `{"big": 12345678901234567890}`, `gym:ALE/Pong-v5{"big":12345678901234567890}`},
		{"X-v0", "[1]", ""},
		{"X-v0", "{", ""},
		{"X-v0", "{} {}", ""},
		{"", "", ""},
		{"a b", "", ""},
	} {
		got, err := GymID(tc.id, tc.kw)
		if got != tc.want || (err != nil) != (tc.want == "") {
			t.Errorf("GymID(%q, %q) = %q, %v; want %q", tc.id, tc.kw, got, err, tc.want)
		}
	}
}

// TestGymResume checks that State and SetState in a new process continue
// the episode exactly.
func TestGymResume(t *testing.T) {
	gymtest.Stub(t)
	for _, id := range []string{"gym:ToyWalk-v0", `gym:ToyReach-v0{"goal":0.1}`} {
		e := mustGym(t, id)
		rng := rand.New(rand.NewPCG(5, 1))
		walk(t, e, 11, 9, rng)
		state, elapsed := e.State(nil)
		f := mustGym(t, id)
		obs := make([]float64, e.ObservationSpace().Dim)
		if err := f.SetState(state, elapsed, obs); err != nil {
			t.Fatal(err)
		}
		// Continue both from the same actions.
		r1, r2 := rand.New(rand.NewPCG(9, 9)), rand.New(rand.NewPCG(9, 9))
		cont := func(g Env, r *rand.Rand) []bridgeStep {
			o := append([]float64(nil), obs...)
			as := g.ActionSpace()
			act := make([]float64, max(as.Dim, 1))
			var out []bridgeStep
			for range 60 {
				if as.Discrete {
					act[0] = float64(r.IntN(as.N))
				} else {
					act[0], act[1] = r.Float64()*2-1, r.Float64()*2-1
				}
				res, err := g.Step(act, o)
				if err != nil {
					t.Fatal(err)
				}
				out = append(out, bridgeStep{append([]float64(nil), o...), res})
				if res.Terminated || res.Truncated {
					g.Reset(nil, o)
				}
			}
			return out
		}
		a, b := cont(e, r1), cont(f, r2)
		for i := range a {
			if a[i].r != b[i].r || !slices.Equal(a[i].obs, b[i].obs) {
				t.Fatalf("%s step %d after resume: %+v vs %+v", id, i, a[i], b[i])
			}
		}
		if err := f.SetState(state[:len(state)-1], elapsed, obs); err == nil {
			t.Errorf("%s: SetState of a short state: no error", id)
		}
	}
}

// TestGymErrors checks that every failure is one line naming the
// environment, and that a process dying mid-run is an error, not a hang.
func TestGymErrors(t *testing.T) {
	py := gymtest.Stub(t)
	oneLine := func(t *testing.T, err error, want ...string) {
		t.Helper()
		if err == nil {
			t.Fatalf("no error, want %q", want)
		}
		if strings.Contains(err.Error(), "\n") {
			t.Errorf("error is not one line: %q", err)
		}
		for _, w := range want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("error %q does not say %q", err, w)
			}
		}
	}
	_, err := Make("gym:Nope-v0")
	oneLine(t, err, "gym:Nope-v0", "doesn't exist")
	_, err = Make("gym:ToyDiscreteObs-v0")
	oneLine(t, err, "observation space", "not a Box")
	_, err = Make(`gym:ToyReach-v0{"nope":1}`)
	oneLine(t, err, "TypeError", "nope")
	_, err = Make(`gym:ToyReach-v0{"goal"`)
	oneLine(t, err, "JSON object")

	e := mustGym(t, "gym:ToyCrash-v0")
	obs := make([]float64, 3)
	e.(Seeded).ResetSeed(0, obs)
	done := make(chan error, 1)
	go func() {
		for i := 0; ; i++ {
			if _, err := e.Step([]float64{0, 0}, obs); err != nil {
				done <- err
				return
			}
			if i > 10 {
				done <- nil
				return
			}
		}
	}()
	select {
	case err := <-done:
		oneLine(t, err, "gym:ToyCrash-v0", "exit status 3")
		if _, err2 := e.Step([]float64{0, 0}, obs); err2 == nil {
			t.Error("step after the process died: no error")
		}
	case <-time.After(20 * time.Second):
		t.Fatal("the bridge hangs after Python died")
	}

	t.Run("no gymnasium", func(t *testing.T) {
		if gymtest.HasModule(py, "gymnasium", "") {
			t.Skip(py + " has gymnasium")
		}
		t.Setenv("PYTHONPATH", "")
		_, err := Make("gym:CartPole-v1")
		oneLine(t, err, "gymnasium", "DYNAGO_PYTHON")
	})
	t.Run("no numpy", func(t *testing.T) {
		var bare string
		for _, p := range []string{"python3", "/usr/bin/python3", "python3.11", "python3.12"} {
			if path, err := exec.LookPath(p); err == nil && !gymtest.HasModule(path, "numpy", "") {
				bare = path
				break
			}
		}
		if bare == "" {
			t.Skip("every Python here has numpy")
		}
		t.Setenv("DYNAGO_PYTHON", bare)
		_, err := Make("gym:ToyWalk-v0")
		oneLine(t, err, "numpy")
	})
	t.Run("no python", func(t *testing.T) {
		t.Setenv("DYNAGO_PYTHON", "/nonexistent/python")
		_, err := Make("gym:ToyWalk-v0")
		oneLine(t, err, "DYNAGO_PYTHON", "/nonexistent/python")
	})
}

// TestGymCartPole compares Gymnasium's CartPole-v1, through the bridge,
// with the Go CartPole-v1 transition by transition: the Go environment
// starts from Gymnasium's reset(seed=s) state and both take the same
// actions. It runs only where the Python has a real Gymnasium.
func TestGymCartPole(t *testing.T) {
	py := gymtest.Python(t)
	if !gymtest.HasModule(py, "gymnasium", "") {
		t.Skip(py + " has no gymnasium: this comparison runs where Gymnasium is installed")
	}
	t.Setenv("DYNAGO_PYTHON", py)
	t.Setenv("PYTHONPATH", "")
	bridged := mustGym(t, "gym:CartPole-v1")
	goEnv := mustMake(t, "CartPole-v1")
	rng := rand.New(rand.NewPCG(3, 1))
	gobs, bobs := make([]float64, 4), make([]float64, 4)
	for seed := uint64(0); seed < 20; seed++ {
		out, err := exec.Command(py, "-c", `import sys, gymnasium as g
e = g.make("CartPole-v1"); e.reset(seed=int(sys.argv[1]))
print(" ".join(repr(float(x)) for x in e.unwrapped.state))`, strconv.FormatUint(seed, 10)).Output()
		if err != nil {
			t.Fatal(err)
		}
		state := parseFloats(t, string(out))
		if err := goEnv.SetState(state, 0, gobs); err != nil {
			t.Fatal(err)
		}
		bridged.(Seeded).ResetSeed(seed, bobs)
		for step := 0; ; step++ {
			for j := range gobs {
				if math.Abs(gobs[j]-bobs[j]) > 1e-12 {
					t.Fatalf("seed %d step %d: Go %v, Gymnasium %v", seed, step, gobs, bobs)
				}
			}
			act := []float64{float64(rng.IntN(2))}
			gr, err1 := goEnv.Step(act, gobs)
			br, err2 := bridged.Step(act, bobs)
			if err1 != nil || err2 != nil {
				t.Fatal(err1, err2)
			}
			if gr != br {
				t.Fatalf("seed %d step %d: Go %+v, Gymnasium %+v", seed, step, gr, br)
			}
			if gr.Terminated || gr.Truncated {
				break
			}
		}
	}
}

func parseFloats(t *testing.T, s string) []float64 {
	t.Helper()
	var v []float64
	for _, f := range strings.Fields(s) {
		x, err := strconv.ParseFloat(f, 64)
		if err != nil {
			t.Fatalf("parse %q: %v", f, err)
		}
		v = append(v, x)
	}
	return v
}

// BenchmarkGymBridge measures steps per second over the bridge with the
// stand-in ToyWalk-v0 (a CartPole-sized observation of 4 values): the
// cost of the protocol, the pipes and Python's loop around a trivial
// step.
func BenchmarkGymBridge(b *testing.B) {
	gymtest.Stub(b)
	e := mustGym(b, "gym:ToyWalk-v0")
	obs := make([]float64, 4)
	e.(Seeded).ResetSeed(0, obs)
	act := []float64{1}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		act[0] = float64(i % 3)
		r, err := e.Step(act, obs)
		if err != nil {
			b.Fatal(err)
		}
		if r.Terminated || r.Truncated {
			e.Reset(nil, obs)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "steps/s")
}
