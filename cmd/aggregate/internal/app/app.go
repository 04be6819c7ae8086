package app

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/dynago/dynago/lib/analysis"
	"github.com/dynago/dynago/lib/estimate"
	"github.com/dynago/dynago/lib/format/metric"
	"github.com/dynago/dynago/lib/markdown"
	"github.com/dynago/dynago/lib/stats"
	"github.com/dynago/dynago/lib/tool"
)

// Examples are the worked examples of the subcommands' help, by name; the
// test runs each on generated metrics files in runs/<run>/metrics.arrow.
var Examples = map[string]string{
	"summary":  `aggregate summary --in 'runs/*/metrics.arrow' --out results --seed 1`,
	"poi":      `aggregate poi --in 'runs/*/metrics.arrow' --out results --pairs dyna:ppo --seed 1`,
	"profiles": `aggregate profiles --in 'runs/*/metrics.arrow' --out results --final 3`,
	"curves":   `aggregate curves --in 'runs/*/metrics.arrow' --out results --reps 500`,
	"steps-to": `aggregate steps-to --in 'runs/*/metrics.arrow' --out results --fraction 0.8 --reference ppo`,
	"metric":   `aggregate metric --in 'runs/dyna-*/metrics.arrow' --out results --metric model_ek --at 2000,14000 --logy`,
}

// New returns the aggregate command.
func New() *cli.App {
	app := &cli.App{
		Name:      "aggregate",
		Usage:     "RLiable statistics, tables and figures from the metrics of many runs",
		UsageText: "aggregate SUBCOMMAND --in GLOB --out DIR [options]",
		Description: `Each subcommand reads metrics files (--in GLOB, repeatable; a glob that
matches nothing is an error), groups runs by variant (and task, --task-by),
and writes DIR/NAME.md and DIR/NAME.csv (NAME is the subcommand unless
--name says otherwise) and its figure as DIR/NAME.png and DIR/NAME.svg.
Intervals are percentile bootstrap intervals from --seed; the Markdown
notes record seed, resamples and the command.

Example: a summary of final returns, then the sample-efficiency curves:

   $ ` + Examples["summary"] + `
   $ ` + Examples["curves"],
		Commands: []*cli.Command{
			summaryCommand(), poiCommand(), profilesCommand(), curvesCommand(), stepsCommand(), metricCommand(),
		},
	}
	app.Action = tool.NoSubcommand(app)
	for _, c := range app.Commands {
		// tool.Run maps the app's flag errors to exit 2; a subcommand's
		// need the same.
		c.OnUsageError = func(_ *cli.Context, err error, _ bool) error { return &tool.UsageError{Err: err} }
	}
	return app
}

// common are the flags of every subcommand.
func common(name string) []cli.Flag {
	return append(append([]cli.Flag{
		&cli.StringSliceFlag{Name: "in", Required: true, Usage: "metrics files `GLOB` (repeatable; quote it)"},
		tool.OutFlag("output `DIR`ectory, created if needed", true),
		&cli.StringFlag{Name: "name", Value: name, Usage: "base `NAME` of the output files"},
	}, tool.BootstrapFlags()...),
		&cli.StringFlag{Name: "variants", Usage: "only variants `a,b,...`, in this order (default: all, sorted)"},
		&cli.StringFlag{Name: "task-by", Value: analysis.TaskByNone, Usage: "tasks: none (one task), env (files' env metadata) or variant (VARIANT/TASK)"},
	)
}

// scoreFlags are the flags choosing and normalising a score per run.
func scoreFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "metric", Value: metric.EvalReturn, Usage: "score `METRIC`"},
		&cli.IntFlag{Name: "final", Value: 1, Usage: "score: mean of each run's last `N` values"},
		&cli.Float64Flag{Name: "at-step", Usage: "score: each run's last value at or before `STEP` real steps (instead of --final)"},
		&cli.Float64Flag{Name: "norm-min", Value: 0, Usage: "normalised 0 for tasks without known bounds (default: each task's smallest score)"},
		&cli.Float64Flag{Name: "norm-max", Value: 500, Usage: "normalised 1 for tasks without known bounds (default: each task's largest score)"},
		&cli.StringSliceFlag{Name: "norm", Usage: "per-task bounds `TASK=MIN:MAX` (repeatable)"},
	}
}

// env is what every subcommand has once its flags are checked.
type env struct {
	c     *cli.Context
	set   *analysis.Set
	out   string
	name  string
	boot  estimate.Bootstrap
	files markdown.Files // written by finish, once everything is computed
}

func setup(c *cli.Context) (*env, error) {
	if c.Args().Len() > 0 {
		return nil, tool.Usagef("unexpected argument %q", c.Args().First())
	}
	e := &env{c: c, out: c.String("out"), name: c.String("name")}
	seed, reps, conf, err := tool.Bootstrap(c)
	if err != nil {
		return nil, err
	}
	e.boot = estimate.Bootstrap{Seed: seed, Reps: reps, Confidence: conf}
	if e.name == "" || strings.ContainsAny(e.name, `/\`) {
		return nil, tool.Usagef("--name %q: must be a non-empty file name", e.name)
	}
	tb := c.String("task-by")
	switch tb {
	case analysis.TaskByNone, analysis.TaskByEnv, analysis.TaskByVariant:
	default:
		return nil, tool.Usagef("--task-by %q: must be none, env or variant", tb)
	}
	set, err := analysis.Load(c.StringSlice("in"), analysis.LoadOptions{TaskBy: tb})
	if err != nil {
		return nil, err
	}
	if set, err = set.Select(list(c.String("variants"))); err != nil {
		return nil, err
	}
	e.set = set
	return e, nil
}

// list splits a comma-separated list, dropping empty items.
func list(s string) []string {
	var out []string
	for _, x := range strings.Split(s, ",") {
		if x = strings.TrimSpace(x); x != "" {
			out = append(out, x)
		}
	}
	return out
}

// pairs parses the pairs of variants --FLAG X:Y,... names; without any,
// every pair of the set's variants.
func (e *env) pairs(flag string) ([][2]string, error) {
	given := list(e.c.String(flag))
	if len(given) == 0 {
		return estimate.AllPairs(e.set.Variants()), nil
	}
	var out [][2]string
	for _, p := range given {
		a, b, ok := strings.Cut(p, ":")
		if !ok || a == "" || b == "" {
			return nil, tool.Usagef("--%s %q: want pairs X:Y separated by commas", flag, p)
		}
		out = append(out, [2]string{a, b})
	}
	return out, nil
}

// point returns the score point of --final and --at-step.
func point(c *cli.Context) (analysis.Point, error) {
	if c.IsSet("at-step") {
		if c.IsSet("final") {
			return analysis.Point{}, tool.Usagef("--at-step and --final: give one")
		}
		s := c.Float64("at-step")
		if !(s >= 0) || math.IsInf(s, 1) {
			return analysis.Point{}, tool.Usagef("--at-step %g: must be finite and at least 0", s)
		}
		return analysis.Point{AtStep: true, Step: s}, nil
	}
	n := c.Int("final")
	if n < 1 {
		return analysis.Point{}, tool.Usagef("--final %d: must be at least 1", n)
	}
	return analysis.Point{Final: n}, nil
}

// normalization returns the normalisation of --norm-min, --norm-max and
// --norm.
func normalization(c *cli.Context) (*analysis.Normalization, error) {
	n := &analysis.Normalization{Min: c.Float64("norm-min"), Max: c.Float64("norm-max"), Bounds: map[string][2]float64{}}
	for _, f := range []string{"norm-min", "norm-max"} {
		if v := c.Float64(f); math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, tool.Usagef("--%s %g: must be a finite number", f, v)
		}
	}
	if n.Min == n.Max {
		return nil, tool.Usagef("--norm-min and --norm-max are both %g: must differ", n.Min)
	}
	for _, s := range c.StringSlice("norm") {
		task, rng, ok1 := strings.Cut(s, "=")
		lo, hi, ok2 := strings.Cut(rng, ":")
		a, err1 := strconv.ParseFloat(lo, 64)
		b, err2 := strconv.ParseFloat(hi, 64)
		if !ok1 || !ok2 || task == "" || err1 != nil || err2 != nil || a == b || !finite(a) || !finite(b) {
			return nil, tool.Usagef("--norm %q: want TASK=MIN:MAX with finite MIN != MAX", s)
		}
		n.Bounds[task] = [2]float64{a, b}
	}
	return n, nil
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// scores returns the normalised score matrices and the notes describing them.
func (e *env) scores() ([]analysis.Scores, []string, error) {
	p, err := point(e.c)
	if err != nil {
		return nil, nil, err
	}
	norm, err := normalization(e.c)
	if err != nil {
		return nil, nil, err
	}
	metric := e.c.String("metric")
	if err := analysis.CheckMetric(e.set.Runs, metric); err != nil {
		return nil, nil, err
	}
	if !e.c.IsSet("norm-min") && !e.c.IsSet("norm-max") {
		if err := norm.SetDataBounds(e.set, metric, p); err != nil {
			return nil, nil, err
		}
	}
	sc, err := analysis.VariantScores(e.set, metric, p, norm)
	if err != nil {
		return nil, nil, err
	}
	notes := []string{fmt.Sprintf("Score: %s, %s.", metric, p), norm.Describe(e.set.Tasks())}
	return sc, notes, nil
}

// notes returns the closing notes of every table: how intervals were
// computed and the command.
func (e *env) notes() []string {
	return []string{e.boot.Describe(), "Command: `" + tool.Provenance(e.c)["args"] + "`."}
}

// write adds the table as NAME.md and NAME.csv, after adding the closing
// notes.
func (e *env) write(t *markdown.Table) error {
	t.Notes = append(t.Notes, e.notes()...)
	return t.AddTo(&e.files, e.out, e.name)
}

// figure draws the subcommand's figure, to be written as NAME.png and
// NAME.svg.
func (e *env) figure(draw func(path string) error) error {
	return e.files.AddFigure(e.out, e.name, draw)
}

// finish writes the outputs unless err (from the last step computing them)
// is set: a subcommand writes all its files or none.
func (e *env) finish(err error) error {
	if err != nil {
		return err
	}
	return e.files.Write()
}

// aggregate returns the aggregate over runs named by --agg.
func aggregate(c *cli.Context) (stats.Metric, error) {
	switch a := c.String("agg"); a {
	case "iqm":
		return stats.MetricIQM(), nil
	case "mean":
		return stats.MetricMean(), nil
	default:
		return stats.Metric{}, tool.Usagef("--agg %q: must be iqm or mean", a)
	}
}

func aggFlag() cli.Flag {
	return &cli.StringFlag{Name: "agg", Value: "iqm", Usage: "aggregate over runs: iqm or mean"}
}

// help returns a subcommand's description with its worked example.
func help(text, name string) string {
	return text + "\n\nExample:\n\n   $ " + Examples[name]
}
