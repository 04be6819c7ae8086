package analysis

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"

	"github.com/dynago/dynago/lib/format"
	"github.com/dynago/dynago/lib/markdown"
)

// Settings returns the run's settings from its metrics file's
// format.RunSettingsKey metadata. A file without it (a run made before
// bin/run recorded settings) is an error naming the file and saying to
// rerun it; reports never guess a setting from a variant's name.
func Settings(r *Run) (map[string]string, error) {
	js, ok := r.Meta[format.RunSettingsKey]
	if !ok {
		return nil, fmt.Errorf("%s has no %s metadata (the run's settings): rerun it with bin/run (make ... OUT=DIR)", r.Path, format.RunSettingsKey)
	}
	var s map[string]string
	if err := json.Unmarshal([]byte(js), &s); err != nil {
		return nil, fmt.Errorf("%s: %s metadata: %w", r.Path, format.RunSettingsKey, err)
	}
	if s == nil {
		s = map[string]string{}
	}
	return s, nil
}

// Setting returns the value of the setting name that the runs share, and
// false when none of them has it; runs that disagree, or some lacking it,
// are an error naming both.
func Setting(runs []*Run, name string) (string, bool, error) {
	var val string
	var have, lack *Run
	for _, r := range runs {
		s, err := Settings(r)
		if err != nil {
			return "", false, err
		}
		v, ok := s[name]
		switch {
		case !ok:
			lack = r
		case have == nil:
			have, val = r, v
		case v != val:
			return "", false, fmt.Errorf("variant %s: runs %s and %s have %s = %s and %s", r.Variant, have.Name, r.Name, name, val, v)
		}
	}
	if have != nil && lack != nil {
		return "", false, fmt.Errorf("variant %s: run %s has %s = %s, run %s (%s) none", have.Variant, have.Name, name, val, lack.Name, lack.Path)
	}
	return val, have != nil, nil
}

// PerRun returns f of each run, in order; the first error names its run.
func PerRun(runs []*Run, f func(*Run) (float64, error)) ([]float64, error) {
	out := make([]float64, len(runs))
	for i, r := range runs {
		v, err := f(r)
		if err != nil {
			return nil, fmt.Errorf("run %s (variant %s, seed %d): %w", r.Name, r.Variant, r.Seed, err)
		}
		out[i] = v
	}
	return out, nil
}

// MeanOver returns a function giving the mean of a run's unindexed metric
// over its values at real steps in (from, to]; a run without any is an
// error.
func MeanOver(metric string, from, to float64) func(*Run) (float64, error) {
	return func(r *Run) (float64, error) {
		steps, values := r.Series(metric, format.NoIndex)
		var s float64
		n := 0
		for i, st := range steps {
			if st > from && st <= to {
				s += values[i]
				n++
			}
		}
		if n == 0 {
			return 0, fmt.Errorf("no %s in (%s, %s] real steps", metric, markdown.Num(from), markdown.Num(to))
		}
		return s / float64(n), nil
	}
}

// FirstAtOrAbove returns the first real step at which the run's unindexed
// metric is at or above threshold, and false when it never is.
func FirstAtOrAbove(r *Run, metric string, threshold float64) (float64, bool) {
	steps, values := r.Series(metric, format.NoIndex)
	for i, v := range values {
		if v >= threshold {
			return steps[i], true
		}
	}
	return 0, false
}

// PeakDrop returns a run's largest value of the unindexed metric minus the
// mean of its last n values (0 when the run ends at its peak): how far it
// fell from its best.
func PeakDrop(metric string, n int) func(*Run) (float64, error) {
	return func(r *Run) (float64, error) {
		_, values := r.Series(metric, format.NoIndex)
		if len(values) == 0 {
			return 0, fmt.Errorf("no %s rows", metric)
		}
		n := min(max(n, 1), len(values))
		var s float64
		for _, v := range values[len(values)-n:] {
			s += v
		}
		return max(slices.Max(values)-s/float64(n), 0), nil
	}
}

// IndexedPairs returns, for every run, every real step at which it has
// both metrics and every index they share there, the pairs (x, y) of
// metric x's and metric y's values: for example an ensemble's mean
// variance and mean error per variance bin. Pairs with a non-finite value
// are left out.
func IndexedPairs(runs []*Run, xMetric, yMetric string) (x, y []float64) {
	type key struct{ step, index int64 }
	for _, r := range runs {
		xs := map[key]float64{}
		var order []key
		for _, row := range r.Rows {
			if row.Metric == xMetric {
				k := key{row.RealSteps, row.Index}
				if _, ok := xs[k]; !ok {
					order = append(order, k)
				}
				xs[k] = row.Value
			}
		}
		ys := map[key]float64{}
		for _, row := range r.Rows {
			if row.Metric == yMetric {
				ys[key{row.RealSteps, row.Index}] = row.Value
			}
		}
		for _, k := range order {
			yv, ok := ys[k]
			if ok && !math.IsNaN(xs[k]) && !math.IsInf(xs[k], 0) && !math.IsNaN(yv) && !math.IsInf(yv, 0) {
				x, y = append(x, xs[k]), append(y, yv)
			}
		}
	}
	return x, y
}

// SubGrid returns the steps of g at or after the latest first step of the
// runs' unindexed metric and at or before the earliest last one, so that
// every run has a value at or before each (for metrics recorded at other
// steps than the grid's, such as per-iteration metrics on an evaluation
// grid). The result is Carried.
func SubGrid(g Grid, runs []*Run, metric string) (Grid, error) {
	first, last := math.Inf(-1), math.Inf(1)
	for _, r := range runs {
		steps, _ := r.Series(metric, format.NoIndex)
		if len(steps) == 0 {
			return Grid{}, fmt.Errorf("run %s (variant %s, seed %d) has no %s rows", r.Name, r.Variant, r.Seed, metric)
		}
		first, last = max(first, steps[0]), min(last, steps[len(steps)-1])
	}
	out := Grid{Carried: true}
	for _, s := range g.Steps {
		if s >= first && s <= last {
			out.Steps = append(out.Steps, s)
		}
	}
	if len(out.Steps) == 0 {
		return Grid{}, fmt.Errorf("no grid step lies within every run's %s curve", metric)
	}
	return out, nil
}

// EnvOf returns the environment the runs share (their ENV setting), or
// def when they record none or disagree.
func EnvOf(runs []*Run, def string) string {
	if v, ok, err := Setting(runs, "ENV"); err == nil && ok {
		return v
	}
	return def
}
