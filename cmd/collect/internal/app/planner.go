package app

import (
	"fmt"
	"io"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/dynago/dynago/lib/agent"
	"github.com/dynago/dynago/lib/dynamics"
	"github.com/dynago/dynago/lib/format"
	"github.com/dynago/dynago/lib/format/metric"
	"github.com/dynago/dynago/lib/plan"
	"github.com/dynago/dynago/lib/tool"
)

// PlannerUsage describes acting with the CEM planner; it is part of Usage.
const PlannerUsage = `With --planner cem the agent is ensemble model-predictive control
(lib/plan): at every real step CEM samples --cem-samples action sequences
of --cem-horizon steps, rolls each out in every member of the --model
ensemble, scores it by the worst member's predicted return (or mean minus
--cem-kappa std), refits to the --cem-elites best for --cem-iters
iterations and takes the first action of the best sequence found
(--cem-action best, the default) or the most probable first action of
the refitted distribution (--cem-action mode). --cem-min-prob
keeps every action's probability above a floor after each refit, so the
warm-started distribution goes on exploring (CartPole: 0.1). Rewards and
terminations come from the model (--cem-termination model: p above
--cem-term-threshold ends a rollout; model-soft: rewards weighted by the
predicted survival probability); --cem-term-penalty λ subtracts λ times
the predicted termination probability from every step's reward (an ended
rollout pays λ per remaining step), which breaks the ties of a constant
reward toward the states the model finds safer; --cem-density-penalty β
subtracts β·(1 - exp(-½Σ((s-μ)/σ)²)), one minus the relative density of
the predicted state under a diagonal Gaussian of the model's training
data (its normalisation), so that the planner keeps to the states its
data know (keep β below a step's reward, so that surviving beats ending;
an ended rollout goes on paying for its last state); --value-policy adds the
critic's value of the last predicted state. Planning draws from the same PCG as the
environment, so a seed fixes every action; the plan's warm start is not
saved in --state (a new process starts planning afresh). Without --model
the planner acts uniformly at random (the first iteration of MPC).
log_prob and value are null for planned actions. With --metrics (and
--real-steps) collection writes plan_model_rows_per_step and plan_steps;
--eval adds eval_plan_model_rows_per_step. Wall time goes to stderr only.`

// plannerFlags are the flags of planning with CEM.
func plannerFlags() []cli.Flag {
	d := plan.DefaultConfig()
	return []cli.Flag{
		&cli.StringFlag{Name: "planner", Usage: "act by model-predictive control: `NAME` cem"},
		&cli.StringFlag{Name: "model", Usage: "dynamics model `FILE` to plan with (--planner; absent: random actions)"},
		&cli.IntFlag{Name: "cem-samples", Value: d.Samples, Usage: "action sequences `K` per CEM iteration"},
		&cli.IntFlag{Name: "cem-horizon", Value: d.Horizon, Usage: "planning horizon `H` in steps"},
		&cli.IntFlag{Name: "cem-iters", Value: d.Iters, Usage: "CEM iterations `I` per real step"},
		&cli.IntFlag{Name: "cem-elites", Usage: "elites `E` refitted to (default: 10% of --cem-samples)"},
		&cli.StringFlag{Name: "cem-objective", Value: d.Objective, Usage: "sequence score: worst or mean-std"},
		&cli.Float64Flag{Name: "cem-kappa", Value: d.Kappa, Usage: "std penalty `X` of --cem-objective mean-std"},
		&cli.StringFlag{Name: "cem-termination", Value: string(d.Termination), Usage: "what ends a rollout: " + dynamics.JoinTermModes(plan.TermModes)},
		&cli.Float64Flag{Name: "cem-term-threshold", Value: d.TermThreshold, Usage: "termination probability `P` that ends a rollout (model, model+env)"},
		&cli.Float64Flag{Name: "cem-term-penalty", Usage: "subtract `L` times the predicted termination probability from each step's reward (0: off)"},
		&cli.Float64Flag{Name: "cem-density-penalty", Usage: "subtract `B` times one minus each predicted state's relative density under a Gaussian of the model's data (0: off)"},
		&cli.Float64Flag{Name: "cem-offset-rate", Usage: "offset-free planning: add the running mean (rate `A`) of the model's real one-step errors to every predicted step (0: off)"},
		&cli.StringFlag{Name: "cem-action", Value: "best", Usage: "action taken: best (first action of the best sequence) or mode (of the refitted first-step distribution)"},
		&cli.Float64Flag{Name: "cem-min-prob", Value: d.MinProb, Usage: "floor `P` of every action's probability after a refit (discrete actions)"},
		&cli.StringFlag{Name: "value-policy", Usage: "add the critic of the policy in `FILE` as terminal value"},
	}
}

// planFlag names the flag of each plan.Config field the flags set, for
// plan.Config.Check's errors.
var planFlag = map[string]string{
	"Samples": "cem-samples", "Horizon": "cem-horizon", "Iters": "cem-iters", "Elites": "cem-elites",
	"EliteFrac": "cem-elites", "Objective": "cem-objective", "Kappa": "cem-kappa",
	"Termination": "cem-termination", "TermThreshold": "cem-term-threshold", "TermPenalty": "cem-term-penalty",
	"DensityPenalty": "cem-density-penalty", "OffsetRate": "cem-offset-rate", "MinProb": "cem-min-prob",
}

// planOptions are the checked planner flags.
type planOptions struct {
	name, model, valuePolicy string
	cfg                      plan.Config
	log                      io.Writer // the app's stderr, for wall times
}

// parsePlanner checks the planner flags into o.plan.
func parsePlanner(c *cli.Context, o *options) error {
	p := &o.plan
	p.name, p.model, p.valuePolicy = c.String("planner"), c.String("model"), c.String("value-policy")
	p.log = c.App.ErrWriter
	if p.name == "" {
		for _, f := range []string{"model", "value-policy", "cem-samples", "cem-horizon", "cem-iters", "cem-elites",
			"cem-objective", "cem-kappa", "cem-termination", "cem-term-threshold", "cem-term-penalty", "cem-density-penalty", "cem-offset-rate", "cem-min-prob", "cem-action"} {
			if c.IsSet(f) {
				return tool.Usagef("--%s needs --planner cem", f)
			}
		}
		return nil
	}
	if p.name != "cem" {
		return tool.Usagef("--planner %q: must be cem", p.name)
	}
	if o.policy != "" || o.greedy {
		return tool.Usagef("--planner: --policy and --greedy are not allowed (the planner chooses the actions)")
	}
	cfg := plan.DefaultConfig()
	cfg.Samples, cfg.Horizon, cfg.Iters = c.Int("cem-samples"), c.Int("cem-horizon"), c.Int("cem-iters")
	cfg.Elites, cfg.EliteFrac = c.Int("cem-elites"), 0.1
	cfg.Objective, cfg.Kappa = c.String("cem-objective"), c.Float64("cem-kappa")
	cfg.Termination, cfg.TermThreshold = dynamics.TermMode(c.String("cem-termination")), c.Float64("cem-term-threshold")
	cfg.TermPenalty = c.Float64("cem-term-penalty")
	cfg.OffsetRate = c.Float64("cem-offset-rate")
	cfg.DensityPenalty = c.Float64("cem-density-penalty")
	cfg.MinProb = c.Float64("cem-min-prob")
	switch c.String("cem-action") {
	case "best":
	case "mode":
		cfg.ModeAction = true
	default:
		return tool.Usagef("--cem-action %q: must be best or mode", c.String("cem-action"))
	}
	if cfg.Termination == dynamics.TermEnv || cfg.Termination == dynamics.TermModelEnv {
		term, err := dynamics.TerminalFor(o.env.ID())
		if err != nil {
			return tool.Usagef("--cem-termination %s: %w", cfg.Termination, err)
		}
		cfg.Terminal = term
	}
	if !c.IsSet("cem-elites") {
		cfg.Elites = 0 // the elite fraction
	}
	numActions := 0
	if as := o.env.ActionSpace(); as.Discrete {
		numActions = as.N
	}
	if err := cfg.Check(numActions, func(field string) string { return "--" + planFlag[field] }); err != nil {
		return tool.Usagef("%w", err)
	}
	p.cfg = cfg
	return nil
}

// runPlanner collects or evaluates with the planner, as collect and
// evaluate do with a policy. Without --model it acts uniformly at random,
// as collect does without --policy.
func runPlanner(o *options, meta format.Meta) error {
	var a *plan.Actor
	var actor agent.Actor // nil: uniform random actions
	if o.plan.model != "" {
		cem, err := newPlanner(o)
		if err != nil {
			return err
		}
		a = &plan.Actor{CEM: cem}
		actor = a
	}
	start := time.Now()
	var err error
	if o.eval {
		var extra func(row func(string, int64, float64))
		if a != nil {
			extra = func(row func(string, int64, float64)) {
				row(metric.EvalPlanModelRowsPerStep, format.NoIndex, a.RowsPerStep())
			}
		}
		err = evaluate(o, actor, meta, extra)
	} else {
		err = collect(o, actor, meta)
	}
	if err != nil {
		return err
	}
	if a != nil {
		report(o.plan.log, a, time.Since(start))
	}
	if o.eval {
		return nil
	}
	return writePlanMetrics(o, meta, a)
}

// newPlanner loads the model (and the critic) and builds the CEM planner.
func newPlanner(o *options) (*plan.CEM, error) {
	model, meta, err := dynamics.LoadMeta(o.plan.model)
	if err != nil {
		return nil, err
	}
	if err := tool.SameEnv("model "+o.plan.model, meta["env"], "--env", o.env.ID()); err != nil {
		return nil, err
	}
	cfg := o.plan.cfg
	if o.plan.valuePolicy != "" {
		v, meta, err := agent.LoadMeta(o.plan.valuePolicy)
		if err != nil {
			return nil, err
		}
		if err := tool.SameEnv("value policy "+o.plan.valuePolicy, meta["env"], "--env", o.env.ID()); err != nil {
			return nil, err
		}
		if err := v.Matches(o.env.ObservationSpace(), o.env.ActionSpace()); err != nil {
			return nil, fmt.Errorf("value policy %s does not fit %s: %w", o.plan.valuePolicy, o.env.ID(), err)
		}
		cfg.Value = v.Value
	}
	cem, err := plan.NewCEM(cfg, model, o.env.ActionSpace(), o.env.ObservationSpace().Dim)
	if err != nil {
		return nil, fmt.Errorf("model %s: %w", o.plan.model, err)
	}
	return cem, nil
}

// writePlanMetrics writes the planning cost of a collection (a nil: random
// actions, no model rows) when --metrics is given.
func writePlanMetrics(o *options, meta format.Meta, a *plan.Actor) error {
	if o.metrics == "" {
		return nil
	}
	rows, steps := 0.0, 0.0
	if a != nil {
		rows, steps = a.RowsPerStep(), float64(a.Steps)
	}
	m := &format.Metrics{Meta: meta, Rows: []format.MetricRow{
		{Seed: o.seed, RealSteps: o.realSteps, Metric: metric.PlanModelRowsPerStep, Index: format.NoIndex, Value: rows},
		{Seed: o.seed, RealSteps: o.realSteps, Metric: metric.PlanSteps, Index: format.NoIndex, Value: steps},
	}}
	return format.WriteMetrics(o.metrics, m)
}

// report prints the wall time of planning (never written to a file: the
// outputs are the same bytes for the same seed).
func report(w io.Writer, a *plan.Actor, wall time.Duration) {
	if a.Steps == 0 || w == nil {
		return
	}
	ms := float64(wall.Microseconds()) / 1000 / float64(a.Steps)
	fmt.Fprintf(w, "collect: planned %d steps in %.1f s: %.2f ms and %.0f model rows per step\n",
		a.Steps, wall.Seconds(), ms, a.RowsPerStep())
}
