package app

import (
	"fmt"
	"math"

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
A run without run_settings is an error: rerun it. Sections whose runs are
missing say which make target makes them.

Example:

   $ ` + Level3Example,
		Flags: commonFlags(
			&cli.Float64Flag{Name: "threshold", Value: 475, Usage: "the `RETURN` whose steps-to-reach MPC and Dyna-PPO are compared on"},
			&cli.IntFlag{Name: "m", Usage: "ensemble size `M` of the gating and MPC comparisons (default: that of the gated runs)"},
		),
		Action: func(c *cli.Context) error {
			co, err := parseCommon(c)
			if err != nil {
				return err
			}
			opt := level3.Options{
				Runs: co.Runs, Out: co.Out, Boot: co.Boot,
				Threshold: c.Float64("threshold"), M: c.Int("m"),
				Command: co.Command,
			}
			switch {
			case !(opt.Threshold > 0) || math.IsInf(opt.Threshold, 1):
				return tool.Usagef("--threshold %g: must be positive and finite", opt.Threshold)
			case opt.M < 0:
				return tool.Usagef("--m %d: must be at least 1 (or 0 to pick it from the runs)", opt.M)
			}
			r, _, err := level3.Build(opt)
			if err != nil {
				return fmt.Errorf("level3: %w", err)
			}
			return co.write(r, "level3", "mpc-sample-efficiency", "gating-sample-efficiency", "variance-error-binned")
		},
	}
}
