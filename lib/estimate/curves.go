package estimate

import (
	"fmt"
	"math"
	"slices"

	"github.com/dynago/dynago/lib/analysis"
	"github.com/dynago/dynago/lib/markdown"
	"github.com/dynago/dynago/lib/stats"
)

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
	Norm   *analysis.Normalization
	Grid   *analysis.Grid // steps to compare at; nil means analysis.AlignGrid over the runs given
}

// Curves returns, for each variant of s with rows of the metric, its
// aggregate over runs at each step of the grid with stratified bootstrap
// bands (each step resampled independently, as RLiable's sample-efficiency
// curves). Variants without the metric are left out; none is an error.
func Curves(s *analysis.Set, opt CurveOptions, b Bootstrap) ([]Curve, analysis.Grid, error) {
	if opt.Agg.Name == "" {
		opt.Agg = stats.MetricIQM()
	}
	var runs []*analysis.Run
	var variants []string
	for _, v := range s.Variants() {
		if slices.ContainsFunc(s.Of(v), func(r *analysis.Run) bool { return r.Has(opt.Metric) }) {
			runs = append(runs, s.Of(v)...)
			variants = append(variants, v)
		}
	}
	if len(runs) == 0 {
		return nil, analysis.Grid{}, fmt.Errorf("no run has %s rows", opt.Metric)
	}
	if err := analysis.CheckMetric(runs, opt.Metric); err != nil {
		return nil, analysis.Grid{}, err
	}
	var g analysis.Grid
	if opt.Grid != nil {
		g = *opt.Grid
	} else {
		var err error
		if g, err = analysis.AlignGrid(runs, opt.Metric, opt.Index); err != nil {
			return nil, analysis.Grid{}, err
		}
	}
	tasks := s.Tasks()
	var out []Curve
	for _, v := range variants {
		x, err := g.CurveScores(s.Of(v), tasks, opt.Metric, opt.Index)
		if err != nil {
			return nil, analysis.Grid{}, fmt.Errorf("variant %s: %w", v, err)
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
			return nil, analysis.Grid{}, err
		}
		iv := stats.SampleEfficiency(b.Rand("curve/"+opt.Metric+"/"+v), x, opt.Agg, b.Options())
		out = append(out, Curve{Variant: v, Runs: len(x), X: g.Steps, Est: iv})
	}
	return out, g, nil
}

func checkFiniteCurves(x [][][]float64, variant string, g analysis.Grid) error {
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
func IndexCurves(s *analysis.Set, metric string, at float64, agg stats.Metric, b Bootstrap) ([]Curve, error) {
	if agg.Name == "" {
		agg = stats.MetricIQM()
	}
	tasks := s.Tasks()
	var out []Curve
	for _, v := range s.Variants() {
		runs := s.Of(v)
		if !slices.ContainsFunc(runs, func(r *analysis.Run) bool { return r.Has(metric) }) {
			continue
		}
		if err := analysis.CheckMetric(runs, metric); err != nil {
			return nil, err
		}
		idx, values, err := analysis.CommonIndexValues(runs, metric, at)
		if err != nil {
			return nil, err
		}
		if len(idx) == 0 {
			return nil, fmt.Errorf("variant %s: no index of %s common to every run at %s real steps", v, metric, markdown.Num(at))
		}
		cols := make([][][]float64, len(tasks))
		for i, r := range runs {
			j := slices.Index(tasks, r.Task)
			cols[j] = append(cols[j], values[i])
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
