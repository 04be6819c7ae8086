package figure

import (
	"fmt"
	"image/color"
	"math"

	"github.com/dynago/dynago/lib/stats"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// Panel is one metric's estimates, one interval per variant in the order of
// the variant names.
type Panel struct {
	Metric    string
	Estimates []stats.Interval
}

// IntervalOptions configures IntervalEstimates.
type IntervalOptions struct {
	Options
	XLabel string // under every panel; default "Normalized score"
}

// IntervalEstimates draws RLiable's interval-estimate figure: one panel per
// metric, side by side, each with a row per variant showing its confidence
// interval as a translucent bar and its point estimate as a black tick
// (like rliable's plot_interval_estimates). Variant names label the rows
// of the first panel. The default size is 1.9 inches per panel plus room
// for names, by 2.2 inches.
func IntervalEstimates(path string, variants []string, panels []Panel, opt IntervalOptions) error {
	if len(variants) == 0 || len(panels) == 0 {
		return fmt.Errorf("figure: interval estimates: %d variants and %d panels, want at least one of each", len(variants), len(panels))
	}
	if opt.XLabel == "" {
		opt.XLabel = "Normalized score"
	}
	row := make([]*plot.Plot, len(panels))
	for k, pn := range panels {
		if len(pn.Estimates) != len(variants) {
			return fmt.Errorf("figure: interval estimates: panel %q has %d estimates for %d variants", pn.Metric, len(pn.Estimates), len(variants))
		}
		p := newPlot(pn.Metric, opt.XLabel, "")
		colours := make([]color.NRGBA, len(variants))
		for i := range variants {
			colours[i] = colour(i)
		}
		if err := addIntervals(p, pn.Estimates, colours); err != nil {
			return fmt.Errorf("figure: panel %q: %w", pn.Metric, err)
		}
		labels := variants
		if k > 0 {
			labels = make([]string, len(variants)) // names only on the first panel
		}
		p.Y.Tick.Marker = rowTicks(labels)
		row[k] = p
	}
	w, h := opt.size(vg.Length(vg.Length(len(panels))*1.9*vg.Inch)+0.8*vg.Inch, 2.2*vg.Inch)
	return save(path, w, h, func(c draw.Canvas) {
		if opt.Title != "" {
			c = drawTitle(c, opt.Title)
		}
		drawGrid(c, [][]*plot.Plot{row}, plot.Legend{})
	})
}

// Comparison is P(X > Y) with its interval, as from
// stats.ProbabilityOfImprovementInterval.
type Comparison struct {
	X, Y string
	P    stats.Interval
}

// ProbabilityOfImprovement draws a row per comparison with the interval of
// P(X > Y) as a bar and its point estimate as a tick, labelled "X vs Y",
// with a dashed line at 0.5 (no improvement). Rows are drawn top to bottom
// in the order given; the default size is 4 inches by 0.9 + 0.35 per row.
func ProbabilityOfImprovement(path string, pairs []Comparison, opt Options) error {
	if len(pairs) == 0 {
		return fmt.Errorf("figure: probability of improvement: no comparisons")
	}
	p := newPlot(opt.Title, "P(X > Y)", "")
	iv := make([]stats.Interval, len(pairs))
	labels := make([]string, len(pairs))
	colours := make([]color.NRGBA, len(pairs))
	for i, c := range pairs {
		iv[i] = c.P
		labels[i] = c.X + " vs " + c.Y
		colours[i] = colour(i)
	}
	if err := addIntervals(p, iv, colours); err != nil {
		return fmt.Errorf("figure: probability of improvement: %w", err)
	}
	half, err := vline(0.5, -0.5, float64(len(pairs))-0.5)
	if err != nil {
		return fmt.Errorf("figure: probability of improvement: %w", err)
	}
	p.Add(half)
	p.Y.Tick.Marker = rowTicks(labels)
	p.X.Min, p.X.Max = 0, 1 // probabilities; 0.5 sits in the middle
	p.Add(plotter.NewGrid())
	w, h := opt.size(DefaultWidth, 0.9*vg.Inch+vg.Length(vg.Length(len(pairs))*0.35*vg.Inch))
	return save(path, w, h, func(c draw.Canvas) { p.Draw(c) })
}

// addIntervals adds to p, for each interval i, a bar from Lo to Hi centred
// on row y = n-1-i (so the first is on top) and a tick at Point.
func addIntervals(p *plot.Plot, iv []stats.Interval, colours []color.NRGBA) error {
	const halfHeight = 0.3
	n := len(iv)
	for i, v := range iv {
		if !(v.Lo <= v.Hi) {
			return fmt.Errorf("interval %d: lo %g > hi %g", i, v.Lo, v.Hi)
		}
		y := float64(n - 1 - i)
		bar, err := plotter.NewPolygon(plotter.XYs{
			{X: v.Lo, Y: y - halfHeight}, {X: v.Hi, Y: y - halfHeight},
			{X: v.Hi, Y: y + halfHeight}, {X: v.Lo, Y: y + halfHeight},
		})
		if err != nil {
			return err
		}
		bar.Color = translucent(colours[i], 160)
		bar.LineStyle.Width = 0
		tick, err := plotter.NewLine(plotter.XYs{{X: v.Point, Y: y - halfHeight}, {X: v.Point, Y: y + halfHeight}})
		if err != nil {
			return err
		}
		tick.Width = vg.Points(1.5)
		p.Add(bar, tick)
	}
	p.Y.Min, p.Y.Max = -0.6, float64(n)-0.4
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, v := range iv {
		lo, hi = math.Min(lo, v.Lo), math.Max(hi, v.Hi)
	}
	pad := 0.08 * (hi - lo)
	if pad == 0 {
		pad = 0.05 * math.Max(math.Abs(lo), 1)
	}
	p.X.Min, p.X.Max = lo-pad, hi+pad
	p.Y.Tick.Label.Font.Size = labelSize
	return nil
}

// rowTicks labels rows n-1 … 0 with labels[0] … labels[n-1], without tick
// marks.
func rowTicks(labels []string) plot.ConstantTicks {
	ticks := make(plot.ConstantTicks, len(labels))
	for i, l := range labels {
		ticks[i] = plot.Tick{Value: float64(len(labels) - 1 - i), Label: l}
	}
	return ticks
}

// drawTitle writes a figure title across the top of c and returns the rest.
func drawTitle(c draw.Canvas, title string) draw.Canvas {
	p := plot.New()
	sty := p.Title.TextStyle
	sty.Font.Size = titleSize + 1
	sty.XAlign = draw.XCenter
	sty.YAlign = draw.YTop
	c.FillText(sty, vg.Point{X: (c.Min.X + c.Max.X) / 2, Y: c.Max.Y - vg.Points(2)}, title)
	return draw.Crop(c, 0, 0, 0, -(sty.Height(title) + vg.Points(6)))
}

// IntervalGroups draws one panel with a row per name and, in each row, a
// bar per group (its confidence interval, translucent, in the group's
// colour) with a black tick at its point estimate, groups stacked within
// the row in order from the top and named in a legend to the right. An
// interval whose Point is NaN (not measured) leaves its place empty; at
// least one must be measured. Every group holds one interval per row.
// The default size is 6 inches by 0.9 + 0.3 × groups per row.
func IntervalGroups(path string, rows []string, groups []Panel, opt IntervalOptions) error {
	if len(rows) == 0 || len(groups) == 0 {
		return fmt.Errorf("figure: interval groups: %d rows and %d groups, want at least one of each", len(rows), len(groups))
	}
	p := newPlot(opt.Title, opt.XLabel, "")
	leg := newLegend()
	n, g := len(rows), len(groups)
	h := 0.8 / float64(g) // each group's share of a row
	lo, hi := math.Inf(1), math.Inf(-1)
	for k, gr := range groups {
		if len(gr.Estimates) != n {
			return fmt.Errorf("figure: interval groups: group %q has %d estimates for %d rows", gr.Metric, len(gr.Estimates), n)
		}
		c := colour(k)
		var thumb *plotter.Polygon
		for i, v := range gr.Estimates {
			if math.IsNaN(v.Point) {
				continue
			}
			if !(v.Lo <= v.Hi) || math.IsInf(v.Lo, 0) || math.IsInf(v.Hi, 0) {
				return fmt.Errorf("figure: interval groups: group %q, row %q: interval [%g, %g]", gr.Metric, rows[i], v.Lo, v.Hi)
			}
			y := float64(n-1-i) + 0.4 - float64(h*(float64(k)+0.5))
			bar, err := plotter.NewPolygon(plotter.XYs{
				{X: v.Lo, Y: y - float64(0.4*h)}, {X: v.Hi, Y: y - float64(0.4*h)}, {X: v.Hi, Y: y + float64(0.4*h)}, {X: v.Lo, Y: y + float64(0.4*h)},
			})
			if err != nil {
				return err
			}
			bar.Color = translucent(c, 160)
			bar.LineStyle.Color = c
			bar.LineStyle.Width = vg.Points(0.5)
			tick, err := plotter.NewLine(plotter.XYs{{X: v.Point, Y: y - float64(0.45*h)}, {X: v.Point, Y: y + float64(0.45*h)}})
			if err != nil {
				return err
			}
			tick.Width = vg.Points(1.5)
			p.Add(bar, tick)
			lo, hi = math.Min(lo, v.Lo), math.Max(hi, v.Hi)
			thumb = bar
		}
		if thumb != nil {
			leg.Add(gr.Metric, thumb)
		}
	}
	if lo > hi {
		return fmt.Errorf("figure: interval groups: no interval measured")
	}
	pad := 0.05 * (hi - lo)
	if pad == 0 {
		pad = 0.05 * math.Max(math.Abs(lo), 1)
	}
	p.X.Min, p.X.Max = lo-pad, hi+pad
	p.Y.Min, p.Y.Max = -0.55, float64(n)-0.45
	p.Y.Tick.Marker = rowTicks(rows)
	p.Y.Tick.Label.Font.Size = labelSize
	p.Add(plotter.NewGrid())
	bands := vg.Length(float64(n) * (0.15 + float64(0.15*float64(g)))) // products rounded: same bits on every build
	w, ht := opt.size(6*vg.Inch, 0.9*vg.Inch+vg.Length(float64(bands*vg.Inch)))
	return save(path, w, ht, func(c draw.Canvas) { drawWithLegend(c, p, leg) })
}
