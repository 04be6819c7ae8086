package env

import "math/rand/v2"

// Space describes an observation or action space.
//
// A discrete space (Discrete true) has N actions numbered Start..Start+N-1
// (Gymnasium's Discrete(n, start)); Low and High are nil. A box space has
// Dim = len(Low) = len(High) components, with ±Inf for unbounded ones.
type Space struct {
	Discrete  bool
	N, Start  int
	Dim       int
	Low, High []float64
}

// Result is what one step returns besides the observation.
type Result struct {
	Reward     float64
	Terminated bool // the MDP reached a terminal state: no bootstrapping
	Truncated  bool // the TimeLimit cut the episode: bootstrap from V(next obs)
}

// Env is one Gymnasium environment wrapped in its TimeLimit.
//
// Actions are []float64 for both kinds of space: a discrete action is
// action[0] holding an integer value; a continuous one has ActionSpace().Dim
// components. Observations are written into a caller-owned slice of
// ObservationSpace().Dim float64 values, each exactly the float32 value
// Gymnasium returns, widened to float64. Reset and Step allocate nothing.
type Env interface {
	ID() string
	ObservationSpace() Space
	ActionSpace() Space
	MaxEpisodeSteps() int

	// Reset draws an initial state from rng with Gymnasium's reset
	// distribution, zeroes the elapsed-step counter and writes the
	// observation into obs.
	Reset(rng *rand.Rand, obs []float64)
	// Step advances one step. An action outside the action space is an
	// error for the environments where Gymnasium rejects it (and is clipped
	// where Gymnasium clips it); on error the state is unchanged.
	Step(action []float64, obs []float64) (Result, error)

	// State writes the internal float64 state (env.unwrapped.state) into
	// dst and returns it, with the number of steps elapsed in the episode.
	State(dst []float64) ([]float64, int)
	// SetState restores an internal state and elapsed-step count, so an
	// episode continues across processes exactly as in one, and writes
	// the corresponding observation into obs.
	SetState(state []float64, elapsed int, obs []float64) error
	// StateDim is the length of the internal state.
	StateDim() int
}
