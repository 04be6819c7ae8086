package plan

import (
	"fmt"

	"github.com/dynago/dynago/lib/dynamics"
)

// Objectives of Config.Objective.
const (
	Worst   = "worst"    // minimum over members of the cumulative reward
	MeanStd = "mean-std" // mean over members minus Kappa times their std
)

// TermModes are the termination modes planning accepts (Config.Termination).
var TermModes = []dynamics.TermMode{dynamics.TermModel, dynamics.TermSoft, dynamics.TermEnv, dynamics.TermModelEnv, dynamics.TermNone}

// Config is the setup of the CEM planner. DefaultConfig gives values that
// solve CartPole-v1; the zero Config is invalid.
type Config struct {
	Samples   int     // K action sequences per iteration
	Horizon   int     // H steps per sequence
	Iters     int     // CEM iterations per real step
	Elites    int     // elites refitted to; 0 uses EliteFrac
	EliteFrac float64 // fraction of Samples kept as elites when Elites is 0

	// Alpha is the smoothing of the refit, as in PETS and mbrl-lib:
	// new = Alpha·old + (1-Alpha)·elite statistic. 0 replaces the
	// distribution by the elites'.
	Alpha float64

	Objective string  // Worst or MeanStd
	Kappa     float64 // std penalty of MeanStd; 0 scores by the mean
	Gamma     float64 // discount of predicted rewards, in (0, 1]

	// Termination says what ends an imagined rollout (one of TermModes).
	// TermModel needs a model whose termination head was trained
	// (dynamics.Config.TermWeight > 0); TermEnv needs Terminal. TermSoft
	// weights the reward of step t by the predicted probability of
	// surviving steps 0..t-1 (the product of 1-p), so a return is the
	// expected reward under the model's termination; it needs a trained
	// head like TermModel. (The modes are dynamics.TermMode's.)
	Termination dynamics.TermMode
	// TermThreshold is the termination probability above which dynamics.TermModel
	// and dynamics.TermModelEnv end a rollout, in (0, 1). Terminations are rare in
	// the data, so the head is cautious and a threshold below 0.5 acts
	// like class weighting of its loss: weighting the terminal class by w
	// moves a calibrated head's 0.5 crossing to p = 1/(1+w).
	TermThreshold float64
	// Terminal is the environment's termination rule applied to predicted
	// observations (dynamics.TerminalFor); used by dynamics.TermEnv and
	// dynamics.TermModelEnv. This is the one place the environment's own code
	// enters planning.
	Terminal dynamics.Terminal
	// TermPenalty λ >= 0 subtracts λ·p from the reward of every predicted
	// step, p being the member's predicted termination probability of that
	// step (the head's sigmoid, whatever Termination is). With a reward
	// that is the same on every step (CartPole) all sequences that survive
	// the horizon tie; the penalty breaks the tie toward the states the
	// learned termination model finds safer, since its probability rises
	// smoothly toward the failures it has seen. 0 (the default) is off.
	// It needs a trained termination head.
	TermPenalty float64

	// OffsetRate α in [0, 1) turns on offset-free planning, the
	// disturbance estimate of offset-free MPC: after every real step
	// (CEM.Observe) the error of the ensemble's mean predicted state
	// change, real minus predicted, enters an exponential moving average
	// d ← (1-α)·d + α·error, and every predicted step of planning adds d.
	// A model whose predictions are biased near the states the plan keeps
	// to (CartPole: a small bias in the pole's angular acceleration makes
	// the planner hold the pole at a slight lean, which the real cart can
	// only keep up by accelerating steadily toward a bound) is corrected
	// from the real steps themselves. 0 (the default) is off.
	OffsetRate float64

	// DensityPenalty β >= 0 subtracts from every predicted step's reward
	// β·(1 - exp(-½·Σ_j ((s_j - μ_j)/σ_j)²)): one minus the density,
	// relative to its peak, of the predicted observation s under a
	// diagonal Gaussian fitted to the model's training data (its
	// normalisation statistics, so NewCEM needs a normalised model). It
	// is pessimism about the states the data rarely show: the planner
	// prefers to stay where its model, and above all its termination
	// model, have seen the system. The cost is below β, so with β below
	// the reward of a step (CartPole: 1) surviving always beats ending;
	// an ended rollout also keeps paying for its last state. The cost is
	// bounded because a quadratic one (the Gaussian's negative
	// log-density) can make ending a rollout cheaper than surviving when
	// the data are narrow (docs/RESULTS.md). The preference
	// suits tasks whose goal is to stay in the data's typical states
	// (CartPole: the cart drifts at a steady speed toward a bound that the
	// termination model has seen in two or three episodes and cannot
	// place, while the data are dense around the balanced centre), not
	// tasks whose goal lies beyond the data (swing-ups). 0 (the default)
	// is off.
	DensityPenalty float64

	// Value, when not nil, is a critic whose estimate of each member's
	// final predicted state, discounted by Gamma^Horizon, is added to the
	// return of a rollout that has not terminated. It writes the values of
	// n observations (n×obsDim) into dst (n) and must not allocate if
	// Act is to stay allocation-free (agent.Policy.Value qualifies).
	Value func(obs []float64, n int, dst []float64)

	// ModeAction takes, instead of the first action of the best sequence
	// found (the default, PETS' and the seed's rule), the most probable
	// action (discrete) or the mean (continuous) of the first step's
	// distribution after the last refit, as mbrl-lib's
	// return_mean_elites. With a reward that is 1 on every step
	// (CartPole) many sequences tie for best and the consensus of the
	// elites can be the steadier choice.
	ModeAction bool

	// MinProb is the floor of every action's probability in a discrete
	// step distribution: after each refit p ← (1-N·MinProb)·p + MinProb.
	// Must satisfy 0 <= N·MinProb < 1. The warm start carries the refitted
	// distributions from one real step to the next, so a low floor lets
	// them collapse onto one plan within a few steps and the planner stops
	// exploring (CartPole with the true dynamics: docs/RESULTS.md).
	MinProb float64
	// InitStd is the initial standard deviation of a continuous step
	// distribution as a fraction of the action range (mbrl-lib's initial
	// variance (high-low)²/16 is 0.25); MinStd, in the same units, is its
	// lower bound after a refit.
	InitStd, MinStd float64
}

// DefaultConfig returns the configuration used for CartPole-v1: 300
// sequences of 15 steps, 4 iterations, 30 elites, smoothing 0.1, the
// worst-case objective, no discount, model termination at p > 0.5, the
// first action of the best sequence, floor 0.1.
func DefaultConfig() Config {
	return Config{
		Samples: 300, Horizon: 15, Iters: 4, Elites: 30,
		Alpha: 0.1, Objective: Worst, Kappa: 1, Gamma: 1,
		Termination: dynamics.TermModel, TermThreshold: 0.5, MinProb: 0.1,
		InitStd: 0.25, MinStd: 0.01,
	}
}

// eliteCount returns the number of elites.
func (c *Config) eliteCount() int {
	if c.Elites > 0 {
		return c.Elites
	}
	return max(1, int(c.EliteFrac*float64(c.Samples)))
}

// Limits on the sizes and weights a Config may ask for, so that a flag or
// a file cannot size an allocation or an objective beyond reason.
const (
	MaxSamples = 1 << 20 // Samples
	MaxHorizon = 1000    // Horizon
	MaxIters   = 100     // Iters
	MaxWeight  = 1e6     // Kappa, TermPenalty, DensityPenalty (errors print it as 1e6)
)

// validate reports the first field out of range, by its Go name.
func (c *Config) validate(numActions int) error {
	return c.Check(numActions, nil)
}

// Check reports the first field out of range: the one place that says
// what a valid Config is. numActions is the number of discrete actions,
// 0 for a continuous action space. name gives the name each field is
// known by in the error (a tool passes its flag names); nil names the
// fields as in Go, prefixed with "plan: ".
func (c *Config) Check(numActions int, name func(field string) string) error {
	if name == nil {
		name = func(f string) string { return "plan: " + f }
	}
	bad := func(field, format string, args ...any) error {
		return fmt.Errorf("%s %s", name(field), fmt.Sprintf(format, args...))
	}
	switch {
	case c.Samples < 2 || c.Samples > MaxSamples:
		return bad("Samples", "%d: must be in [2, %d]", c.Samples, MaxSamples)
	case c.Horizon < 1 || c.Horizon > MaxHorizon:
		return bad("Horizon", "%d: must be in [1, %d]", c.Horizon, MaxHorizon)
	case c.Iters < 1 || c.Iters > MaxIters:
		return bad("Iters", "%d: must be in [1, %d]", c.Iters, MaxIters)
	case c.Elites < 0 || c.Elites > c.Samples:
		return bad("Elites", "%d: must be in [0, %s=%d] (0: the elite fraction)", c.Elites, name("Samples"), c.Samples)
	case c.Elites == 0 && !(c.EliteFrac > 0 && c.EliteFrac <= 1):
		return bad("EliteFrac", "%g: must be in (0, 1] when %s is 0", c.EliteFrac, name("Elites"))
	case !(c.Alpha >= 0 && c.Alpha < 1):
		return bad("Alpha", "%g: must be in [0, 1)", c.Alpha)
	case c.Objective != Worst && c.Objective != MeanStd:
		return bad("Objective", "%q: must be %s or %s", c.Objective, Worst, MeanStd)
	case !(c.Kappa >= 0 && c.Kappa <= MaxWeight):
		return bad("Kappa", "%g: must be in [0, 1e6]", c.Kappa)
	case !(c.Gamma > 0 && c.Gamma <= 1):
		return bad("Gamma", "%g: must be in (0, 1]", c.Gamma)
	case !(c.TermPenalty >= 0 && c.TermPenalty <= MaxWeight):
		return bad("TermPenalty", "%g: must be in [0, 1e6]", c.TermPenalty)
	case !(c.DensityPenalty >= 0 && c.DensityPenalty <= MaxWeight):
		return bad("DensityPenalty", "%g: must be in [0, 1e6]", c.DensityPenalty)
	case !(c.OffsetRate >= 0 && c.OffsetRate < 1):
		return bad("OffsetRate", "%g: must be in [0, 1)", c.OffsetRate)
	}
	switch c.Termination {
	case dynamics.TermModel, dynamics.TermSoft, dynamics.TermNone:
	case dynamics.TermEnv, dynamics.TermModelEnv:
		if c.Terminal == nil {
			return bad("Termination", "%s: needs Terminal, the environment's termination rule", c.Termination)
		}
	default:
		return bad("Termination", "%q: must be %s", c.Termination, dynamics.JoinTermModes(TermModes))
	}
	if (c.Termination == dynamics.TermModel || c.Termination == dynamics.TermModelEnv) && !(c.TermThreshold > 0 && c.TermThreshold < 1) {
		return bad("TermThreshold", "%g: must be in (0, 1)", c.TermThreshold)
	}
	if numActions > 0 {
		if !(c.MinProb >= 0 && float64(numActions)*c.MinProb < 1) {
			return bad("MinProb", "%g: must be in [0, 1/%d)", c.MinProb, numActions)
		}
		return nil
	}
	switch {
	case !(c.InitStd > 0):
		return bad("InitStd", "%g: must be > 0", c.InitStd)
	case !(c.MinStd >= 0 && c.MinStd <= c.InitStd):
		return bad("MinStd", "%g: must be in [0, %s=%g]", c.MinStd, name("InitStd"), c.InitStd)
	}
	return nil
}
