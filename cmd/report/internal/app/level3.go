package app

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/dynago/dynago/cmd/report/internal/level3"
	"github.com/dynago/dynago/lib/tool"
)

// Level3Example is the worked example of "report level3 --help"; the test
// runs it on generated runs in runs/level3.
const Level3Example = `report level3 --runs runs/level3 --out runs/level3/report.md --seed 1`

func level3Command() *cli.Command {
	return &cli.Command{
		Name:  "level3",
		Usage: "ensembles and epistemic uncertainty, uncertainty-gated imagination, CEM MPC against Dyna-PPO",
		Description: `Reads DIR/*/metrics.arrow and writes the Level-3 report. Each run's role
and settings come from its run_settings metadata (bin/run records it):
ALGO ppo, mpc or dyna; for Dyna-PPO the ensemble size ENSEMBLE and the gate
GATE_VARIANCE (imagined steps kept while var_delta < it; inf: ungated).
Variants named *-stress form the stress experiment of pipelines/level3.mk.
Every ALGO=mpc variant, and every Dyna-PPO variant whose settings differ
from the plain ensemble runs' in more than ENSEMBLE, GATE_VARIANCE,
EVAL_MODEL and VARIANT, is an arm of the equal-terms comparison (Level
3.3's ablation): each arm's IQM return at --budgets real steps. The title
and the default --threshold come from the runs' ENV. A run without
run_settings is an error: rerun it. Sections whose runs are missing say
which make target makes them.

Example:

   $ ` + Level3Example,
		Flags: commonFlags(
			&cli.Float64Flag{Name: "threshold", Usage: "the `RETURN` whose steps-to-reach MPC and Dyna-PPO are compared on", DefaultText: "the runs' ENV's: " + thresholds()},
			&cli.StringFlag{Name: "budgets", Usage: "comma-separated real-step `BUDGETS` of the equal-terms comparison (default: the MPC runs' STEPS, every tenfold of it below the Dyna-PPO runs' STEPS, and those)"},
			&cli.IntFlag{Name: "m", Usage: "ensemble size `M` of the gating and MPC comparisons (default: that of the gated runs)"},
		),
		Action: func(c *cli.Context) error {
			co, err := parseCommon(c)
			if err != nil {
				return err
			}
			opt := level3.Options{
				Runs: co.Runs, Out: co.Out, Boot: co.Boot,
				Threshold: math.NaN(), M: c.Int("m"),
				Command: co.Command,
			}
			if c.IsSet("threshold") {
				opt.Threshold = c.Float64("threshold")
			}
			if b := c.String("budgets"); b != "" {
				for _, f := range strings.Split(b, ",") {
					v, err := strconv.ParseFloat(strings.TrimSpace(f), 64)
					if err != nil || !(v > 0) || math.IsInf(v, 1) {
						return tool.Usagef("--budgets %s: %q is not a positive number of steps", b, f)
					}
					opt.Budgets = append(opt.Budgets, v)
				}
			}
			switch {
			case c.IsSet("threshold") && (math.IsNaN(opt.Threshold) || math.IsInf(opt.Threshold, 0)):
				return tool.Usagef("--threshold %g: must be finite", opt.Threshold)
			case opt.M < 0:
				return tool.Usagef("--m %d: must be at least 1 (or 0 to pick it from the runs)", opt.M)
			}
			r, _, err := level3.Build(opt)
			if err != nil {
				return fmt.Errorf("level3: %w", err)
			}
			return co.write(r, "level3", "", "mpc-sample-efficiency", "mpc-ablation", "gating-sample-efficiency", "variance-error-binned")
		},
	}
}
