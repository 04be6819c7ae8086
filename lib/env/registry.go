package env

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
)

// registry is every environment written in Go, in Gymnasium's
// registration order: one line per environment. Adding an environment is
// its file (the type, its constructor and the optional knowledge
// interfaces of knowledge.go) plus one line here; TestEveryStage then runs
// it through every stage of the pipeline.
var registry = []struct {
	id   string
	make func() Env
}{
	{"CartPole-v1", func() Env { return newCartPole() }},
	{"Acrobot-v1", func() Env { return newAcrobot() }},
	{"MountainCar-v0", func() Env { return newMountainCar() }},
	{"Pendulum-v1", func() Env { return newPendulum() }},
	{"MountainCarContinuous-v0", func() Env { return newMountainCarContinuous() }},
}

// IDs returns the Gymnasium ids of the Go environments, in Gymnasium's
// registration order. The slice is new on every call.
func IDs() []string {
	ids := make([]string, len(registry))
	for i, r := range registry {
		ids[i] = r.id
	}
	return ids
}

// Builtin returns a new Go environment for id, or false if id is not one
// (a bridged "gym:" id or an unknown one). It never starts a process, so
// code that only wants an environment's knowledge (termination rule,
// return bounds, observation names) by id uses it.
func Builtin(id string) (Env, bool) {
	for _, r := range registry {
		if r.id == id {
			return r.make(), true
		}
	}
	return nil, false
}

// Make returns a new environment for an id, as gym.make(id) would build
// it: the unwrapped environment inside its TimeLimit. A Go environment's
// id is its Gymnasium id (IDs); "gym:ID" (or "gym:ID{kwargs}", see GymID)
// is Gymnasium's own environment in a Python process (MakeGym), which
// Close ends. The environment has no state until Reset or SetState is
// called.
func Make(id string) (Env, error) {
	if strings.HasPrefix(id, GymPrefix) {
		return MakeGym(id)
	}
	if e, ok := Builtin(id); ok {
		return e, nil
	}
	return nil, fmt.Errorf("env: unknown environment %q (known: %s, or %sID for a Gymnasium environment)", id, strings.Join(IDs(), ", "), GymPrefix)
}

// timeLimit is Gymnasium's TimeLimit wrapper: it counts the steps since
// reset and reports truncation once the count reaches max. It keeps
// counting (and truncating) if stepped further.
type timeLimit struct {
	max, elapsed int
}

// tick counts one step and reports whether the episode is truncated.
func (t *timeLimit) tick() bool {
	t.elapsed++
	return t.elapsed >= t.max
}

// discreteSpace is Gymnasium's Discrete(n) with start 0.
func discreteSpace(n int) Space {
	return Space{Discrete: true, N: n}
}

// boxSpace copies low and high (already float32 values) into a new Space.
func boxSpace(low, high []float64) Space {
	return Space{
		Dim:  len(low),
		Low:  append([]float64(nil), low...),
		High: append([]float64(nil), high...),
	}
}

// discreteAction returns action[0] as an action of Discrete(n), or an error
// naming the action and the space when it is not one (Gymnasium asserts
// action_space.contains(action)). It is small enough to inline; errors are
// built in badDiscreteAction.
func discreteAction(id string, n int, action []float64) (int, error) {
	if len(action) == 1 {
		if a := action[0]; a >= 0 && a < float64(n) && a == float64(int(a)) {
			return int(a), nil
		}
	}
	return 0, badDiscreteAction(id, n, action)
}

func badDiscreteAction(id string, n int, action []float64) error {
	if len(action) != 1 {
		return fmt.Errorf("env: %s: action has %d components, want 1 for Discrete(%d)", id, len(action), n)
	}
	return fmt.Errorf("env: %s: action %g not in Discrete(%d)", id, action[0], n)
}

// boxAction checks that a continuous action has dim finite components and
// returns its first one rounded to float32, the dtype of the action space
// (Gymnasium receives float32 arrays; out-of-range values are clipped by the
// environment, not rejected).
func boxAction(id string, dim int, action []float64) (float32, error) {
	if len(action) != dim {
		return 0, fmt.Errorf("env: %s: action has %d components, want %d", id, len(action), dim)
	}
	for _, a := range action {
		if math.IsNaN(a) || math.IsInf(a, 0) {
			return 0, fmt.Errorf("env: %s: action %v is not finite", id, action)
		}
	}
	return float32(action[0]), nil
}

// checkObs panics when the caller's observation slice has the wrong length:
// that is a bug in the caller, not a condition of the data.
func checkObs(obs []float64, dim int) {
	if len(obs) != dim {
		badObs(len(obs), dim)
	}
}

func badObs(n, dim int) {
	panic(fmt.Sprintf("env: observation slice has length %d, want %d", n, dim))
}

// errNoState is returned by Step before Reset or SetState.
func errNoState(id string) error {
	return fmt.Errorf("env: %s: Step called before Reset or SetState", id)
}

// setStateArgs checks the arguments of SetState.
func setStateArgs(id string, state []float64, dim, elapsed int) error {
	if len(state) != dim {
		return fmt.Errorf("env: %s: state has %d components, want %d", id, len(state), dim)
	}
	if elapsed < 0 {
		return fmt.Errorf("env: %s: elapsed steps %d is negative", id, elapsed)
	}
	return nil
}

// copyState writes state into dst, growing it if needed, and returns it.
func copyState(dst []float64, state ...float64) []float64 {
	if cap(dst) < len(state) {
		dst = make([]float64, len(state))
	}
	dst = dst[:len(state)]
	copy(dst, state)
	return dst
}

// uniform is NumPy's Generator.uniform(low, high): low + (high-low)*U with
// U uniform on [0, 1).
func uniform(rng *rand.Rand, low, high float64) float64 {
	return low + float64((high-low)*rng.Float64())
}

// f32 rounds x to the nearest float32 value, as a NumPy cast to float32
// does, and widens it back.
func f32(x float64) float64 { return float64(float32(x)) }
