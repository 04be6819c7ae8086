package figure

import (
	"fmt"
	"math"
	"slices"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// ScatterOptions configures Scatter.
type ScatterOptions struct {
	Options
	XLabel, YLabel string
	// LogX and LogY ask for logarithmic axes; an axis is linear instead
	// when some of its values are not > 0, so valid data always plot.
	LogX, LogY bool
	// Bins, if positive, overlays the mean of Y in that many bins of equal
	// width in X (equal width in log X with LogX), as a line with markers.
	Bins int
}

// Scatter plots the points (x[i], y[i]), for example a dynamics model's
// ensemble variance against its error, with optional binned means.
func Scatter(path string, x, y []float64, opt ScatterOptions) error {
	if len(x) != len(y) || len(x) == 0 {
		return fmt.Errorf("figure: scatter: %d x and %d y values", len(x), len(y))
	}
	opt.LogX = opt.LogX && positive(x)
	opt.LogY = opt.LogY && positive(y)
	p := newPlot(opt.Title, opt.XLabel, opt.YLabel)
	if opt.LogX {
		p.X.Scale, p.X.Tick.Marker = plot.LogScale{}, plot.LogTicks{Prec: -1}
	}
	if opt.LogY {
		p.Y.Scale, p.Y.Tick.Marker = plot.LogScale{}, plot.LogTicks{Prec: -1}
	}
	sc, err := plotter.NewScatter(xys(x, y))
	if err != nil {
		return fmt.Errorf("figure: scatter: %w", err)
	}
	sc.Color = translucent(colour(0), 110)
	sc.Radius = vg.Points(1.5)
	sc.Shape = draw.CircleGlyph{}
	p.Add(plotter.NewGrid(), sc)
	leg := newLegend()
	if opt.Bins > 0 {
		bx, by := binnedMeans(x, y, opt.Bins, opt.LogX)
		l, pts, err := plotter.NewLinePoints(xys(bx, by))
		if err != nil {
			return fmt.Errorf("figure: scatter: binned means: %w", err)
		}
		l.Color, l.Width = colour(3), vg.Points(1.5)
		pts.Color, pts.Shape, pts.Radius = colour(3), draw.CircleGlyph{}, vg.Points(2.5)
		p.Add(l, pts)
		leg.Add("points", sc)
		leg.Add("binned mean", l, pts)
	}
	if opt.LogX {
		widenLog(&p.X, x)
	}
	if opt.LogY {
		widenLog(&p.Y, y)
	}
	w, h := opt.size(DefaultWidth, DefaultHeight)
	return save(path, w, h, func(c draw.Canvas) { drawWithLegend(c, p, leg) })
}

// binnedMeans returns the mean x and mean y of the points in each of n
// equal-width bins of x (of log x with logX); empty bins are left out.
func binnedMeans(x, y []float64, n int, logX bool) (bx, by []float64) {
	t := func(v float64) float64 {
		if logX {
			return math.Log(v)
		}
		return v
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, v := range x {
		lo, hi = math.Min(lo, t(v)), math.Max(hi, t(v))
	}
	sx, sy, cnt := make([]float64, n), make([]float64, n), make([]int, n)
	for i, v := range x {
		b := 0
		if hi > lo {
			b = min(int(float64(n)*(t(v)-lo)/(hi-lo)), n-1)
		}
		sx[b] += v
		sy[b] += y[i]
		cnt[b]++
	}
	for b := range n {
		if cnt[b] > 0 {
			bx = append(bx, sx[b]/float64(cnt[b]))
			by = append(by, sy[b]/float64(cnt[b]))
		}
	}
	return bx, by
}

// HistogramSet is one group of samples to overlay, for example the states
// visited early in training: Values[d] are the samples of dimension d.
type HistogramSet struct {
	Name   string
	Values [][]float64
}

// HistogramOptions configures Histograms.
type HistogramOptions struct {
	Options
	Bins int // bins per panel; 0 means 30
	Cols int // panels per row; 0 means up to 3
}

// Histograms draws a small-multiple grid with one panel per dimension
// (titled dims[d]); each panel overlays the sets' histograms of that
// dimension as translucent step areas over shared bins, normalised to
// densities so sets of different sizes compare. A shared legend names the
// sets. The default size is 2 × 1.7 inches per panel plus the legend.
func Histograms(path string, dims []string, sets []HistogramSet, opt HistogramOptions) error {
	if len(dims) == 0 || len(sets) == 0 {
		return fmt.Errorf("figure: histograms: %d dimensions and %d sets, want at least one of each", len(dims), len(sets))
	}
	for _, s := range sets {
		if len(s.Values) != len(dims) {
			return fmt.Errorf("figure: histograms: set %q has %d dimensions, want %d", s.Name, len(s.Values), len(dims))
		}
	}
	bins, cols := opt.Bins, opt.Cols
	if bins <= 0 {
		bins = 30
	}
	if cols <= 0 {
		cols = min(3, len(dims))
	}
	rows := (len(dims) + cols - 1) / cols
	grid := make([][]*plot.Plot, rows)
	for r := range grid {
		grid[r] = make([]*plot.Plot, cols)
	}
	leg := newLegend()
	for d, name := range dims {
		p := newPlot(name, "", "")
		p.Title.TextStyle.Font.Size = labelSize
		lo, hi := sampleRange(sets, d)
		for k, s := range sets {
			outline, err := plotter.NewLine(histogramOutline(s.Values[d], lo, hi, bins))
			if err != nil {
				return fmt.Errorf("figure: histograms: %s, set %q: %w", name, s.Name, err)
			}
			outline.Color = colour(k)
			outline.Width = vg.Points(1)
			outline.FillColor = translucent(colour(k), 60)
			p.Add(outline)
			if d == 0 {
				leg.Add(s.Name, outline)
			}
		}
		p.Y.Min = 0
		grid[d/cols][d%cols] = p
	}
	w, h := opt.size(vg.Length(vg.Length(cols)*2*vg.Inch)+0.8*vg.Inch, vg.Length(rows)*1.7*vg.Inch)
	return save(path, w, h, func(c draw.Canvas) {
		if opt.Title != "" {
			c = drawTitle(c, opt.Title)
		}
		drawGrid(c, grid, leg)
	})
}

// sampleRange returns the range of dimension d over all sets, widened when
// every sample is equal.
func sampleRange(sets []HistogramSet, d int) (lo, hi float64) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, s := range sets {
		if len(s.Values[d]) > 0 {
			lo = math.Min(lo, slices.Min(s.Values[d]))
			hi = math.Max(hi, slices.Max(s.Values[d]))
		}
	}
	if math.IsInf(lo, 1) {
		return 0, 1
	}
	if lo == hi {
		lo, hi = lo-0.5, hi+0.5
	}
	return lo, hi
}

// histogramOutline returns the step outline of the density histogram of v
// over bins equal bins of [lo, hi], from and back to zero.
func histogramOutline(v []float64, lo, hi float64, bins int) plotter.XYs {
	count := make([]float64, bins)
	width := (hi - lo) / float64(bins)
	for _, s := range v {
		b := min(int((s-lo)/width), bins-1)
		count[max(b, 0)]++
	}
	norm := 1 / (float64(max(len(v), 1)) * width)
	xy := plotter.XYs{{X: lo, Y: 0}}
	for b, c := range count {
		x0 := lo + float64(float64(b)*width)
		xy = append(xy, plotter.XY{X: x0, Y: c * norm}, plotter.XY{X: x0 + width, Y: c * norm})
	}
	return append(xy, plotter.XY{X: hi, Y: 0})
}

// BinSamples returns about n values spread evenly inside the bins of a
// histogram (frac[b] the fraction in [edges[b], edges[b+1])), so a figure
// that takes samples (Histograms) redraws the binned distribution:
// round(n·frac[b]) values per bin at the midpoints of equal sub-intervals.
// It panics unless edges has len(frac)+1 values.
func BinSamples(frac, edges []float64, n int) []float64 {
	if len(edges) != len(frac)+1 {
		panic(fmt.Sprintf("figure: BinSamples: %d edges for %d bins", len(edges), len(frac)))
	}
	var out []float64
	for b, f := range frac {
		c := int(math.Round(f * float64(n)))
		w := (edges[b+1] - edges[b]) / float64(max(c, 1))
		for i := range c {
			out = append(out, edges[b]+float64((float64(i)+0.5)*w))
		}
	}
	return out
}
