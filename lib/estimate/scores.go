package estimate

import (
	"fmt"
	"slices"

	"github.com/dynago/dynago/lib/analysis"
	"github.com/dynago/dynago/lib/format/metric"
	"github.com/dynago/dynago/lib/stats"
)

// Estimate is a variant's interval estimates of some metrics.
type Estimate struct {
	Variant   string
	Runs      int
	Intervals []stats.Interval // one per metric
}

// IntervalEstimates returns each variant's estimates of metrics with
// stratified bootstrap intervals.
func IntervalEstimates(scores []analysis.Scores, metrics []stats.Metric, b Bootstrap) []Estimate {
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
func ProbabilityOfImprovement(scores []analysis.Scores, pairs [][2]string, b Bootstrap) ([]Comparison, error) {
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

// FinalIQM returns the IQM over runs of the mean of each run's last n
// eval_return values (raw, not normalised), with its interval.
func FinalIQM(s *analysis.Set, variant string, n int, b Bootstrap) (stats.Interval, error) {
	x, err := analysis.ScoreMatrix(s.Of(variant), s.Tasks(), metric.EvalReturn, analysis.Point{Final: n})
	if err != nil {
		return stats.Interval{}, fmt.Errorf("variant %s: %w", variant, err)
	}
	return stats.IntervalEstimates(b.Rand("final/"+variant), x, []stats.Metric{stats.MetricIQM()}, b.Options())[0], nil
}

// Profiles returns each variant's performance profile (the fraction of
// runs scoring above each tau) with bootstrap bands.
func Profiles(scores []analysis.Scores, tau []float64, b Bootstrap) []Curve {
	out := make([]Curve, len(scores))
	for i, sc := range scores {
		iv := stats.PerformanceProfile(b.Rand("profile/"+sc.Variant), sc.X, tau, b.Options())
		out[i] = Curve{Variant: sc.Variant, Runs: len(sc.X), X: tau, Est: iv}
	}
	return out
}

// Taus returns n evenly spaced thresholds from 0 to the larger of 1 and
// the highest score.
func Taus(scores []analysis.Scores, n int) []float64 {
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
