package present

import (
	"fmt"

	"github.com/dynago/dynago/lib/estimate"
	"github.com/dynago/dynago/lib/figure"
	"github.com/dynago/dynago/lib/markdown"
	"github.com/dynago/dynago/lib/stats"
)

// EstimatesTable returns a row per variant: runs, then each metric's
// point estimate and interval.
func EstimatesTable(title string, est []estimate.Estimate, metrics []stats.Metric) *markdown.Table {
	t := &markdown.Table{Title: title, Columns: []string{"variant", "runs"}}
	for _, m := range metrics {
		t.Columns = append(t.Columns, m.Name, m.Name+" CI")
	}
	for _, e := range est {
		row := []string{e.Variant, fmt.Sprint(e.Runs)}
		for _, iv := range e.Intervals {
			row = append(row, markdown.Num(iv.Point), markdown.CI(iv))
		}
		t.Add(row...)
	}
	return t
}

// EstimatesFigure draws RLiable's interval-estimates figure of est.
func EstimatesFigure(path string, est []estimate.Estimate, metrics []stats.Metric, xlabel string) error {
	variants := make([]string, len(est))
	for i, e := range est {
		variants[i] = e.Variant
	}
	panels := make([]figure.Panel, len(metrics))
	for k, m := range metrics {
		panels[k] = figure.Panel{Metric: m.Name}
		for _, e := range est {
			panels[k].Estimates = append(panels[k].Estimates, e.Intervals[k])
		}
	}
	return figure.IntervalEstimates(path, variants, panels, figure.IntervalOptions{XLabel: xlabel})
}

// StepsTable returns a row per variant: fraction of runs reaching the
// threshold and the IQM of steps with its interval.
func StepsTable(title string, st []estimate.StepsTo) *markdown.Table {
	t := &markdown.Table{Title: title, Columns: []string{"variant", "runs", "reached", "IQM steps", "CI"}}
	for _, e := range st {
		t.Add(e.Variant, fmt.Sprint(len(e.Steps)), markdown.Pct(e.Reached), markdown.Num(e.Point), markdown.CI(e.Interval))
	}
	return t
}

// ImprovementFigure draws lib/figure's probability-of-improvement figure
// of the comparisons, a row per pair in the order given.
func ImprovementFigure(path string, imp []estimate.Comparison, opt figure.Options) error {
	pairs := make([]figure.Comparison, len(imp))
	for i, c := range imp {
		pairs[i] = figure.Comparison{X: c.X, Y: c.Y, P: c.P}
	}
	return figure.ProbabilityOfImprovement(path, pairs, opt)
}

// Series returns the curve as lib/figure draws it: its line and bands.
func Series(c estimate.Curve) figure.Series {
	return figure.SeriesFromIntervals(c.Variant, c.X, c.Est)
}

// CurvesFigure draws the curves with their bands.
func CurvesFigure(path string, curves []estimate.Curve, opt figure.LineOptions) error {
	return CurvesFigureKind(path, curves, figure.Lines, opt)
}

// CurvesFigureKind draws the curves with a figure function of lib/figure
// taking series (SampleEfficiency, PerformanceProfiles, Lines).
func CurvesFigureKind(path string, curves []estimate.Curve, draw func(string, []figure.Series, figure.LineOptions) error, opt figure.LineOptions) error {
	series := make([]figure.Series, len(curves))
	for i, c := range curves {
		series[i] = Series(c)
	}
	return draw(path, series, opt)
}
