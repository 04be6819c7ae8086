package app

import (
	"fmt"
	"path/filepath"

	"github.com/urfave/cli/v2"

	"github.com/dynago/dynago/cmd/report/internal/results"
	"github.com/dynago/dynago/lib/tool"
)

// ResultsExample is the worked example of "report results --help".
const ResultsExample = `report results --runs runs/results --out docs/RESULTS.md --figures docs/results`

func resultsCommand() *cli.Command {
	return &cli.Command{
		Name:  "results",
		Usage: "gather every experiment's headline answers and main figures into docs/RESULTS.md",
		Description: `Reads DIR/*/answers.json (each level report writes one beside its
report.md: docs/FORMATS.md), copies each experiment's main figures to
FIGURES/<experiment>/ and rewrites the block of --out between the lines
"` + results.Begin + `" and "` + results.End + `": per experiment
its title, environment, the commands that regenerate it, the commit its
report was built from, each question with its answer (intervals as the
report gives them) and its main figures. The rest of --out is left as it
is; without the markers the block goes before its first "## " heading.
make results runs every experiment and then this.

Example:

   $ ` + ResultsExample,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "runs", Required: true, Usage: "`DIR` holding one directory per experiment"},
			&cli.StringFlag{Name: "out", Required: true, Usage: "the results `FILE` (docs/RESULTS.md), created if absent"},
			&cli.StringFlag{Name: "figures", Usage: "`DIR` for the copied figures (default: results/ beside --out)"},
		},
		Action: func(c *cli.Context) error {
			if err := tool.NoArgs(c); err != nil {
				return err
			}
			opt := results.Options{
				Runs: c.String("runs"), Out: c.String("out"), Figures: c.String("figures"),
				Command: tool.Provenance(c)["args"],
			}
			if opt.Figures == "" {
				opt.Figures = filepath.Join(filepath.Dir(opt.Out), "results")
			}
			if err := results.Write(opt); err != nil {
				return fmt.Errorf("results: %w", err)
			}
			return nil
		},
	}
}
