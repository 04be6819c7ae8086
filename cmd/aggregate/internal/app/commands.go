package app

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/dynago/dynago/lib/analysis"
	"github.com/dynago/dynago/lib/estimate"
	"github.com/dynago/dynago/lib/figure"
	"github.com/dynago/dynago/lib/format"
	"github.com/dynago/dynago/lib/format/metric"
	"github.com/dynago/dynago/lib/markdown"
	"github.com/dynago/dynago/lib/present"
	"github.com/dynago/dynago/lib/stats"
	"github.com/dynago/dynago/lib/tool"
)

func summaryCommand() *cli.Command {
	return &cli.Command{
		Name:  "summary",
		Usage: "IQM, mean, median and optimality gap per variant with intervals",
		Description: help(`Scores each run (by default its last eval_return, normalised to [0, 1]),
then per variant estimates IQM, mean, median and optimality gap (below
--gap-threshold) with stratified bootstrap intervals: a table and
RLiable's interval-estimates figure.`, "summary"),
		Flags: append(append(common("summary"), scoreFlags()...),
			&cli.Float64Flag{Name: "gap-threshold", Value: 1, Usage: "optimality-gap threshold on normalised scores"}),
		Action: func(c *cli.Context) error {
			e, err := setup(c)
			if err != nil {
				return err
			}
			sc, notes, err := e.scores()
			if err != nil {
				return err
			}
			gap := c.Float64("gap-threshold")
			if !finite(gap) {
				return tool.Usagef("--gap-threshold %g: must be finite", gap)
			}
			metrics := stats.RliableMetrics(gap)
			est := estimate.IntervalEstimates(sc, metrics, e.boot)
			t := present.EstimatesTable("Aggregate scores", est, metrics)
			t.Notes = notes
			if err := e.write(t); err != nil {
				return err
			}
			return e.finish(e.figure(func(p string) error { return present.EstimatesFigure(p, est, metrics, "Normalized score") }))
		},
	}
}

func poiCommand() *cli.Command {
	return &cli.Command{
		Name:  "poi",
		Usage: "probability of improvement P(X > Y) for pairs of variants",
		Description: help(`Scores each run as summary does, then for every pair of variants (or
those of --pairs) estimates the probability that a run of X scores above
a run of Y, with a bootstrap interval: a table and a figure.`, "poi"),
		Flags: append(append(common("poi"), scoreFlags()...),
			&cli.StringFlag{Name: "pairs", Usage: "pairs `X:Y,...` (default: every pair)"}),
		Action: func(c *cli.Context) error {
			e, err := setup(c)
			if err != nil {
				return err
			}
			pp, err := e.pairs("pairs")
			if err != nil {
				return err
			}
			if len(pp) == 0 {
				return fmt.Errorf("probability of improvement: need two variants, have %s", strings.Join(e.set.Variants(), ", "))
			}
			sc, notes, err := e.scores()
			if err != nil {
				return err
			}
			imp, err := estimate.ProbabilityOfImprovement(sc, pp, e.boot)
			if err != nil {
				return err
			}
			t := improvementTable("Probability of improvement", imp)
			t.Notes = notes
			if err := e.write(t); err != nil {
				return err
			}
			return e.finish(e.figure(func(p string) error { return present.ImprovementFigure(p, imp, figure.Options{}) }))
		},
	}
}

func profilesCommand() *cli.Command {
	return &cli.Command{
		Name:  "profiles",
		Usage: "performance profiles (fraction of runs above each score) with bands",
		Description: help(`Scores each run as summary does, then per variant the fraction of runs
scoring above each tau from 0 to the highest score (at least 1), with
bootstrap bands: a figure and its values in long form.`, "profiles"),
		Flags: append(append(common("profiles"), scoreFlags()...),
			&cli.IntFlag{Name: "taus", Value: 101, Usage: "number of thresholds tau, in [2, 1000]"}),
		Action: func(c *cli.Context) error {
			// Each tau keeps one value per resample: bound both and their product.
			switch n := c.Int("taus"); {
			case n < 2 || n > maxTaus:
				return tool.Usagef("--taus %d: must be in [2, %d]", n, maxTaus)
			case float64(n)*float64(c.Int("reps")) > maxProfileValues:
				return tool.Usagef("--taus %d with --reps %d: %d bootstrap values, more than %d; lower one of them", n, c.Int("reps"), n*c.Int("reps"), maxProfileValues)
			}
			e, err := setup(c)
			if err != nil {
				return err
			}
			sc, notes, err := e.scores()
			if err != nil {
				return err
			}
			prof := estimate.Profiles(sc, estimate.Taus(sc, c.Int("taus")), e.boot)
			t := curvesTable("Performance profiles", "tau", "fraction", prof)
			t.Notes = notes
			if err := e.write(t); err != nil {
				return err
			}
			return e.finish(e.figure(func(p string) error {
				return present.CurvesFigureKind(p, prof, figure.PerformanceProfiles, figure.LineOptions{})
			}))
		},
	}
}

// Limits of the profiles subcommand: at most maxTaus thresholds, and at
// most maxProfileValues bootstrap values in all (8 bytes each: 800 MB).
const (
	maxTaus          = 1000
	maxProfileValues = 100_000_000
)

func curvesCommand() *cli.Command {
	return &cli.Command{
		Name:  "curves",
		Usage: "sample-efficiency curves: IQM of eval_return against real steps",
		Description: help(`Aligns the runs' eval_return curves on their evaluation steps and plots,
per variant, the IQM (or mean, --agg) over runs at each step with
stratified bootstrap bands; raw returns unless --normalize.`, "curves"),
		Flags: append(common("curves"), aggFlag(),
			&cli.BoolFlag{Name: "normalize", Usage: "normalise returns as summary does"},
			&cli.Float64Flag{Name: "norm-min", Value: 0, Usage: "with --normalize: normalised 0"},
			&cli.Float64Flag{Name: "norm-max", Value: 500, Usage: "with --normalize: normalised 1"},
			&cli.StringSliceFlag{Name: "norm", Usage: "with --normalize: per-task bounds `TASK=MIN:MAX`"}),
		Action: func(c *cli.Context) error {
			e, err := setup(c)
			if err != nil {
				return err
			}
			agg, err := aggregate(c)
			if err != nil {
				return err
			}
			opt := estimate.CurveOptions{Metric: metric.EvalReturn, Index: format.NoIndex, Agg: agg}
			ylabel := agg.Name + " return"
			if c.Bool("normalize") {
				if opt.Norm, err = normalization(c); err != nil {
					return err
				}
				ylabel = agg.Name + " normalized return"
			}
			if err := analysis.CheckMetric(e.set.Runs, metric.EvalReturn); err != nil {
				return err
			}
			curves, g, err := estimate.Curves(e.set, opt, e.boot)
			if err != nil {
				return err
			}
			t := curvesTable("Sample efficiency", "real_steps", strings.ToLower(agg.Name), curves)
			if n := g.Note(); n != "" {
				t.Notes = append(t.Notes, n)
			}
			if err := e.write(t); err != nil {
				return err
			}
			return e.finish(e.figure(func(p string) error {
				return present.CurvesFigure(p, curves, figure.LineOptions{XLabel: "Real environment steps", YLabel: ylabel})
			}))
		},
	}
}

func stepsCommand() *cli.Command {
	return &cli.Command{
		Name:  "steps-to",
		Usage: "real steps to reach a return threshold, per variant and as differences",
		Description: help(`Finds each run's first evaluation with eval_return at or above the
threshold (--threshold, or --fraction of --reference's final IQM), and
per variant the fraction of runs reaching it and the IQM of steps with a
bootstrap interval (runs that never reach count as the last step: a lower
bound); then the difference between pairs of variants (--compare X:Y is
steps of X minus steps of Y; negative means X is sooner).`, "steps-to"),
		Flags: append(common("steps-to"),
			&cli.Float64Flag{Name: "threshold", Usage: "absolute return `THRESHOLD`"},
			&cli.Float64Flag{Name: "fraction", Usage: "threshold as this `FRACTION` in (0, 1] of --reference's final IQM"},
			&cli.StringFlag{Name: "reference", Usage: "reference `VARIANT` for --fraction"},
			&cli.IntFlag{Name: "final", Value: 1, Usage: "reference's final return: mean of each run's last `N` evaluations"},
			&cli.StringFlag{Name: "compare", Usage: "pairs `X:Y,...` to difference (default: every pair)"}),
		Action: func(c *cli.Context) error {
			e, err := setup(c)
			if err != nil {
				return err
			}
			cmp, err := e.pairs("compare")
			if err != nil {
				return err
			}
			thr, why, err := threshold(c, e)
			if err != nil {
				return err
			}
			st, err := estimate.StepsToThreshold(e.set, thr, e.boot)
			if err != nil {
				return err
			}
			t := present.StepsTable("Real steps to reach a return of "+markdown.Num(thr), st)
			t.Columns = append(t.Columns, "difference", "difference CI")
			for i := range t.Rows {
				t.Rows[i] = append(t.Rows[i], "", "")
			}
			for _, p := range cmp {
				d, err := estimate.StepsDifference(e.set, p[0], p[1], thr, e.boot)
				if err != nil {
					return err
				}
				t.Add(p[0]+" - "+p[1], "", "", "", "", markdown.Num(d.Point), markdown.CI(d))
			}
			t.Notes = []string{why, "Steps: first evaluation at or above the threshold; runs that never reach it count as the last evaluation step, so their variant's steps are a lower bound."}
			return e.finish(e.write(t))
		},
	}
}

// threshold returns the threshold of --threshold or --fraction and
// --reference, with a sentence saying where it came from.
func threshold(c *cli.Context, e *env) (float64, string, error) {
	switch {
	case c.IsSet("threshold") && (c.IsSet("fraction") || c.IsSet("reference")):
		return 0, "", tool.Usagef("--threshold and --fraction/--reference: give one")
	case c.IsSet("threshold"):
		if thr := c.Float64("threshold"); !finite(thr) {
			return 0, "", tool.Usagef("--threshold %g: must be finite", thr)
		}
		return c.Float64("threshold"), "Threshold: given.", nil
	case c.IsSet("fraction") != c.IsSet("reference"):
		return 0, "", tool.Usagef("--fraction and --reference go together")
	case !c.IsSet("fraction"):
		return 0, "", tool.Usagef("give --threshold, or --fraction with --reference")
	}
	f := c.Float64("fraction")
	if !(f > 0 && f <= 1) {
		return 0, "", tool.Usagef("--fraction %g: must be in (0, 1]", f)
	}
	n := c.Int("final")
	if n < 1 {
		return 0, "", tool.Usagef("--final %d: must be at least 1", n)
	}
	ref := c.String("reference")
	if len(e.set.Of(ref)) == 0 {
		return 0, "", fmt.Errorf("--reference %q: no runs of that variant (variants: %s)", ref, strings.Join(e.set.Variants(), ", "))
	}
	iqm, err := estimate.FinalIQM(e.set, ref, n, e.boot)
	if err != nil {
		return 0, "", err
	}
	thr := f * iqm.Point
	return thr, fmt.Sprintf("Threshold: %s × the IQM of %s's %s return (%s) = %s.",
		markdown.Num(f), ref, analysis.Point{Final: n}, markdown.Num(iqm.Point), markdown.Num(thr)), nil
}

func metricCommand() *cli.Command {
	return &cli.Command{
		Name:  "metric",
		Usage: "curves of any metric against real steps, or against its index at checkpoints",
		Description: help(`Plots the IQM (or mean, --agg) over runs of --metric with bootstrap bands:
against real steps (for an indexed metric, the value at --index), or with
--at STEPS against the metric's index (E_k against k), one curve per
variant and checkpoint; each run contributes its last checkpoint at or
before each of --at. Variants without the metric are left out.`, "metric"),
		Flags: append(common("metric"), aggFlag(),
			&cli.StringFlag{Name: "metric", Required: true, Usage: "`METRIC` to plot, e.g. model_mse_delta or model_ek"},
			&cli.Int64Flag{Name: "index", Value: format.NoIndex, Usage: "against steps: the metric's index `K` (default: none)"},
			&cli.StringFlag{Name: "at", Usage: "plot against the index at real-step checkpoints `S1,S2,...`"},
			&cli.BoolFlag{Name: "logy", Usage: "logarithmic Y axis"}),
		Action: func(c *cli.Context) error {
			e, err := setup(c)
			if err != nil {
				return err
			}
			agg, err := aggregate(c)
			if err != nil {
				return err
			}
			metric := c.String("metric")
			opt := figure.LineOptions{LogY: c.Bool("logy"), YLabel: agg.Name + " " + metric}
			if c.IsSet("at") {
				if c.IsSet("index") {
					return tool.Usagef("--at and --index: give one")
				}
				var at []float64
				for _, s := range list(c.String("at")) {
					v, err := strconv.ParseFloat(s, 64)
					if err != nil || !(v >= 0) || !finite(v) {
						return tool.Usagef("--at %q: want finite real steps >= 0 separated by commas", c.String("at"))
					}
					at = append(at, v)
				}
				var curves []estimate.Curve
				for _, s := range at {
					cs, err := estimate.IndexCurves(e.set, metric, s, agg, e.boot)
					if err != nil {
						return err
					}
					for _, cv := range cs {
						cv.Variant += " @ " + markdown.Num(s)
						curves = append(curves, cv)
					}
				}
				t := curvesTable(metric+" against its index", "index", strings.ToLower(agg.Name), curves)
				t.Notes = []string{"Variant @ S: runs' last checkpoint at or before S real steps."}
				if err := e.write(t); err != nil {
					return err
				}
				opt.XLabel = "index k"
				return e.finish(e.figure(func(p string) error { return present.CurvesFigure(p, curves, opt) }))
			}
			curves, g, err := estimate.Curves(e.set, estimate.CurveOptions{Metric: metric, Index: c.Int64("index"), Agg: agg}, e.boot)
			if err != nil {
				return err
			}
			t := curvesTable(metric+" against real steps", "real_steps", strings.ToLower(agg.Name), curves)
			if n := g.Note(); n != "" {
				t.Notes = append(t.Notes, n)
			}
			if err := e.write(t); err != nil {
				return err
			}
			opt.XLabel = "Real environment steps"
			return e.finish(e.figure(func(p string) error { return present.CurvesFigure(p, curves, opt) }))
		},
	}
}
