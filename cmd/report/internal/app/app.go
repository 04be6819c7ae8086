package app

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/dynago/dynago/cmd/report/internal/level1"
	"github.com/dynago/dynago/lib/tool"
)

// Level1Example is the worked example of "report level1 --help"; the test
// runs it on generated runs in runs/level1.
const Level1Example = `report level1 --runs runs/level1 --out runs/level1/report.md --seed 1`

// New returns the report command.
func New() *cli.App {
	app := &cli.App{
		Name:      "report",
		Usage:     "write the Markdown reports of the experiment levels",
		UsageText: "report SUBCOMMAND [options]",
		Description: `Each subcommand reads the runs of one experiment level and writes a
Markdown report answering its questions, every number with its interval
computed from the runs, with figures beside it in fig/ (.png and .svg).

Example:

   $ ` + Level1Example,
		Commands: []*cli.Command{level1Command(), level2Command(), level3Command(), dynaStudyCommand(), resultsCommand()},
	}
	app.Action = tool.NoSubcommand(app)
	for _, c := range app.Commands {
		c.OnUsageError = func(_ *cli.Context, err error, _ bool) error { return &tool.UsageError{Err: err} }
	}
	return app
}

func level1Command() *cli.Command {
	return &cli.Command{
		Name:  "level1",
		Usage: "Dyna-PPO against PPO: steps sooner, early penalty, model error, k-step error",
		Description: `Reads DIR/*/metrics.arrow (runs of a PPO variant, "ppo" or "ppo-*", and a
Dyna-PPO variant, "dyna" or "dyna-*", found from the files' Variant column;
--ppo and --dyna name them otherwise) and writes the Level-1 report.

Example:

   $ ` + Level1Example,
		Flags: commonFlags(
			&cli.StringFlag{Name: "ppo", Usage: "PPO `VARIANT` (default: the variant ppo or ppo-*)"},
			&cli.StringFlag{Name: "dyna", Usage: "Dyna-PPO `VARIANT` (default: the variant dyna or dyna-*)"},
			&cli.Float64Flag{Name: "fraction", Value: 0.8, Usage: "threshold: this fraction in (0, 1] of the way from the environment's worst return to PPO's final IQM return"},
			&cli.StringFlag{Name: "at", Usage: "compare every variant's return at these real `STEPS` (comma-separated; default: when the variants' budgets differ, as with MPC beside PPO, the shortest, every tenfold of it below the longest, and the longest; else --early and PPO's budget)"},
			&cli.Float64Flag{Name: "early", Value: 3000, Usage: "early penalty: evaluations after 0 and up to `STEPS` real steps"},
			&cli.Float64Flag{Name: "ek-ratio", Value: 10, Usage: "horizon: largest k with E_k at most this multiple (> 1) of E_1"},
		),
		Action: func(c *cli.Context) error {
			co, err := parseCommon(c)
			if err != nil {
				return err
			}
			opt := level1.Options{
				Runs: co.Runs, Out: co.Out, Boot: co.Boot,
				PPO: c.String("ppo"), Dyna: c.String("dyna"),
				Fraction: c.Float64("fraction"), EarlyUntil: c.Float64("early"), EkRatio: c.Float64("ek-ratio"),
				Command: co.Command,
			}
			if opt.At, err = parseSteps(c.String("at")); err != nil {
				return err
			}
			switch {
			case !(opt.Fraction > 0 && opt.Fraction <= 1):
				return tool.Usagef("--fraction %g: must be in (0, 1]", opt.Fraction)
			case !(opt.EarlyUntil > 0) || math.IsInf(opt.EarlyUntil, 1):
				return tool.Usagef("--early %g: must be positive and finite", opt.EarlyUntil)
			case !(opt.EkRatio > 1) || math.IsInf(opt.EkRatio, 1):
				return tool.Usagef("--ek-ratio %g: must be greater than 1 and finite", opt.EkRatio)
			}
			r, a, err := level1.Build(opt)
			if err != nil {
				return fmt.Errorf("level1: %w", err)
			}
			return co.write(r, "level1", a.Scale.Env, "sample-efficiency", "model-ek", "probability-of-improvement")
		},
	}
}

// parseSteps parses --at: comma-separated positive real-step counts, or
// nil for "".
func parseSteps(v string) ([]float64, error) {
	if v == "" {
		return nil, nil
	}
	var out []float64
	for _, f := range strings.Split(v, ",") {
		x, err := strconv.ParseFloat(strings.TrimSpace(f), 64)
		if err != nil || !(x > 0) || math.IsInf(x, 0) {
			return nil, tool.Usagef("--at %q: %q is not a positive number of real steps", v, f)
		}
		out = append(out, x)
	}
	return out, nil
}
