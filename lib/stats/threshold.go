package stats

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// Curve is one run's learning curve: Values[i] was measured after Steps[i]
// environment steps. Steps increase.
type Curve struct {
	Steps, Values []float64
}

// StepsToThreshold returns the first step at which the curve's value is at
// least threshold, or +Inf if it never is. With interpolate, the step is
// interpolated linearly between the last evaluation below threshold and the
// first at or above it; otherwise it is the first evaluation's step.
func StepsToThreshold(c Curve, threshold float64, interpolate bool) float64 {
	if len(c.Steps) != len(c.Values) {
		panic(fmt.Sprintf("stats: curve has %d steps and %d values", len(c.Steps), len(c.Values)))
	}
	for i, v := range c.Values {
		if v < threshold {
			continue
		}
		if !interpolate || i == 0 {
			return c.Steps[i]
		}
		s0, v0 := c.Steps[i-1], c.Values[i-1]
		return s0 + float64((threshold-v0)/(v-v0)*(c.Steps[i]-s0))
	}
	return math.Inf(1)
}

// ThresholdOptions configures StepsToThresholdEstimate and
// StepsToThresholdDifference.
type ThresholdOptions struct {
	Interpolate bool // interpolate between evaluations (see StepsToThreshold)
	// Budget replaces the steps of runs that never reach the threshold when
	// aggregating; 0 means the largest step of any curve given. A run that
	// never reaches is censored: it would have needed more than Budget, so
	// with censored runs the aggregate is a lower bound.
	Budget float64
	// Median aggregates steps over runs with the median; the default is the
	// interquartile mean, as RLiable recommends.
	Median    bool
	Bootstrap BootstrapOptions
}

// StepsEstimate is the steps-to-threshold of a set of runs.
type StepsEstimate struct {
	Steps   []float64 // per run; +Inf for a run that never reached the threshold
	Reached float64   // fraction of runs that reached the threshold
	// Interval is the IQM (or median) of Steps over runs, never-reached
	// runs counted as the budget, with a bootstrap percentile interval over
	// runs.
	Interval
}

// StepsToThresholdEstimate returns how many steps runs need to reach
// threshold. Randomness comes only from rnd.
func StepsToThresholdEstimate(rnd *rand.Rand, runs []Curve, threshold float64, opt ThresholdOptions) StepsEstimate {
	budget := opt.budget(runs)
	steps, censored, reached := censoredSteps(runs, threshold, opt.Interpolate, budget)
	iv := RunsInterval(rnd, censored, opt.aggregate(), opt.Bootstrap)
	return StepsEstimate{Steps: steps, Reached: reached, Interval: iv}
}

// StepsToThresholdDifference returns aggregate steps of a minus those of b
// (negative: a reaches the threshold sooner) with a percentile interval
// from resampling a's and b's runs independently. Both use one budget: the
// largest step of any curve in a or b unless opt.Budget is set.
func StepsToThresholdDifference(rnd *rand.Rand, a, b []Curve, threshold float64, opt ThresholdOptions) Interval {
	budget := opt.budget(append(append([]Curve(nil), a...), b...))
	_, ca, _ := censoredSteps(a, threshold, opt.Interpolate, budget)
	_, cb, _ := censoredSteps(b, threshold, opt.Interpolate, budget)
	return DifferenceInterval(rnd, ca, cb, opt.aggregate(), opt.Bootstrap)
}

func (o ThresholdOptions) budget(runs []Curve) float64 {
	if o.Budget != 0 {
		return o.Budget
	}
	b := math.Inf(-1)
	for _, c := range runs {
		for _, s := range c.Steps {
			b = max(b, s)
		}
	}
	return b
}

// aggregate returns the aggregate over runs' steps as a function that
// copies its argument into a buffer it owns and reorders that.
func (o ThresholdOptions) aggregate() func([]float64) float64 {
	var buf []float64
	return func(v []float64) float64 {
		buf = append(buf[:0], v...)
		if o.Median {
			return medianOf(buf)
		}
		return trimmedMean(buf)
	}
}

func censoredSteps(runs []Curve, threshold float64, interpolate bool, budget float64) (steps, censored []float64, reached float64) {
	if len(runs) == 0 {
		panic("stats: steps to threshold: no runs")
	}
	steps = make([]float64, len(runs))
	censored = make([]float64, len(runs))
	n := 0
	for i, c := range runs {
		steps[i] = StepsToThreshold(c, threshold, interpolate)
		censored[i] = steps[i]
		if math.IsInf(steps[i], 1) {
			censored[i] = budget
		} else {
			n++
		}
	}
	return steps, censored, float64(n) / float64(len(runs))
}
