package estimate

import (
	"fmt"
	"math"

	"github.com/dynago/dynago/lib/analysis"
	"github.com/dynago/dynago/lib/format/metric"
	"github.com/dynago/dynago/lib/stats"
)

// StepsTo is a variant's steps to reach a threshold.
type StepsTo struct {
	Variant string
	stats.StepsEstimate
}

// evalCurves returns the runs' eval_return curves.
func evalCurves(runs []*analysis.Run) ([]stats.Curve, error) {
	if err := analysis.CheckMetric(runs, metric.EvalReturn); err != nil {
		return nil, err
	}
	c := make([]stats.Curve, len(runs))
	for i, r := range runs {
		c[i].Steps, c[i].Values = r.Series(metric.EvalReturn, -1)
	}
	return c, nil
}

// StepsToThreshold returns, per variant, the steps its runs need to reach
// threshold in eval_return (the first evaluation at or above it; runs that
// never reach it count as the largest step of any run, a lower bound).
func StepsToThreshold(s *analysis.Set, threshold float64, b Bootstrap) ([]StepsTo, error) {
	budget, err := budget(s.Runs)
	if err != nil {
		return nil, err
	}
	var out []StepsTo
	for _, v := range s.Variants() {
		c, err := evalCurves(s.Of(v))
		if err != nil {
			return nil, err
		}
		e := stats.StepsToThresholdEstimate(b.Rand("steps/"+v), c, threshold,
			stats.ThresholdOptions{Budget: budget, Bootstrap: b.Options()})
		out = append(out, StepsTo{Variant: v, StepsEstimate: e})
	}
	return out, nil
}

// StepsDifference returns the steps variant a needs to reach threshold
// minus those of b (negative: a is sooner), with a bootstrap interval.
func StepsDifference(s *analysis.Set, a, bv string, threshold float64, b Bootstrap) (stats.Interval, error) {
	budget, err := budget(s.Runs)
	if err != nil {
		return stats.Interval{}, err
	}
	ca, err := evalCurves(s.Of(a))
	if err != nil {
		return stats.Interval{}, err
	}
	cb, err := evalCurves(s.Of(bv))
	if err != nil {
		return stats.Interval{}, err
	}
	if len(ca) == 0 || len(cb) == 0 {
		return stats.Interval{}, fmt.Errorf("no runs of variant %q or %q", a, bv)
	}
	return stats.StepsToThresholdDifference(b.Rand("steps-diff/"+a+"/"+bv), ca, cb, threshold,
		stats.ThresholdOptions{Budget: budget, Bootstrap: b.Options()}), nil
}

// budget is the largest eval step of any run.
func budget(runs []*analysis.Run) (float64, error) {
	c, err := evalCurves(runs)
	if err != nil {
		return 0, err
	}
	m := math.Inf(-1)
	for _, x := range c {
		m = max(m, x.Steps[len(x.Steps)-1])
	}
	return m, nil
}
