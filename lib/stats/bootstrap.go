package stats

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
)

// DefaultReps is the number of bootstrap resamples used when
// BootstrapOptions.Reps is zero: 50,000, RLiable's default in
// get_interval_estimates (its create_performance_profile defaults to
// 2,000; here profiles use 50,000 too, so every interval of a report has
// the same resolution). Its cost: BenchmarkIQMInterval50000 (docs/RESULTS.md,
// "lib/stats bootstrap").
const DefaultReps = 50000

// MaxReps bounds BootstrapOptions.Reps: every statistic keeps one value per
// resample, and 1,000,000 resamples (20 times RLiable's default) already
// take 8 MB per statistic. Tools check their --reps against it.
const MaxReps = 1_000_000

// DefaultConfidence is the coverage used when BootstrapOptions.Confidence
// is zero.
const DefaultConfidence = 0.95

// BootstrapOptions configures a stratified bootstrap. The zero value means
// DefaultReps resamples and a 95% percentile interval.
type BootstrapOptions struct {
	Reps       int     // number of resamples; 0 means DefaultReps
	Confidence float64 // interval coverage in (0, 1); 0 means DefaultConfidence
}

// Resolved returns the options with the defaults filled in: the number of
// resamples and the coverage a bootstrap with o uses.
func (o BootstrapOptions) Resolved() BootstrapOptions {
	if o.Reps == 0 {
		o.Reps = DefaultReps
	}
	if o.Confidence == 0 {
		o.Confidence = DefaultConfidence
	}
	return o
}

// withDefaults returns the resolved options; bad ones are a caller bug.
func (o BootstrapOptions) withDefaults() BootstrapOptions {
	o = o.Resolved()
	if o.Reps < 1 || o.Reps > MaxReps {
		panic(fmt.Sprintf("stats: bootstrap reps %d, want 1 to %d", o.Reps, MaxReps))
	}
	if !(o.Confidence > 0 && o.Confidence < 1) {
		panic(fmt.Sprintf("stats: bootstrap confidence %g, want a value in (0, 1)", o.Confidence))
	}
	return o
}

// Interval is a point estimate with a confidence interval [Lo, Hi].
type Interval struct {
	Point, Lo, Hi float64
}

// A Metric is a named aggregate of a [run][task] score matrix. Make one
// with MetricIQM, MetricMean, MetricMedian, MetricOptimalityGap or
// MetricFunc; the zero Metric cannot be evaluated.
type Metric struct {
	Name string
	// eval computes the metric of x; scratch has room for runs × tasks
	// values and may be overwritten.
	eval func(x [][]float64, scratch []float64) float64
}

// Eval returns the metric of the [run][task] matrix x.
func (m Metric) Eval(x [][]float64) float64 {
	runs, tasks := checkMatrix(x)
	return m.eval(x, make([]float64, runs*tasks))
}

// MetricIQM is the interquartile mean (see IQM).
func MetricIQM() Metric { return Metric{Name: "IQM", eval: iqm} }

// MetricMean is the mean over tasks of per-task means (see Mean).
func MetricMean() Metric {
	return Metric{Name: "Mean", eval: func(x [][]float64, _ []float64) float64 { return Mean(x) }}
}

// MetricMedian is the median of per-task means (see Median).
func MetricMedian() Metric { return Metric{Name: "Median", eval: median} }

// MetricOptimalityGap is the optimality gap at threshold (see OptimalityGap).
func MetricOptimalityGap(threshold float64) Metric {
	return Metric{Name: "Optimality Gap", eval: func(x [][]float64, _ []float64) float64 {
		return OptimalityGap(x, threshold)
	}}
}

// MetricFunc wraps any aggregate of a [run][task] matrix as a Metric.
func MetricFunc(name string, f func(x [][]float64) float64) Metric {
	return Metric{Name: name, eval: func(x [][]float64, _ []float64) float64 { return f(x) }}
}

// RliableMetrics returns the four aggregates RLiable reports, in the order
// of dynago's summary tables and figures: IQM, Mean, Median and
// Optimality Gap at threshold.
func RliableMetrics(threshold float64) []Metric {
	return []Metric{MetricIQM(), MetricMean(), MetricMedian(), MetricOptimalityGap(threshold)}
}

// resampler draws stratified bootstrap resamples of a [run][task] matrix
// into a reused buffer: each cell (i, j) of a resample is x[r][j] for a run
// r drawn uniformly with replacement, independently for every cell, so a
// task's column only ever holds that task's scores (RLiable's
// StratifiedBootstrap with task_bootstrap=False).
type resampler struct {
	x   [][]float64
	out [][]float64
}

func newResampler(x [][]float64) *resampler {
	runs, tasks := checkMatrix(x)
	flat := make([]float64, runs*tasks)
	out := make([][]float64, runs)
	for i := range out {
		out[i] = flat[i*tasks : (i+1)*tasks : (i+1)*tasks]
	}
	return &resampler{x: x, out: out}
}

// draw fills r.out with a fresh resample and returns it.
func (r *resampler) draw(rnd *rand.Rand) [][]float64 {
	n := len(r.x)
	for _, row := range r.out {
		for j := range row {
			row[j] = r.x[rnd.IntN(n)][j]
		}
	}
	return r.out
}

// bootstrap calls resample reps times; each call draws a fresh resample and
// writes its len(point) statistics to out. point holds the statistics of the
// data. It returns the percentile intervals around point. Resamples whose
// statistic is NaN (one a statistic cannot be computed on, such as a fit
// on a resample of identical runs) are left out of that statistic's
// percentiles, as numpy's nanpercentile does; when every one is NaN the
// interval is [NaN, NaN].
func bootstrap(reps int, confidence float64, point []float64, resample func(out []float64)) []Interval {
	k := len(point)
	results := make([]float64, k*reps) // results[s*reps+b]: statistic s, resample b
	out := make([]float64, k)
	for b := range reps {
		resample(out)
		for s, v := range out {
			results[s*reps+b] = v
		}
	}
	iv := make([]Interval, k)
	alpha := float64((1 - confidence) / 2) // /2 becomes a product
	for s := range k {
		col := slices.DeleteFunc(results[s*reps:(s+1)*reps], math.IsNaN)
		if len(col) == 0 {
			iv[s] = Interval{Point: point[s], Lo: math.NaN(), Hi: math.NaN()}
			continue
		}
		slices.Sort(col)
		iv[s] = Interval{Point: point[s], Lo: percentile(col, alpha), Hi: percentile(col, 1-alpha)}
	}
	return iv
}

// RunsInterval returns f of the runs' values with a percentile bootstrap
// interval from resampling the runs with replacement (values[i] is run
// i's; any type, such as one run's curve). Each resample draws its runs in
// order from rnd. Resamples on which f is NaN are left out (see the
// package doc).
func RunsInterval[T any](rnd *rand.Rand, values []T, f func([]T) float64, opt BootstrapOptions) Interval {
	if len(values) == 0 {
		panic("stats: runs interval of no runs")
	}
	opt = opt.withDefaults()
	buf := make([]T, len(values))
	return bootstrap(opt.Reps, opt.Confidence, []float64{f(values)}, func(out []float64) {
		resampleInto(rnd, buf, values)
		out[0] = f(buf)
	})[0]
}

// DifferenceInterval returns f(a) - f(b) with a percentile bootstrap
// interval from resampling a's and b's runs independently (one value per
// run; each resample draws a's runs, then b's). With f the mean this is
// the usual two-sample bootstrap of a difference of means.
func DifferenceInterval(rnd *rand.Rand, a, b []float64, f func([]float64) float64, opt BootstrapOptions) Interval {
	if len(a) == 0 || len(b) == 0 {
		panic("stats: difference interval with an empty sample")
	}
	opt = opt.withDefaults()
	ra, rb := make([]float64, len(a)), make([]float64, len(b))
	return bootstrap(opt.Reps, opt.Confidence, []float64{f(a) - f(b)}, func(out []float64) {
		resampleInto(rnd, ra, a)
		resampleInto(rnd, rb, b)
		out[0] = f(ra) - f(rb)
	})[0]
}

// MeanOf returns the mean of v (NaN for none), the f of RunsInterval and
// DifferenceInterval for a mean over runs.
func MeanOf(v []float64) float64 {
	var s float64
	for _, x := range v {
		s += x
	}
	return s / float64(len(v))
}

// resampleInto fills dst with values drawn uniformly with replacement from
// src, in order.
func resampleInto[T any](rnd *rand.Rand, dst, src []T) {
	for i := range dst {
		dst[i] = src[rnd.IntN(len(src))]
	}
}

// percentile returns the q-quantile of sorted a with linear interpolation
// between order statistics (numpy.percentile's default, which RLiable's
// percentile intervals use through arch).
func percentile(a []float64, q float64) float64 {
	pos := float64(q * float64(len(a)-1))
	i := int(math.Floor(pos))
	if i >= len(a)-1 {
		return a[len(a)-1]
	}
	f := pos - float64(i)
	if f == 0 {
		return a[i]
	}
	return a[i] + float64(f*(a[i+1]-a[i]))
}

// IntervalEstimates returns, for each metric, its value on x and a
// stratified bootstrap percentile confidence interval, as RLiable's
// get_interval_estimates with method "percentile". All metrics are computed
// on the same resamples. Randomness comes only from rnd.
func IntervalEstimates(rnd *rand.Rand, x [][]float64, metrics []Metric, opt BootstrapOptions) []Interval {
	opt = opt.withDefaults()
	runs, tasks := checkMatrix(x)
	scratch := make([]float64, runs*tasks)
	point := make([]float64, len(metrics))
	for s, m := range metrics {
		point[s] = m.eval(x, scratch)
	}
	rs := newResampler(x)
	return bootstrap(opt.Reps, opt.Confidence, point, func(out []float64) {
		b := rs.draw(rnd)
		for s, m := range metrics {
			out[s] = m.eval(b, scratch)
		}
	})
}

// ProbabilityOfImprovementInterval returns P(X > Y) (see
// ProbabilityOfImprovement) with a bootstrap interval in which x and y are
// resampled independently, each stratified by task (RLiable's
// StratifiedIndependentBootstrap). Each resample draws x's runs, then y's.
func ProbabilityOfImprovementInterval(rnd *rand.Rand, x, y [][]float64, opt BootstrapOptions) Interval {
	opt = opt.withDefaults()
	point := []float64{ProbabilityOfImprovement(x, y)}
	rx, ry := newResampler(x), newResampler(y)
	return bootstrap(opt.Reps, opt.Confidence, point, func(out []float64) {
		bx := rx.draw(rnd)
		by := ry.draw(rnd)
		out[0] = ProbabilityOfImprovement(bx, by)
	})[0]
}

// PerformanceProfile returns, at each tau, the fraction of runs with score
// strictly greater than tau averaged over tasks (RLiable's score
// distribution, create_performance_profile with use_score_distribution),
// with stratified bootstrap percentile bands.
func PerformanceProfile(rnd *rand.Rand, x [][]float64, tau []float64, opt BootstrapOptions) []Interval {
	opt = opt.withDefaults()
	runs, tasks := checkMatrix(x)
	scratch := make([]float64, runs*tasks)
	point := make([]float64, len(tau))
	profile(x, tau, scratch, point)
	rs := newResampler(x)
	return bootstrap(opt.Reps, opt.Confidence, point, func(out []float64) {
		profile(rs.draw(rnd), tau, scratch, out)
	})
}

// profile writes to out the fraction of cells of x above each tau. With the
// same number of runs for every task this is also the mean over tasks of
// the per-task fraction.
func profile(x [][]float64, tau, scratch, out []float64) {
	pool := scratch[:0]
	for _, row := range x {
		pool = append(pool, row...)
	}
	slices.Sort(pool)
	n := float64(len(pool))
	for k, t := range tau {
		// Index of the first value > t.
		i, _ := slices.BinarySearchFunc(pool, t, func(v, t float64) int {
			if v <= t {
				return -1
			}
			return 1
		})
		out[k] = float64(len(pool)-i) / n
	}
}

// SampleEfficiency returns metric at each evaluation point of the
// [run][task][point] scores with a stratified bootstrap interval; every
// point is resampled independently, as RLiable does for a 3-D score array.
// RLiable's sample-efficiency curves use MetricIQM.
func SampleEfficiency(rnd *rand.Rand, x [][][]float64, metric Metric, opt BootstrapOptions) []Interval {
	if len(x) == 0 || len(x[0]) == 0 {
		panic("stats: sample efficiency: empty scores")
	}
	points := len(x[0][0])
	m := make([][]float64, len(x))
	for i := range m {
		m[i] = make([]float64, len(x[0]))
	}
	iv := make([]Interval, points)
	for p := range points {
		for i, run := range x {
			if len(run) != len(x[0]) {
				panic(fmt.Sprintf("stats: sample efficiency: run %d has %d tasks, run 0 has %d", i, len(run), len(x[0])))
			}
			for j, curve := range run {
				if len(curve) != points {
					panic(fmt.Sprintf("stats: sample efficiency: run %d task %d has %d points, want %d", i, j, len(curve), points))
				}
				m[i][j] = curve[p]
			}
		}
		iv[p] = IntervalEstimates(rnd, m, []Metric{metric}, opt)[0]
	}
	return iv
}
