package analysis

import (
	"fmt"
	"math"
	"slices"

	"github.com/dynago/dynago/lib/format/metric"
	"github.com/dynago/dynago/lib/markdown"
	"github.com/dynago/dynago/lib/stats"
)

// Scores is one variant's [run][task] score matrix.
type Scores struct {
	Variant string
	X       [][]float64
}

// VariantScores returns each variant's score matrix of metric at p over the
// set's tasks, normalised by norm unless it is nil.
func VariantScores(s *Set, metric string, p Point, norm *Normalization) ([]Scores, error) {
	tasks := s.Tasks()
	var out []Scores
	for _, v := range s.Variants() {
		x, err := ScoreMatrix(s.Of(v), tasks, metric, p)
		if err != nil {
			return nil, fmt.Errorf("variant %s: %w", v, err)
		}
		if norm != nil {
			if x, err = norm.apply(x, tasks); err != nil {
				return nil, fmt.Errorf("variant %s: %w", v, err)
			}
		}
		out = append(out, Scores{Variant: v, X: x})
	}
	return out, nil
}

// Estimate is a variant's interval estimates of some metrics.
type Estimate struct {
	Variant   string
	Runs      int
	Intervals []stats.Interval // one per metric
}

// IntervalEstimates returns each variant's estimates of metrics with
// stratified bootstrap intervals.
func IntervalEstimates(scores []Scores, metrics []stats.Metric, b Bootstrap) []Estimate {
	out := make([]Estimate, len(scores))
	for i, sc := range scores {
		iv := stats.IntervalEstimates(b.Rand("estimates/"+sc.Variant), sc.X, metrics, b.Options())
		out[i] = Estimate{Variant: sc.Variant, Runs: len(sc.X), Intervals: iv}
	}
	return out
}

// AllPairs returns every ordered pair (a, b) of variants with a before b.
func AllPairs(variants []string) [][2]string {
	var p [][2]string
	for i, a := range variants {
		for _, b := range variants[i+1:] {
			p = append(p, [2]string{a, b})
		}
	}
	return p
}

// Comparison is P(X > Y), the probability that a run of variant X scores
// higher than a run of variant Y, with its bootstrap interval.
type Comparison struct {
	X, Y string
	P    stats.Interval
}

// ProbabilityOfImprovement returns P(X > Y) with a bootstrap interval for
// each pair of variants.
func ProbabilityOfImprovement(scores []Scores, pairs [][2]string, b Bootstrap) ([]Comparison, error) {
	find := func(v string) ([][]float64, error) {
		for _, s := range scores {
			if s.Variant == v {
				return s.X, nil
			}
		}
		return nil, fmt.Errorf("no runs of variant %q", v)
	}
	var out []Comparison
	for _, p := range pairs {
		x, err := find(p[0])
		if err != nil {
			return nil, err
		}
		y, err := find(p[1])
		if err != nil {
			return nil, err
		}
		iv := stats.ProbabilityOfImprovementInterval(b.Rand("poi/"+p[0]+"/"+p[1]), x, y, b.Options())
		out = append(out, Comparison{X: p[0], Y: p[1], P: iv})
	}
	return out, nil
}

// Curve is a variant's aggregate curve with bands.
type Curve struct {
	Variant string
	Runs    int
	X       []float64 // real steps, or indices
	Est     []stats.Interval
}

// CurveOptions configures Curves.
type CurveOptions struct {
	Metric string
	Index  int64        // format.NoIndex for none
	Agg    stats.Metric // aggregate over runs; the zero Metric means IQM
	Norm   *Normalization
	Grid   *Grid // steps to compare at; nil means AlignGrid over the runs given
}

// Curves returns, for each variant of s with rows of the metric, its
// aggregate over runs at each step of the grid with stratified bootstrap
// bands (each step resampled independently, as RLiable's sample-efficiency
// curves). Variants without the metric are left out; none is an error.
func Curves(s *Set, opt CurveOptions, b Bootstrap) ([]Curve, Grid, error) {
	if opt.Agg.Name == "" {
		opt.Agg = stats.MetricIQM()
	}
	var runs []*Run
	var variants []string
	for _, v := range s.Variants() {
		if slices.ContainsFunc(s.Of(v), func(r *Run) bool { return r.Has(opt.Metric) }) {
			runs = append(runs, s.Of(v)...)
			variants = append(variants, v)
		}
	}
	if len(runs) == 0 {
		return nil, Grid{}, fmt.Errorf("no run has %s rows", opt.Metric)
	}
	if err := CheckMetric(runs, opt.Metric); err != nil {
		return nil, Grid{}, err
	}
	var g Grid
	if opt.Grid != nil {
		g = *opt.Grid
	} else {
		var err error
		if g, err = AlignGrid(runs, opt.Metric, opt.Index); err != nil {
			return nil, Grid{}, err
		}
	}
	tasks := s.Tasks()
	var out []Curve
	for _, v := range variants {
		x, err := g.curveScores(s.Of(v), tasks, opt.Metric, opt.Index)
		if err != nil {
			return nil, Grid{}, fmt.Errorf("variant %s: %w", v, err)
		}
		if opt.Norm != nil {
			for i := range x {
				for j, t := range tasks {
					lo, hi := opt.Norm.For(t)
					for k := range x[i][j] {
						x[i][j][k] = (x[i][j][k] - lo) / (hi - lo)
					}
				}
			}
		}
		if err := checkFiniteCurves(x, v, g); err != nil {
			return nil, Grid{}, err
		}
		iv := stats.SampleEfficiency(b.Rand("curve/"+opt.Metric+"/"+v), x, opt.Agg, b.Options())
		out = append(out, Curve{Variant: v, Runs: len(x), X: g.Steps, Est: iv})
	}
	return out, g, nil
}

func checkFiniteCurves(x [][][]float64, variant string, g Grid) error {
	for _, run := range x {
		for _, task := range run {
			for k, v := range task {
				if math.IsNaN(v) {
					return fmt.Errorf("variant %s: a run has no value at or before %s real steps", variant, markdown.Num(g.Steps[k]))
				}
			}
		}
	}
	return nil
}

// IndexCurves returns, for each variant with rows of metric, the aggregate
// over runs of metric against its index (k of E_k) at the checkpoint at,
// with bootstrap bands. Each run contributes its last checkpoint at or
// before at; the indices are those every run has there.
func IndexCurves(s *Set, metric string, at float64, agg stats.Metric, b Bootstrap) ([]Curve, error) {
	if agg.Name == "" {
		agg = stats.MetricIQM()
	}
	tasks := s.Tasks()
	var out []Curve
	for _, v := range s.Variants() {
		runs := s.Of(v)
		if !slices.ContainsFunc(runs, func(r *Run) bool { return r.Has(metric) }) {
			continue
		}
		if err := CheckMetric(runs, metric); err != nil {
			return nil, err
		}
		var idx []int64
		step := make([]int64, len(runs))
		for i, r := range runs {
			st, err := checkpoint(r, metric, at)
			if err != nil {
				return nil, err
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
			return nil, fmt.Errorf("variant %s: no index of %s common to every run at %s real steps", v, metric, markdown.Num(at))
		}
		cols := make([][][]float64, len(tasks))
		for i, r := range runs {
			curve := make([]float64, len(idx))
			for k, ix := range idx {
				curve[k] = valueAt(r, metric, ix, step[i])
			}
			j := slices.Index(tasks, r.Task)
			cols[j] = append(cols[j], curve)
		}
		x := make([][][]float64, len(cols[0]))
		for i := range x {
			for j := range tasks {
				if len(cols[j]) != len(x) {
					return nil, fmt.Errorf("variant %s: tasks have different numbers of runs", v)
				}
				x[i] = append(x[i], cols[j][i])
			}
		}
		xs := make([]float64, len(idx))
		for k, ix := range idx {
			xs[k] = float64(ix)
		}
		iv := stats.SampleEfficiency(b.Rand(fmt.Sprintf("index/%s/%s/%g", metric, v, at)), x, agg, b.Options())
		out = append(out, Curve{Variant: v, Runs: len(runs), X: xs, Est: iv})
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no run has %s rows", metric)
	}
	return out, nil
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

// StepsTo is a variant's steps to reach a threshold.
type StepsTo struct {
	Variant string
	stats.StepsEstimate
}

// evalCurves returns the runs' eval_return curves.
func evalCurves(runs []*Run) ([]stats.Curve, error) {
	if err := CheckMetric(runs, metric.EvalReturn); err != nil {
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
func StepsToThreshold(s *Set, threshold float64, b Bootstrap) ([]StepsTo, error) {
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
func StepsDifference(s *Set, a, bv string, threshold float64, b Bootstrap) (stats.Interval, error) {
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
func budget(runs []*Run) (float64, error) {
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

// FinalIQM returns the IQM over runs of the mean of each run's last n
// eval_return values (raw, not normalised), with its interval.
func FinalIQM(s *Set, variant string, n int, b Bootstrap) (stats.Interval, error) {
	x, err := ScoreMatrix(s.Of(variant), s.Tasks(), metric.EvalReturn, Point{Final: n})
	if err != nil {
		return stats.Interval{}, fmt.Errorf("variant %s: %w", variant, err)
	}
	return stats.IntervalEstimates(b.Rand("final/"+variant), x, []stats.Metric{stats.MetricIQM()}, b.Options())[0], nil
}

// Profiles returns each variant's performance profile (the fraction of
// runs scoring above each tau) with bootstrap bands.
func Profiles(scores []Scores, tau []float64, b Bootstrap) []Curve {
	out := make([]Curve, len(scores))
	for i, sc := range scores {
		iv := stats.PerformanceProfile(b.Rand("profile/"+sc.Variant), sc.X, tau, b.Options())
		out[i] = Curve{Variant: sc.Variant, Runs: len(sc.X), X: tau, Est: iv}
	}
	return out
}

// Taus returns n evenly spaced thresholds from 0 to the larger of 1 and
// the highest score.
func Taus(scores []Scores, n int) []float64 {
	hi := 1.0
	for _, sc := range scores {
		for _, row := range sc.X {
			hi = max(hi, slices.Max(row))
		}
	}
	tau := make([]float64, n)
	for i := range tau {
		tau[i] = hi * float64(i) / float64(max(n-1, 1))
	}
	return tau
}
