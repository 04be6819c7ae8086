package app

import (
	"fmt"
	"math"

	"github.com/urfave/cli/v2"

	"github.com/dynago/dynago/cmd/report/internal/dynastudy"
	"github.com/dynago/dynago/lib/tool"
)

// DynaStudyExample is the worked example of "report dyna-study --help";
// the test runs it on generated runs in runs/study.
const DynaStudyExample = `report dyna-study --runs runs/study --baseline ppo --seed 1`

func dynaStudyCommand() *cli.Command {
	return &cli.Command{
		Name:  "dyna-study",
		Usage: "Dyna-PPO variants against tuned PPO: steps to a return threshold, P(sooner), model rows per real step",
		Description: `Reads DIR/*/metrics.arrow (one variant per Variant column; make dyna-study
writes them) and writes the study's report: for every variant the IQM real
steps to reach --threshold (a run that never reaches counts as the budget),
the ratio to --baseline's, P(reaches sooner than the baseline), the model
rows spent per real step, the sample-efficiency curves, and one line per
variant from --describe with the settings it changes (from settings.mk).
The goal line asks for IQM steps at most --ratio × the baseline's with
P(sooner) at least --prob.

Example:

   $ ` + DynaStudyExample,
		Flags: commonFlags(
			&cli.StringFlag{Name: "baseline", Value: "ppo", Usage: "the `VARIANT` every other is compared with"},
			&cli.Float64Flag{Name: "threshold", Usage: "the evaluation `RETURN` to reach", DefaultText: "the environment's solved return: " + thresholds()},
			&cli.Float64Flag{Name: "ratio", Value: 0.6, Usage: "goal: IQM steps at most `R` × the baseline's"},
			&cli.Float64Flag{Name: "prob", Value: 0.75, Usage: "goal: P(sooner) at least `P`"},
			&cli.StringFlag{Name: "describe", Usage: "`FILE` of \"variant<TAB>what it changes and why\" lines"},
		),
		Action: func(c *cli.Context) error {
			co, err := parseCommon(c)
			if err != nil {
				return err
			}
			opt := dynastudy.Options{
				Runs: co.Runs, Out: co.Out, Boot: co.Boot, Baseline: c.String("baseline"),
				Threshold: math.NaN(), Ratio: c.Float64("ratio"), Prob: c.Float64("prob"),
				Describe: c.String("describe"), Command: co.Command,
			}
			if c.IsSet("threshold") {
				opt.Threshold = c.Float64("threshold")
			}
			switch {
			case c.IsSet("threshold") && (math.IsNaN(opt.Threshold) || math.IsInf(opt.Threshold, 0)):
				return tool.Usagef("--threshold %g: must be finite", opt.Threshold)
			case !(opt.Ratio > 0) || math.IsInf(opt.Ratio, 1):
				return tool.Usagef("--ratio %g: must be positive and finite", opt.Ratio)
			case !(opt.Prob >= 0 && opt.Prob <= 1):
				return tool.Usagef("--prob %g: must be in [0, 1]", opt.Prob)
			}
			r, _, err := dynastudy.Build(opt)
			if err != nil {
				return fmt.Errorf("dyna-study: %w", err)
			}
			return co.write(r, "dyna-study", "", "sample-efficiency")
		},
	}
}
