package analysis

import (
	"fmt"
	"math"
	"slices"

	"github.com/dynago/dynago/lib/format"
	"github.com/dynago/dynago/lib/markdown"
	"github.com/dynago/dynago/lib/stats"
)

// RunValues returns each run's score of metric at p, in the runs' order.
func RunValues(runs []*Run, metric string, p Point) ([]float64, error) {
	out := make([]float64, len(runs))
	for i, r := range runs {
		v, err := p.Score(r, metric)
		if err != nil {
			return nil, err
		}
		out[i] = v
	}
	return out, nil
}

// IndexValues returns each run's value of metric at index (the k of
// model_ek) at its last checkpoint at or before at.
func IndexValues(runs []*Run, metric string, index int64, at float64) ([]float64, error) {
	out := make([]float64, len(runs))
	for i, r := range runs {
		st, err := checkpoint(r, metric, at)
		if err != nil {
			return nil, err
		}
		out[i] = valueAt(r, metric, index, st)
		if math.IsNaN(out[i]) {
			return nil, fmt.Errorf("run %s (variant %s, seed %d) has no %s at %s real steps", r.Name, r.Variant, r.Seed, label(metric, index), markdown.Num(float64(st)))
		}
	}
	return out, nil
}

// IQMInterval returns the IQM of values (one per run) with a percentile
// bootstrap interval from resampling runs, drawn from the generator of
// label.
func IQMInterval(b Bootstrap, label string, values []float64) stats.Interval {
	return stats.RunsInterval(b.Rand(label), values, stats.IQMOf, b.Options())
}

// CurveAreas returns, for each run, the normalised area under its curve
// of metric on the grid: the trapezoidal integral over real steps divided
// by the grid's span, so the mean value over training (a return of 500
// throughout gives 500). A grid of one step gives that step's value.
func CurveAreas(runs []*Run, metric string, g Grid) ([]float64, error) {
	if len(g.Steps) == 0 {
		return nil, fmt.Errorf("curve areas: empty grid")
	}
	out := make([]float64, len(runs))
	for i, r := range runs {
		y := g.Sample(r, metric, format.NoIndex)
		if slices.ContainsFunc(y, math.IsNaN) {
			return nil, fmt.Errorf("run %s (variant %s, seed %d) has no %s at or before %s real steps", r.Name, r.Variant, r.Seed, metric, markdown.Num(g.Steps[0]))
		}
		out[i] = trapezoidMean(g.Steps, y)
	}
	return out, nil
}

func trapezoidMean(x, y []float64) float64 {
	if len(x) == 1 {
		return y[0]
	}
	var a float64
	for i := 1; i < len(x); i++ {
		a += float64((x[i] - x[i-1]) * (y[i] + y[i-1]) / 2)
	}
	return a / (x[len(x)-1] - x[0])
}
