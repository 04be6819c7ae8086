package figure

import (
	"fmt"
	"math"

	"github.com/dynago/dynago/lib/stats"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Series is one named curve: Y at X, with an optional band [Lo, Hi] (both
// nil for none). All slices have the same length.
type Series struct {
	Name         string
	X, Y, Lo, Hi []float64
}

// SeriesFromIntervals returns the series of point estimates iv at x, with
// their confidence intervals as the band.
func SeriesFromIntervals(name string, x []float64, iv []stats.Interval) Series {
	s := Series{Name: name, X: x, Y: make([]float64, len(iv)), Lo: make([]float64, len(iv)), Hi: make([]float64, len(iv))}
	for i, v := range iv {
		s.Y[i], s.Lo[i], s.Hi[i] = v.Point, v.Lo, v.Hi
	}
	return s
}

// LineOptions configures Lines, SampleEfficiency and PerformanceProfiles.
type LineOptions struct {
	Options
	XLabel, YLabel string
	// LogY asks for a logarithmic Y axis; it is linear instead when some Y,
	// Lo or Hi is not > 0 (a model error of exactly 0), so valid data
	// always plot.
	LogY  bool
	HLine *float64 // dashed horizontal reference line, if not nil
	// YMin and YMax fix the Y range when YMin < YMax.
	YMin, YMax float64
}

// Lines plots series as lines, one colour each, with translucent bands and
// a legend to the right of the data area, and saves the figure to path
// (.png or .svg).
func Lines(path string, series []Series, opt LineOptions) error {
	if err := checkSeries(series); err != nil {
		return err
	}
	p := newPlot(opt.Title, opt.XLabel, opt.YLabel)
	var ys [][]float64
	for _, s := range series {
		ys = append(ys, s.Y, s.Lo, s.Hi)
	}
	logY := opt.LogY && positive(ys...)
	if logY {
		p.Y.Scale = plot.LogScale{}
		p.Y.Tick.Marker = plot.LogTicks{Prec: -1}
	}
	leg := newLegend()
	for i, s := range series {
		c := colour(i)
		if s.Lo != nil {
			b, err := band(s.X, s.Lo, s.Hi, c)
			if err != nil {
				return fmt.Errorf("figure: series %q: %w", s.Name, err)
			}
			p.Add(b)
		}
		l, err := plotter.NewLine(xys(s.X, s.Y))
		if err != nil {
			return fmt.Errorf("figure: series %q: %w", s.Name, err)
		}
		l.Color = c
		l.Width = vg.Points(1.5)
		p.Add(l)
		if s.Name != "" {
			leg.Add(s.Name, l)
		}
	}
	if opt.HLine != nil {
		p.Add(hline(*opt.HLine))
	}
	if logY {
		widenLog(&p.Y, ys...)
	}
	if opt.YMin < opt.YMax {
		p.Y.Min, p.Y.Max = opt.YMin, opt.YMax
	}
	p.Add(plotter.NewGrid())
	w, h := opt.size(DefaultWidth, DefaultHeight)
	return save(path, w, h, func(c draw.Canvas) { drawWithLegend(c, p, leg) })
}

// SampleEfficiency plots, per variant, a metric (IQM in RLiable) against
// environment steps with its confidence band, as from
// stats.SampleEfficiency through SeriesFromIntervals. Empty labels default
// to "Environment steps" and "IQM".
func SampleEfficiency(path string, series []Series, opt LineOptions) error {
	if opt.XLabel == "" {
		opt.XLabel = "Environment steps"
	}
	if opt.YLabel == "" {
		opt.YLabel = "IQM"
	}
	return Lines(path, series, opt)
}

// PerformanceProfiles plots, per variant, the fraction of runs with score
// above tau against tau with bootstrap bands, as from
// stats.PerformanceProfile. The Y axis spans [0, 1].
func PerformanceProfiles(path string, series []Series, opt LineOptions) error {
	if opt.XLabel == "" {
		opt.XLabel = "Normalized score (τ)"
	}
	if opt.YLabel == "" {
		opt.YLabel = "Fraction of runs with score > τ"
	}
	if !(opt.YMin < opt.YMax) {
		opt.YMin, opt.YMax = 0, 1
	}
	return Lines(path, series, opt)
}

func checkSeries(series []Series) error {
	if len(series) == 0 {
		return fmt.Errorf("figure: no series to plot")
	}
	for _, s := range series {
		n := len(s.X)
		if len(s.Y) != n || (s.Lo != nil || s.Hi != nil) && (len(s.Lo) != n || len(s.Hi) != n) {
			return fmt.Errorf("figure: series %q: %d x, %d y, %d lo and %d hi values", s.Name, n, len(s.Y), len(s.Lo), len(s.Hi))
		}
	}
	return nil
}

// positive reports whether every value is > 0 (and not NaN): whether a log
// axis can show them.
func positive(values ...[]float64) bool {
	for _, v := range values {
		for _, x := range v {
			if !(x > 0) {
				return false
			}
		}
	}
	return true
}

// widenLog gives a log axis whose positive values are all equal (one
// evaluation, one constant curve) a range of a factor 2 either side:
// gonum/plot would widen it by ±1, below 0, and panic.
func widenLog(a *plot.Axis, values ...[]float64) {
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, v := range values {
		for _, x := range v {
			lo, hi = min(lo, x), max(hi, x)
		}
	}
	if lo == hi && lo > 0 && !math.IsInf(lo, 0) {
		a.Min, a.Max = lo/2, hi*2
	}
}

func xys(x, y []float64) plotter.XYs {
	out := make(plotter.XYs, len(x))
	for i := range x {
		out[i] = plotter.XY{X: x[i], Y: y[i]}
	}
	return out
}
