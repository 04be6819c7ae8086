package app

import (
	"fmt"
	"os"
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
			figuresFlag := "--figures"
			if opt.Figures == "" {
				opt.Figures = filepath.Join(filepath.Dir(opt.Out), "results")
				figuresFlag = "--figures (default: results/ beside --out)"
			}
			if err := checkResultsPaths(opt, figuresFlag); err != nil {
				return err
			}
			if err := results.Write(opt); err != nil {
				return fmt.Errorf("results: %w", err)
			}
			return nil
		},
	}
}

// checkResultsPaths is a usage error if --runs or --out is empty, --out
// is not a file that can be replaced (a directory, a named pipe) or lies
// in an experiment's directory (answers.json, a figure, report.md), or
// the figures' directory overlaps --runs or --out: the copies would land
// among the inputs, or RESULTS.md among the copies. Paths are compared
// absolute, with symbolic links of their existing part resolved.
func checkResultsPaths(opt results.Options, figuresFlag string) error {
	switch {
	case opt.Runs == "":
		return tool.Usagef("--runs: must not be empty")
	case opt.Out == "":
		return tool.Usagef("--out: must not be empty")
	}
	if st, err := os.Stat(opt.Out); err == nil && st.IsDir() {
		return tool.Usagef("--out %q is a directory: give the results file's path", opt.Out)
	} else if err == nil && !st.Mode().IsRegular() {
		return tool.Usagef("--out %q is not a regular file (%v)", opt.Out, st.Mode().Type())
	}
	runs, out, figs := resolve(opt.Runs), resolve(opt.Out), resolve(opt.Figures)
	switch {
	case within(figs, runs) || within(runs, figs):
		return tool.Usagef("%s %q overlaps --runs %q: the copied figures would land among the runs", figuresFlag, opt.Figures, opt.Runs)
	case within(figs, out):
		return tool.Usagef("%s %q is inside --out %q", figuresFlag, opt.Figures, opt.Out)
	case within(out, figs):
		return tool.Usagef("--out %q is inside %s %q: it could replace a copied figure", opt.Out, figuresFlag, opt.Figures)
	}
	ents, _ := os.ReadDir(opt.Runs) // a bad --runs is reported when read
	for _, ent := range ents {
		exp := resolve(filepath.Join(opt.Runs, ent.Name()))
		if st, err := os.Stat(exp); err == nil && st.IsDir() && within(out, exp) {
			return tool.Usagef("--out %q is inside the experiment %q of --runs: it could replace its answers, figures or report", opt.Out, ent.Name())
		}
	}
	return nil
}

// resolve returns p absolute and clean, with the symbolic links of its
// longest existing prefix resolved.
func resolve(p string) string {
	abs, err := filepath.Abs(p)
	if err != nil {
		return filepath.Clean(p)
	}
	rest := ""
	for dir := abs; ; dir = filepath.Dir(dir) {
		if r, err := filepath.EvalSymlinks(dir); err == nil {
			return filepath.Join(r, rest)
		}
		if filepath.Dir(dir) == dir {
			return abs
		}
		rest = filepath.Join(filepath.Base(dir), rest)
	}
}

// within reports whether path p is dir or lies under it.
func within(p, dir string) bool {
	rel, err := filepath.Rel(dir, p)
	return err == nil && filepath.IsLocal(rel)
}
