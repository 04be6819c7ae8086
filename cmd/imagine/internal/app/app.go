package app

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"

	"github.com/urfave/cli/v2"

	"github.com/dynago/dynago/lib/agent"
	"github.com/dynago/dynago/lib/dynamics"
	"github.com/dynago/dynago/lib/env"
	"github.com/dynago/dynago/lib/format"
	"github.com/dynago/dynago/lib/format/metric"
	"github.com/dynago/dynago/lib/imagine"
	"github.com/dynago/dynago/lib/tool"
)

// synopsis is the --help line of how to call it.
const synopsis = "imagine --model MODEL.arrow --policy POLICY.arrow --data BUF.arrow --out IMAG.arrow --seed S [--batches B] [--horizon H] [--metrics M.arrow --real-steps R]"

// Usage is the command's description; its examples are run by a test.
const Usage = `Runs --batches imagined rollouts of up to --horizon steps through the
--model, from start states drawn uniformly from the real transitions in
--data, with actions sampled from --policy (log-probability and value
recorded). Rewards are the model's. Rollout b is episode -(b+1) (negative,
so never a real episode id), steps numbered from 0, imagined=true.

--propagation: random (a random member each step, PETS' TS1), member
(one member per rollout, TS-inf) or mean (the members' mean). With random
and member a probabilistic model's next state and reward are sampled from
the member's Gaussian (PETS' trajectory sampling); mean, and a
deterministic model, use the mean. Every step records the
ensemble's variance across members of the predicted state change (on
normalised targets, averaged over dimensions) in var_delta and of the
reward (normalised) in var_reward; both are 0 for one member.

--termination: model (the termination head, p > 0.5), env (the
environment's own rule applied to the predicted next observation) or
course (probability 0.05 each step). The horizon's last step is a
truncation (PPO bootstraps from V) unless --horizon-terminal, which marks
it terminated as the course does.

--gate-variance TAU keeps a step only if its var_delta is below TAU and
ends the rollout at the first step that is not (the step before it is
marked truncated). --noise-sigma S adds Gaussian noise of standard
deviation S, in raw units, to each predicted state-change component and to
the reward. --reward-penalty LAMBDA is MOPO's uncertainty penalty: each
imagined reward becomes r̂ − λ·√var_delta, the members' disagreement
standing for MOPO's predicted standard deviation (0 with one member).
Continuous actions are clipped to the action space before they
reach the model (the environment clips them too); the file records the
sampled action. The policy samples from PCG(seed, 1); start states, members,
trajectory samples, noise and coin flips come from PCG(seed, 2).

Metrics: imagined_steps, imagined_simulated_steps (model steps, gated
ones included), imagined_kept_fraction (kept / simulated steps),
imagined_var_delta (mean over kept steps), imagined_rollouts and, with
--reward-penalty, imagined_penalty (mean λ·√var_delta over kept steps).

Examples:

   collect --env CartPole-v1 --steps 500 --seed 0 --out t.arrow
   fitmodel --data t.arrow --preset course --seed 0 --out model.arrow --buffer-out buf.arrow
   ppo --init --env CartPole-v1 --seed 0 --out p.arrow
   imagine --model model.arrow --policy p.arrow --data buf.arrow --seed 0 --batches 10 --horizon 5 --termination course --horizon-terminal --out imag.arrow --metrics im.arrow --real-steps 500`

// Limits of the numeric flags.
const (
	maxBatches = 1 << 20
	maxHorizon = 1 << 16
)

// New returns the imagine command.
func New() *cli.App {
	return tool.App("imagine", "roll the policy through a learned model", synopsis, Usage, run,
		&cli.StringFlag{Name: "model", Required: true, Usage: "dynamics model `FILE` (fitmodel --out)"},
		&cli.StringFlag{Name: "policy", Required: true, Usage: "policy `FILE`"},
		&cli.StringFlag{Name: "data", Required: true, Usage: "transitions `FILE` to draw start states from (real rows only)"},
		tool.OutFlag("imagined transitions `FILE` to write", true),
		tool.MetricsFlag(""),
		tool.SeedFlag("", true),
		tool.RealStepsFlag(""),
		&cli.IntFlag{Name: "batches", Value: 10, Usage: "number of rollouts `B`"},
		&cli.IntFlag{Name: "horizon", Value: 5, Usage: "steps per rollout at most `H`"},
		&cli.StringFlag{Name: "propagation", Value: imagine.PropRandom, Usage: "random, member or mean"},
		&cli.StringFlag{Name: "termination", Value: string(dynamics.TermModel), Usage: "model, env or course"},
		&cli.BoolFlag{Name: "horizon-terminal", Usage: "mark the horizon's last step terminated (the course)"},
		&cli.Float64Flag{Name: "gate-variance", Value: math.Inf(1), Usage: "keep steps with var_delta below `TAU`; cut the rollout at the first other"},
		&cli.Float64Flag{Name: "noise-sigma", Usage: "Gaussian noise std `S` on predicted state change and reward (raw units)"},
		&cli.Float64Flag{Name: "reward-penalty", Usage: "MOPO's penalty `LAMBDA`: rewards r̂ − λ·√var_delta (0: off)"},
		tool.EnvFlag("environment `ID` (default: the data's \"env\" metadata)", false),
	)
}

type options struct {
	model, policy, data, out, metrics, envID string
	env                                      env.Env // of --env, made once by parse; nil without --env
	seed, realSteps                          int64
	roll                                     imagine.Rollout
}

func parse(c *cli.Context) (*options, error) {
	o := &options{
		model: c.String("model"), policy: c.String("policy"), data: c.String("data"), out: c.String("out"),
		metrics: c.String("metrics"), envID: c.String("env"),
		roll: imagine.Rollout{
			Batches: c.Int("batches"), Horizon: c.Int("horizon"),
			Propagation: c.String("propagation"), Termination: dynamics.TermMode(c.String("termination")),
			HorizonTerminal: c.Bool("horizon-terminal"),
			Gate:            c.Float64("gate-variance"), Noise: c.Float64("noise-sigma"),
			Penalty: c.Float64("reward-penalty"),
		},
	}
	if err := tool.NoArgs(c); err != nil {
		return nil, err
	}
	if err := tool.CheckFlagPaths(c, []string{"out", "metrics"}, []string{"model", "policy", "data"}); err != nil {
		return nil, err
	}
	var err error
	if o.seed, err = tool.Seed(c); err != nil {
		return nil, err
	}
	if o.realSteps, err = tool.RealSteps(c, o.metrics != "", "with --metrics"); err != nil {
		return nil, err
	}
	if o.envID, err = tool.EnvID(c); err != nil {
		return nil, err
	}
	r := &o.roll
	switch {
	case r.Batches < 1 || r.Batches > maxBatches:
		return nil, tool.Usagef("--batches %d: must be in [1, %d]", r.Batches, maxBatches)
	case r.Horizon < 1 || r.Horizon > maxHorizon:
		return nil, tool.Usagef("--horizon %d: must be in [1, %d]", r.Horizon, maxHorizon)
	case !slices.Contains(imagine.Propagations, r.Propagation):
		return nil, tool.Usagef("--propagation %q: must be random, member or mean", r.Propagation)
	case !slices.Contains(imagine.TermModes, r.Termination):
		return nil, tool.Usagef("--termination %q: must be %s", r.Termination, dynamics.JoinTermModes(imagine.TermModes))
	case !(r.Gate > 0):
		return nil, tool.Usagef("--gate-variance %g: must be > 0", r.Gate)
	case !(r.Noise >= 0) || math.IsInf(r.Noise, 1):
		return nil, tool.Usagef("--noise-sigma %g: must be finite and >= 0", r.Noise)
	case !(r.Penalty >= 0) || math.IsInf(r.Penalty, 1):
		return nil, tool.Usagef("--reward-penalty %g: must be finite and >= 0", r.Penalty)
	}
	// The environment last, once the other flags are checked: it may be a
	// Python process (gym:ID), started once and used for everything.
	if o.envID != "" {
		if o.env, err = tool.Env("--env", o.envID); err != nil {
			return nil, err
		}
	}
	return o, nil
}

func run(c *cli.Context) error {
	o, err := parse(c)
	if err != nil {
		return err
	}
	if o.env != nil {
		defer env.Close(o.env) //nolint:errcheck // only its spaces and knowledge are read
	}
	model, modelMeta, err := dynamics.LoadMeta(o.model)
	if err != nil {
		return err
	}
	pol, polMeta, err := agent.LoadMeta(o.policy)
	if err != nil {
		return err
	}
	data, err := format.ReadTransitions(o.data)
	if err != nil {
		return err
	}
	buf, err := dynamics.Newest([]*format.Transitions{data}, 0)
	if err != nil {
		return err
	}
	if buf.Len() == 0 {
		return fmt.Errorf("%s holds no real transitions to start from", o.data)
	}
	envID := o.envID
	if envID == "" {
		envID = data.Meta["env"]
	}
	for _, s := range [][4]string{
		{"data " + o.data, data.Meta["env"], "--env", o.envID},
		{"model " + o.model, modelMeta["env"], "data " + o.data, data.Meta["env"]},
		{"model " + o.model, modelMeta["env"], "--env", o.envID},
		{"policy " + o.policy, polMeta["env"], "data " + o.data, data.Meta["env"]},
		{"policy " + o.policy, polMeta["env"], "model " + o.model, modelMeta["env"]},
		{"policy " + o.policy, polMeta["env"], "--env", o.envID},
	} {
		if err := tool.SameEnv(s[0], s[1], s[2], s[3]); err != nil {
			return err
		}
	}
	if err := o.check(model, pol, buf, envID); err != nil {
		return err
	}
	imag, st := imagine.Imagine(model, pol, buf, o.roll,
		rand.New(rand.NewPCG(uint64(o.seed), 1)), rand.New(rand.NewPCG(uint64(o.seed), 2)))
	meta := format.Meta(tool.Provenance(c))
	meta["seed"] = strconv.FormatInt(o.seed, 10)
	meta["env"] = envID
	meta[metric.ImaginedSteps] = strconv.Itoa(st.Kept)
	meta[metric.ImaginedSimulatedSteps] = strconv.Itoa(st.Simulated)
	meta[metric.ImaginedRollouts] = strconv.Itoa(o.roll.Batches)
	imag.Meta = meta
	if err := format.WriteTransitions(o.out, imag); err != nil {
		return err
	}
	if o.metrics == "" {
		return nil
	}
	m := &format.Metrics{Meta: meta}
	row := func(name string, v float64) {
		if math.IsNaN(v) {
			return // undefined: no row
		}
		m.Rows = append(m.Rows, format.MetricRow{Seed: o.seed, RealSteps: o.realSteps, Metric: name, Index: format.NoIndex, Value: v})
	}
	row(metric.ImaginedSteps, float64(st.Kept))
	row(metric.ImaginedRollouts, float64(o.roll.Batches))
	row(metric.ImaginedKeptFraction, float64(st.Kept)/float64(st.Simulated))
	row(metric.ImaginedVarDelta, st.MeanVarDelta)
	row(metric.ImaginedSimulatedSteps, float64(st.Simulated))
	if o.roll.Penalty > 0 {
		row(metric.ImaginedPenalty, st.MeanPenalty)
	}
	return format.WriteMetrics(o.metrics, m)
}

// actionKind names an action space's kind for messages.
func actionKind(discrete bool) string {
	if discrete {
		return "discrete"
	}
	return "continuous"
}

// check matches model, policy and data and sets the environment-dependent
// parts of the rollout (termination rule, action bounds).
func (o *options) check(model *dynamics.Ensemble, pol imagine.Policy, buf *format.Transitions, envID string) error {
	c := &model.Config
	switch {
	case pol.ObsDim() != c.ObsDim:
		return fmt.Errorf("policy %s has obs_dim %d, model %s has %d", o.policy, pol.ObsDim(), o.model, c.ObsDim)
	case pol.Discrete() != c.Discrete:
		return fmt.Errorf("policy %s has %s actions, model %s %s ones", o.policy, actionKind(pol.Discrete()), o.model, actionKind(c.Discrete))
	case !c.Discrete && pol.ActDim() != c.ActDim:
		return fmt.Errorf("policy %s has %d action components, model %s has %d", o.policy, pol.ActDim(), o.model, c.ActDim)
	case buf.ObsDim != c.ObsDim:
		return fmt.Errorf("data %s has obs_dim %d, model %s has %d", o.data, buf.ObsDim, o.model, c.ObsDim)
	case buf.Discrete != c.Discrete:
		return fmt.Errorf("data %s has %s actions, model %s %s ones", o.data, actionKind(buf.Discrete), o.model, actionKind(c.Discrete))
	case !c.Discrete && buf.ActDim != c.ActDim:
		return fmt.Errorf("data %s has %d action components, model %s has %d", o.data, buf.ActDim, o.model, c.ActDim)
	case o.roll.Termination == dynamics.TermModel && c.TermWeight == 0:
		// An untrained head ends rollouts at random: refuse rather than mislead.
		return fmt.Errorf("--termination model: model %s has no trained termination head (termination weight 0, as in the course preset); use --termination env or course", o.model)
	}
	if envID == "" {
		if o.roll.Termination == dynamics.TermEnv || !c.Discrete {
			return fmt.Errorf("%s has no \"env\" metadata: give --env", o.data)
		}
		return nil
	}
	e := o.env
	var err error
	if e == nil {
		if e, err = env.Make(envID); err != nil {
			return err
		}
		defer env.Close(e) //nolint:errcheck // only its spaces and knowledge are read
	}
	if as := e.ActionSpace(); !as.Discrete {
		o.roll.Low, o.roll.High = as.Low, as.High
	}
	if o.roll.Termination == dynamics.TermEnv {
		if o.roll.Terminal, err = dynamics.TerminalFor(envID); err != nil {
			return err
		}
	}
	return nil
}
