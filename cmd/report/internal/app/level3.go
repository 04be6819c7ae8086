package app

import (
	"fmt"
	"path/filepath"

	"github.com/urfave/cli/v2"

	"github.com/dynago/dynago/cmd/report/internal/level3"
	"github.com/dynago/dynago/lib/analysis"
	"github.com/dynago/dynago/lib/stats"
	"github.com/dynago/dynago/lib/tool"
)

// Level3Example is the worked example of "report level3 --help"; the test
// runs it on generated runs in runs/level3.
const Level3Example = `report level3 --runs runs/level3 --out runs/level3/report.md --seed 1`

func level3Command() *cli.Command {
	return &cli.Command{
		Name:  "level3",
		Usage: "ensembles and epistemic uncertainty, uncertainty-gated imagination, CEM MPC against Dyna-PPO",
		Description: `Reads DIR/*/metrics.arrow and writes the Level-3 report. Variants are
recognised by name, as pipelines/level3.mk writes them: ppo, mpc,
dyna-m<M> (Dyna-PPO with M ensemble members), dyna-m<M>-gate<TAU> (imagined
steps gated at var_delta < TAU) and either with -stress (a stress setting,
read from the runs' settings.mk). Sections whose runs are missing say which
make target makes them.

Example:

   $ ` + Level3Example,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "runs", Required: true, Usage: "`DIR` holding one directory per run"},
			&cli.StringFlag{Name: "out", Usage: "report `PATH` (default DIR/report.md); figures go to its directory's fig/"},
			&cli.Uint64Flag{Name: "seed", Value: 0, Usage: "bootstrap random `SEED`"},
			&cli.IntFlag{Name: "reps", Value: stats.DefaultReps, Usage: "bootstrap resamples `N` (RLiable uses 50,000; use that for a paper)"},
			&cli.Float64Flag{Name: "confidence", Value: stats.DefaultConfidence, Usage: "interval coverage in (0, 1)"},
			&cli.Float64Flag{Name: "threshold", Value: 475, Usage: "the `RETURN` whose steps-to-reach MPC and Dyna-PPO are compared on"},
			&cli.IntFlag{Name: "m", Usage: "ensemble size `M` of the gating and MPC comparisons (default: that of the gated runs)"},
		},
		Action: func(c *cli.Context) error {
			if c.Args().Len() > 0 {
				return tool.Usagef("unexpected argument %q", c.Args().First())
			}
			opt := level3.Options{
				Runs: c.String("runs"), Out: c.String("out"),
				Boot:      analysis.Bootstrap{Seed: c.Uint64("seed"), Reps: c.Int("reps"), Confidence: c.Float64("confidence")},
				Threshold: c.Float64("threshold"), M: c.Int("m"),
				Command: tool.Provenance(c)["args"],
			}
			if opt.Out == "" {
				opt.Out = filepath.Join(opt.Runs, "report.md")
			}
			switch {
			case opt.Boot.Reps < 1:
				return tool.Usagef("--reps %d: must be at least 1", opt.Boot.Reps)
			case !(opt.Boot.Confidence > 0 && opt.Boot.Confidence < 1):
				return tool.Usagef("--confidence %g: must be in (0, 1)", opt.Boot.Confidence)
			case !(opt.Threshold > 0):
				return tool.Usagef("--threshold %g: must be positive", opt.Threshold)
			case opt.M < 0:
				return tool.Usagef("--m %d: must be at least 1 (or 0 to pick it from the runs)", opt.M)
			}
			r, _, err := level3.Build(opt)
			if err != nil {
				return fmt.Errorf("level3: %w", err)
			}
			return r.Write()
		},
	}
}
