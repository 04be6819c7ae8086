package analysis

import (
	"fmt"
	"math"
	"slices"

	"github.com/dynago/dynago/lib/format"
	"github.com/dynago/dynago/lib/markdown"
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

// CommonIndexValues returns the indices of metric (the k of model_ek) that
// every one of runs has at its last checkpoint at or before at, and each
// run's values at them: values[i][k] is run i's value at index idx[k].
// Runs without a common index give none (and no error).
func CommonIndexValues(runs []*Run, metric string, at float64) (idx []int64, values [][]float64, err error) {
	step := make([]int64, len(runs))
	for i, r := range runs {
		st, err := checkpoint(r, metric, at)
		if err != nil {
			return nil, nil, err
		}
		step[i] = st
		ri := r.Indices(metric, st)
		if i == 0 {
			idx = ri
		} else {
			idx = slices.DeleteFunc(idx, func(k int64) bool { return !slices.Contains(ri, k) })
		}
	}
	if len(idx) == 0 {
		return nil, nil, nil
	}
	values = make([][]float64, len(runs))
	for i, r := range runs {
		values[i] = make([]float64, len(idx))
		for k, ix := range idx {
			values[i][k] = valueAt(r, metric, ix, step[i])
		}
	}
	return idx, values, nil
}

// checkpoint returns the run's last step at or before at with rows of
// metric.
func checkpoint(r *Run, metric string, at float64) (int64, error) {
	best := int64(-1)
	for _, row := range r.Rows {
		if row.Metric == metric && float64(row.RealSteps) <= at && row.RealSteps > best {
			best = row.RealSteps
		}
	}
	if best < 0 {
		return 0, fmt.Errorf("run %s (variant %s, seed %d) has no %s at or before %s real steps", r.Name, r.Variant, r.Seed, metric, markdown.Num(at))
	}
	return best, nil
}

// Checkpoints returns the real steps at which every one of runs has rows
// of metric, sorted.
func Checkpoints(runs []*Run, metric string) []float64 {
	var common []float64
	for i, r := range runs {
		var st []float64
		for _, row := range r.Rows {
			if row.Metric == metric && !slices.Contains(st, float64(row.RealSteps)) {
				st = append(st, float64(row.RealSteps))
			}
		}
		if i == 0 {
			common = st
		} else {
			common = slices.DeleteFunc(common, func(s float64) bool { return !slices.Contains(st, s) })
		}
	}
	slices.Sort(common)
	return common
}

func valueAt(r *Run, metric string, index, step int64) float64 {
	v := math.NaN()
	for _, row := range r.Rows {
		if row.Metric == metric && row.Index == index && row.RealSteps == step {
			v = row.Value
		}
	}
	return v
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
