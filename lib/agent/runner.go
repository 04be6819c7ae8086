package agent

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/dynago/dynago/lib/detmath"
	"github.com/dynago/dynago/lib/env"
	"github.com/dynago/dynago/lib/format"
)

// Streams of the PCG generator (its second seed word) for the two uses of
// a seed, so a training and an evaluation environment seeded with the same
// S draw independent numbers.
const (
	StreamCollect = 1
	StreamEval    = 2
)

// Actor chooses a runner's actions: a policy (PolicyActor), uniform random
// actions (Random) or a planner (lib/plan's Actor).
type Actor interface {
	// Act writes the action for observation obs into action (len ActDim;
	// a discrete action is its integer value) and returns its
	// log-probability and value estimate, NaN where the actor has none.
	// Its randomness comes from rng, the runner's generator.
	Act(obs []float64, rng *rand.Rand, action []float64) (logp, value float64, err error)
	// Observe is told every real step: obs, the action taken (before
	// clipping to the action space), the next observation and whether the
	// episode ended there (the runner resets the environment next).
	Observe(obs, action, next []float64, ended bool)
}

// PolicyActor acts with a policy: sampling, or its most probable action
// (the mean of a Gaussian) when Greedy.
type PolicyActor struct {
	Policy *Policy
	Greedy bool
}

// Act implements Actor.
func (a PolicyActor) Act(obs []float64, rng *rand.Rand, action []float64) (logp, value float64, err error) {
	logp, value = a.Policy.Act(obs, rng, a.Greedy, action)
	return logp, value, nil
}

// Observe implements Actor; a policy keeps no state between steps.
func (PolicyActor) Observe(_, _, _ []float64, _ bool) {}

// Random acts uniformly at random in Space, as Gymnasium's Space.sample;
// log-probability and value are unknown (NaN).
type Random struct{ Space env.Space }

// Act implements Actor.
func (a Random) Act(_ []float64, rng *rand.Rand, action []float64) (logp, value float64, err error) {
	randomAction(action, a.Space, rng)
	return math.NaN(), math.NaN(), nil
}

// Observe implements Actor.
func (Random) Observe(_, _, _ []float64, _ bool) {}

// Runner steps one environment, acting with an Actor, and records the
// transitions. One PCG generator draws both the environment's resets and
// the actions, so a runner's whole future is fixed by its State (and the
// actor's own state, which a policy and random actions do not have).
//
// Episodes follow one another without a gap: when an episode ends the
// runner resets at once, so a State always holds a live observation.
type Runner struct {
	Env   env.Env
	Actor Actor

	pcg *rand.PCG
	rng *rand.Rand

	obs, next, action, envAction []float64
	episode, step                int64 // current episode id and step within it
	ret                          float64
	realSteps                    int64
}

// Episode is the outcome of one finished episode.
type Episode struct {
	ID     int64
	Return float64
	Length int64
}

// NewRunner returns a runner on e acting with a (nil, or a PolicyActor
// without a policy: Random), seeded with
// (seed, stream), after the first reset. It panics if a is a PolicyActor
// whose policy does not match e (check with Policy.Matches).
func NewRunner(e env.Env, a Actor, seed, stream uint64) *Runner {
	r := newRunner(e, a)
	r.pcg = rand.NewPCG(seed, stream)
	r.rng = rand.New(r.pcg)
	env.FirstReset(e, r.rng, seed, stream, r.obs)
	return r
}

func newRunner(e env.Env, a Actor) *Runner {
	os, as := e.ObservationSpace(), e.ActionSpace()
	if pa, ok := a.(PolicyActor); ok && pa.Policy == nil {
		a = nil
	} else if ok {
		if err := pa.Policy.Matches(os, as); err != nil {
			panic("agent: NewRunner: " + err.Error())
		}
	}
	if a == nil {
		a = Random{Space: as}
	}
	ad := as.Dim
	if as.Discrete {
		ad = 1
	}
	return &Runner{Env: e, Actor: a,
		obs: make([]float64, os.Dim), next: make([]float64, os.Dim),
		action: make([]float64, ad), envAction: make([]float64, ad)}
}

// RealSteps is the number of environment steps taken over the runner's
// life, across saved states.
func (r *Runner) RealSteps() int64 { return r.realSteps }

// NewTransitions returns an empty batch shaped for the runner's
// environment.
func (r *Runner) NewTransitions(capacity int) *format.Transitions {
	return format.NewTransitions(len(r.obs), len(r.action), r.Env.ActionSpace().Discrete, capacity)
}

// Run steps until steps steps have been taken (steps > 0) or episodes
// episodes have finished (episodes > 0), whichever comes first, appending
// every transition to t (t may be nil) and returning the finished
// episodes. At least one of the limits must be positive.
func (r *Runner) Run(t *format.Transitions, steps, episodes int) ([]Episode, error) {
	if steps <= 0 && episodes <= 0 {
		panic("agent: Run: no step or episode limit")
	}
	space := r.Env.ActionSpace()
	var done []Episode
	for n := 0; (steps <= 0 || n < steps) && (episodes <= 0 || len(done) < episodes); n++ {
		logp, value, err := r.Actor.Act(r.obs, r.rng, r.action)
		if err != nil {
			return done, fmt.Errorf("act at step %d of episode %d: %w", r.step, r.episode, err)
		}
		clipAction(r.envAction, r.action, space)
		res, err := r.Env.Step(r.envAction, r.next)
		if err != nil {
			return done, fmt.Errorf("step %d of episode %d: %w", r.step, r.episode, err)
		}
		if t != nil {
			row := format.Row{Episode: r.episode, Step: r.step, Obs: r.obs, Reward: res.Reward,
				NextObs: r.next, Terminated: res.Terminated, Truncated: res.Truncated,
				LogProb: logp, Value: value, VarDelta: math.NaN(), VarReward: math.NaN()}
			if space.Discrete {
				row.Action = int64(r.action[0])
			} else {
				row.ActionVec = r.action
			}
			t.AppendRow(row)
		}
		ended := res.Terminated || res.Truncated
		r.Actor.Observe(r.obs, r.action, r.next, ended)
		r.realSteps++
		r.step++
		r.ret += res.Reward
		copy(r.obs, r.next)
		if ended {
			done = append(done, Episode{ID: r.episode, Return: r.ret, Length: r.step})
			r.episode++
			r.step, r.ret = 0, 0
			r.Env.Reset(r.rng, r.obs)
		}
	}
	if err := env.Err(r.Env); err != nil { // a bridged environment's failed reset
		return done, err
	}
	return done, nil
}

// randomAction draws a uniform action as Gymnasium's Space.sample does for
// Discrete and bounded Box spaces (a standard normal for unbounded
// components).
func randomAction(dst []float64, s env.Space, rng *rand.Rand) {
	if s.Discrete {
		dst[0] = float64(s.Start + rng.IntN(s.N))
		return
	}
	for i := range dst {
		lo, hi := s.Low[i], s.High[i]
		if math.IsInf(lo, 0) || math.IsInf(hi, 0) {
			dst[i] = detmath.NormFloat64(rng)
		} else {
			dst[i] = lo + float64((hi-lo)*rng.Float64())
		}
	}
}

// clipAction copies a into dst, clipped to a box space's bounds.
func clipAction(dst, a []float64, s env.Space) {
	copy(dst, a)
	if s.Discrete {
		return
	}
	for i := range dst {
		dst[i] = min(max(dst[i], s.Low[i]), s.High[i])
	}
}

// State is a runner's saved state, written by collect --state as JSON:
//
//	{"env": "CartPole-v1", "env_state": [...], "elapsed": 17,
//	 "obs": [...], "episode": 3, "step": 17, "return": 17,
//	 "real_steps": 117, "rng": "<base64 of PCG.MarshalBinary>"}
//
// env_state and elapsed are Env.State; obs is the current observation;
// episode and step are the id and step of the next transition; return is
// the reward so far in the current episode; real_steps counts every step
// taken. Floats are written in Go's shortest round-trip form, so a state
// restores exactly.
type State struct {
	Env       string    `json:"env"`
	EnvState  []float64 `json:"env_state"`
	Elapsed   int       `json:"elapsed"`
	Obs       []float64 `json:"obs"`
	Episode   int64     `json:"episode"`
	Step      int64     `json:"step"`
	Return    float64   `json:"return"`
	RealSteps int64     `json:"real_steps"`
	RNG       []byte    `json:"rng"`
}

// State returns the runner's state.
func (r *Runner) State() State {
	es, el := r.Env.State(nil)
	rng, err := r.pcg.MarshalBinary()
	if err != nil {
		panic("agent: PCG.MarshalBinary: " + err.Error()) // never fails
	}
	return State{Env: r.Env.ID(), EnvState: es, Elapsed: el, Obs: append([]float64(nil), r.obs...),
		Episode: r.episode, Step: r.step, Return: r.ret, RealSteps: r.realSteps, RNG: rng}
}

// MarshalState encodes a state as JSON.
func MarshalState(s State) ([]byte, error) { return json.MarshalIndent(s, "", "\t") }

// RestoreRunner returns a runner acting with a (nil: Random, as NewRunner) continuing
// from a state saved by State (JSON as MarshalState writes it). The state
// must be for e.
func RestoreRunner(e env.Env, a Actor, data []byte) (*Runner, error) {
	var s State
	if err := json.Unmarshal(data, &s); err != nil {
		return nil, fmt.Errorf("decode state: %w", err)
	}
	if s.Env != e.ID() {
		return nil, fmt.Errorf("state is for %q, not %q", s.Env, e.ID())
	}
	r := newRunner(e, a)
	if len(s.Obs) != len(r.obs) {
		return nil, fmt.Errorf("state has %d observation values, want %d", len(s.Obs), len(r.obs))
	}
	if s.Episode < 0 || s.Step < 0 || s.RealSteps < 0 {
		return nil, fmt.Errorf("state has negative counters (episode %d, step %d, real_steps %d)", s.Episode, s.Step, s.RealSteps)
	}
	if err := e.SetState(s.EnvState, s.Elapsed, r.obs); err != nil {
		return nil, fmt.Errorf("restore environment: %w", err)
	}
	copy(r.obs, s.Obs)
	r.pcg = &rand.PCG{}
	if err := r.pcg.UnmarshalBinary(s.RNG); err != nil {
		return nil, fmt.Errorf("restore rng: %w", err)
	}
	r.rng = rand.New(r.pcg)
	r.episode, r.step, r.ret, r.realSteps = s.Episode, s.Step, s.Return, s.RealSteps
	return r, nil
}
