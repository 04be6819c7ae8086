package app

import (
	"fmt"

	"github.com/urfave/cli/v2"

	"github.com/dynago/dynago/cmd/report/internal/level2"
	"github.com/dynago/dynago/lib/tool"
)

// Level2Example is the worked example of "report level2 --help"; the test
// runs it on generated runs in runs/level2.
const Level2Example = `report level2 --runs runs/level2 --out runs/level2/report.md --seed 1`

func level2Command() *cli.Command {
	return &cli.Command{
		Name:  "level2",
		Usage: "Dyna-PPO's sensitivity: horizon, budget, buffer, distribution shift, model noise",
		Description: `Reads DIR/*/metrics.arrow, the runs of pipelines/level2.mk found by their
variant names (dyna, ppo, dyna-h<H>, dyna-budget-<regime>, dyna-buf<N>,
dyna-noise<sigma>) with the swept values from each run's run_settings metadata, and
writes the Level-2 report: a section per experiment whose runs exist.

Example:

   $ ` + Level2Example,
		Flags: commonFlags(
			&cli.IntFlag{Name: "final", Value: 1, Usage: "a run's final return and model error: the mean of its last `N` (>= 1) evaluations"},
			&cli.Float64Flag{Name: "fraction", Value: 0.8, Usage: "budget threshold: this fraction in (0, 1] of the way from the environment's worst return to the best regime's final IQM return"},
		),
		Action: func(c *cli.Context) error {
			co, err := parseCommon(c)
			if err != nil {
				return err
			}
			opt := level2.Options{
				Runs: co.Runs, Out: co.Out, Boot: co.Boot,
				Final: c.Int("final"), Fraction: c.Float64("fraction"),
				Command: co.Command,
			}
			switch {
			case opt.Final < 1:
				return tool.Usagef("--final %d: must be at least 1", opt.Final)
			case !(opt.Fraction > 0 && opt.Fraction <= 1):
				return tool.Usagef("--fraction %g: must be in (0, 1]", opt.Fraction)
			}
			r, a, err := level2.Build(opt)
			if err != nil {
				return fmt.Errorf("level2: %w", err)
			}
			return co.write(r, "level2", a.Scale.Env, "budget-curves", "horizon-return", "model-mse-old-new", "noise-return")
		},
	}
}
