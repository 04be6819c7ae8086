package app

import (
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"strconv"

	"github.com/urfave/cli/v2"

	"github.com/dynago/dynago/lib/agent"
	"github.com/dynago/dynago/lib/env"
	"github.com/dynago/dynago/lib/format"
	"github.com/dynago/dynago/lib/format/metric"
	"github.com/dynago/dynago/lib/tool"
)

// synopsis is the --help line of how to call it.
const synopsis = "collect --env ID (--steps N | --episodes N [--max-steps M]) --seed S --out T.arrow [--policy P.arrow | --planner cem [--model MODEL.arrow]] [--state FILE]\n   collect --eval --env ID (--policy P.arrow | --planner cem --model MODEL.arrow) --episodes N --seed S --real-steps R --metrics M.arrow"

// Usage is the command's description; its examples are run by a test.
const Usage = `Records real transitions (--steps N or --episodes N) to a transitions
file, acting uniformly at random or with --policy (sampling, or --greedy).
With --state FILE the environment, RNG and counters continue from FILE if
it exists and are saved to it on exit, so two runs of --steps 100 record
the same rows as one run of --steps 200; --seed only seeds a new state.
The state file is JSON (see agent.State). Resets and actions are drawn
from PCG(seed, 1). --eval runs --episodes fresh episodes on a separate
environment with PCG(seed, 2), never touches the state file and writes
eval_return and eval_length (means, no index) and eval_return_episode and
eval_length_episode (index = episode) tagged with --real-steps.

Examples:

   collect --env CartPole-v1 --steps 200 --seed 0 --out t.arrow
   ppo --init --env CartPole-v1 --seed 0 --out p.arrow
   collect --env CartPole-v1 --policy p.arrow --episodes 1 --max-steps 500 --state s.json --seed 0 --out t1.arrow
   collect --eval --env CartPole-v1 --policy p.arrow --episodes 3 --seed 0 --real-steps 0 --metrics m.arrow
   fitmodel --data t.arrow --preset tuned --hidden 64 --ensemble 2 --epochs 5 --seed 0 --out model.arrow
   collect --env CartPole-v1 --planner cem --model model.arrow --cem-samples 50 --cem-horizon 10 --steps 20 --state s2.json --seed 0 --out t2.arrow
   collect --eval --env CartPole-v1 --planner cem --model model.arrow --cem-samples 50 --cem-horizon 10 --episodes 1 --seed 0 --real-steps 20 --metrics m2.arrow

` + PlannerUsage

// Limits of the numeric flags.
const (
	maxSteps    = 1 << 30
	maxEpisodes = 1 << 24
)

// New returns the collect command.
func New() *cli.App {
	return tool.App("collect", "record environment transitions or evaluate a policy", synopsis, Usage, run,
		append([]cli.Flag{
			tool.EnvFlag("", true),
			tool.EnvKwargsFlag(),
			&cli.IntFlag{Name: "steps", Usage: "record `N` steps"},
			&cli.IntFlag{Name: "episodes", Usage: "stop after `N` finished episodes"},
			&cli.IntFlag{Name: "max-steps", Usage: "with --episodes, stop after at most `M` steps"},
			tool.SeedFlag("", true),
			tool.OutFlag("transitions `FILE` to write", false),
			&cli.StringFlag{Name: "policy", Usage: "act with the policy in `FILE` (default: uniform random actions)"},
			&cli.BoolFlag{Name: "greedy", Usage: "act with the most probable action instead of sampling"},
			&cli.StringFlag{Name: "state", Usage: "continue from and save to state `FILE` (JSON)"},
			&cli.BoolFlag{Name: "eval", Usage: "evaluate --policy on --episodes fresh episodes, write --metrics"},
			tool.RealStepsFlag("real steps so far `R`, the metrics' x axis (--eval)"),
			tool.MetricsFlag("metrics `FILE` to write (--eval, or --planner)"),
		}, plannerFlags()...)...,
	)
}

// options are the checked flags.
type options struct {
	env                         env.Env
	steps, episodes, maxSteps   int
	seed                        int64
	out, policy, state, metrics string
	greedy, eval                bool
	realSteps                   int64
	plan                        planOptions
}

func parse(c *cli.Context) (*options, error) {
	o := &options{
		steps: c.Int("steps"), episodes: c.Int("episodes"), maxSteps: c.Int("max-steps"),
		out: c.String("out"), policy: c.String("policy"),
		state: c.String("state"), metrics: c.String("metrics"),
		greedy: c.Bool("greedy"), eval: c.Bool("eval"),
	}
	if err := tool.NoArgs(c); err != nil {
		return nil, err
	}
	id, err := tool.EnvID(c)
	if err != nil {
		return nil, err
	}
	if o.env, err = tool.Env("--env", id); err != nil {
		return nil, err
	}
	if o.seed, err = tool.Seed(c); err != nil {
		return nil, err
	}
	if o.realSteps, err = tool.RealSteps(c, o.metrics != "", "with --metrics"); err != nil {
		return nil, err
	}
	if err := parsePlanner(c, o); err != nil {
		return nil, err
	}
	// --state is read and rewritten: an output like --out and --metrics.
	if err := tool.CheckFlagPaths(c, []string{"out", "metrics", "state"}, []string{"policy", "model", "value-policy"}); err != nil {
		return nil, err
	}
	if o.eval {
		switch {
		case o.policy == "" && o.plan.name == "":
			return nil, tool.Usagef("--eval needs --policy or --planner")
		case o.metrics == "":
			return nil, tool.Usagef("--eval needs --metrics")
		case o.episodes < 1 || o.episodes > maxEpisodes:
			return nil, tool.Usagef("--episodes %d: must be in [1, %d] with --eval", o.episodes, maxEpisodes)
		case c.IsSet("steps"), c.IsSet("max-steps"), o.state != "":
			return nil, tool.Usagef("--eval runs whole episodes: --steps, --max-steps and --state are not allowed")
		}
		return o, nil
	}
	if o.out == "" {
		return nil, tool.Usagef("--out is required (or --eval)")
	}
	if o.metrics != "" && o.plan.name == "" {
		return nil, tool.Usagef("--metrics is only written with --eval or --planner")
	}
	switch {
	case c.IsSet("steps") == c.IsSet("episodes"):
		return nil, tool.Usagef("give exactly one of --steps and --episodes")
	case c.IsSet("steps") && (o.steps < 1 || o.steps > maxSteps):
		return nil, tool.Usagef("--steps %d: must be in [1, %d]", o.steps, maxSteps)
	case c.IsSet("episodes") && (o.episodes < 1 || o.episodes > maxEpisodes):
		return nil, tool.Usagef("--episodes %d: must be in [1, %d]", o.episodes, maxEpisodes)
	case c.IsSet("max-steps") && !c.IsSet("episodes"):
		return nil, tool.Usagef("--max-steps needs --episodes")
	case c.IsSet("max-steps") && (o.maxSteps < 1 || o.maxSteps > maxSteps):
		return nil, tool.Usagef("--max-steps %d: must be in [1, %d]", o.maxSteps, maxSteps)
	}
	return o, nil
}

func run(c *cli.Context) (err error) {
	o, err := parse(c)
	if err != nil {
		return err
	}
	defer func() { // ends a bridged environment's Python process
		if cerr := env.Close(o.env); err == nil {
			err = cerr
		}
	}()
	var p *agent.Policy
	if o.policy != "" {
		var meta format.Meta
		if p, meta, err = agent.LoadMeta(o.policy); err != nil {
			return err
		}
		if err := tool.SameEnv("policy "+o.policy, meta["env"], "--env", o.env.ID()); err != nil {
			return err
		}
		if err := p.Matches(o.env.ObservationSpace(), o.env.ActionSpace()); err != nil {
			return fmt.Errorf("policy %s does not fit %s: %w", o.policy, o.env.ID(), err)
		}
	}
	meta := format.Meta(tool.Provenance(c))
	meta["seed"] = strconv.FormatInt(o.seed, 10)
	meta["env"] = o.env.ID()
	if o.plan.name != "" {
		return runPlanner(o, meta)
	}
	if o.eval {
		return evaluate(o, policyActor(p, o.greedy), meta, nil)
	}
	return collect(o, policyActor(p, o.greedy), meta)
}

// collectRunner returns the runner continuing from --state, or a new one.
func collectRunner(o *options, a agent.Actor) (*agent.Runner, error) {
	if o.state != "" {
		data, err := os.ReadFile(o.state)
		switch {
		case err == nil:
			r, err := agent.RestoreRunner(o.env, a, data)
			if err != nil {
				return nil, fmt.Errorf("state %s: %w", o.state, err)
			}
			return r, nil
		case !errors.Is(err, fs.ErrNotExist):
			return nil, fmt.Errorf("read state: %w", err)
		}
	}
	return agent.NewRunner(o.env, a, uint64(o.seed), agent.StreamCollect), nil
}

// collect steps a (nil: uniform random actions) from --state or a fresh
// start and writes the transitions and, with --state, the state reached.
func collect(o *options, a agent.Actor, meta format.Meta) error {
	r, err := collectRunner(o, a)
	if err != nil {
		return err
	}
	steps := o.steps
	if o.episodes > 0 {
		steps = o.maxSteps // 0: no cap
	}
	capacity := steps
	if capacity <= 0 || capacity > 1<<16 {
		capacity = 1 << 10
	}
	t := r.NewTransitions(capacity)
	if _, err := r.Run(t, steps, o.episodes); err != nil {
		return err
	}
	t.Meta = meta
	if err := format.WriteTransitions(o.out, t); err != nil {
		return err
	}
	if o.state == "" {
		return nil
	}
	return saveState(o.state, r.State())
}

// policyActor returns the actor of policy p, or nil (random actions) when
// p is nil.
func policyActor(p *agent.Policy, greedy bool) agent.Actor {
	if p == nil {
		return nil
	}
	return agent.PolicyActor{Policy: p, Greedy: greedy}
}

// saveState writes s as JSON to path, atomically.
func saveState(path string, s agent.State) error {
	data, err := agent.MarshalState(s)
	if err != nil {
		return fmt.Errorf("encode state: %w", err)
	}
	return format.WriteAtomic(path, func(f *os.File) error {
		_, err := f.Write(append(data, '\n'))
		return err
	})
}

// evaluate runs o.episodes fresh episodes of a (nil: uniform random
// actions) and writes eval_return, eval_return_episode, eval_length and
// eval_length_episode, then extra's rows (extra may be nil).
func evaluate(o *options, a agent.Actor, meta format.Meta, extra func(row func(string, int64, float64))) error {
	r := agent.NewRunner(o.env, a, uint64(o.seed), agent.StreamEval)
	eps, err := r.Run(nil, 0, o.episodes)
	if err != nil {
		return err
	}
	return writeEval(o, meta, eps, extra)
}

// writeEval writes the evaluation metrics of eps; extra, if not nil, adds
// rows after them.
func writeEval(o *options, meta format.Meta, eps []agent.Episode, extra func(row func(string, int64, float64))) error {
	m := &format.Metrics{Meta: meta}
	row := func(name string, index int64, v float64) {
		m.Rows = append(m.Rows, format.MetricRow{Seed: o.seed, RealSteps: o.realSteps, Metric: name, Index: index, Value: v})
	}
	sumR, sumL := 0.0, 0.0
	for _, e := range eps {
		sumR += e.Return
		sumL += float64(e.Length)
	}
	n := float64(len(eps))
	row(metric.EvalReturn, format.NoIndex, sumR/n)
	row(metric.EvalLength, format.NoIndex, sumL/n)
	for i, e := range eps {
		row(metric.EvalReturnEpisode, int64(i), e.Return)
	}
	for i, e := range eps {
		row(metric.EvalLengthEpisode, int64(i), float64(e.Length))
	}
	if extra != nil {
		extra(row)
	}
	if math.IsNaN(sumR) {
		return errors.New("evaluation returned NaN")
	}
	return format.WriteMetrics(o.metrics, m)
}
