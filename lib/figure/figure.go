package figure

import (
	"fmt"
	"image/color"
	"os"
	"path/filepath"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	// Register the PNG and SVG canvases with draw.NewFormattedCanvas.
	_ "gonum.org/v1/plot/vg/vgimg"
	_ "gonum.org/v1/plot/vg/vgsvg"
)

// Default sizes. A single-panel figure is 4 × 3 inches.
const (
	DefaultWidth  = 4 * vg.Inch
	DefaultHeight = 3 * vg.Inch
)

// Font sizes, smaller than gonum/plot's defaults so that labels fit small
// figures.
const (
	titleSize  = 11
	labelSize  = 10
	tickSize   = 8
	legendSize = 9
)

// Options are shared by every figure. Zero sizes mean the figure's default.
type Options struct {
	Title         string
	Width, Height vg.Length
}

func (o Options) size(w, h vg.Length) (vg.Length, vg.Length) {
	if o.Width != 0 {
		w = o.Width
	}
	if o.Height != 0 {
		h = o.Height
	}
	return w, h
}

// colour returns the i-th colour of a fixed palette (matplotlib's tab10,
// which RLiable's figures use).
func colour(i int) color.NRGBA {
	tab10 := [...]uint32{0x1f77b4, 0xff7f0e, 0x2ca02c, 0xd62728, 0x9467bd, 0x8c564b, 0xe377c2, 0x7f7f7f, 0xbcbd22, 0x17becf}
	c := tab10[i%len(tab10)]
	return color.NRGBA{R: uint8(c >> 16), G: uint8(c >> 8), B: uint8(c), A: 255}
}

// translucent returns c with alpha a.
func translucent(c color.NRGBA, a uint8) color.NRGBA {
	c.A = a
	return c
}

// newPlot returns a plot with the package's font sizes.
func newPlot(title, xlabel, ylabel string) *plot.Plot {
	p := plot.New()
	p.Title.Text = title
	p.Title.TextStyle.Font.Size = titleSize
	p.X.Label.Text = xlabel
	p.Y.Label.Text = ylabel
	for _, a := range []*plot.Axis{&p.X, &p.Y} {
		a.Label.TextStyle.Font.Size = labelSize
		a.Tick.Label.Font.Size = tickSize
	}
	return p
}

// format returns the output format named by path's extension.
func format(path string) (string, error) {
	ext := strings.ToLower(strings.TrimPrefix(filepath.Ext(path), "."))
	switch ext {
	case "png", "svg":
		return ext, nil
	}
	return "", fmt.Errorf("figure: %s: unsupported extension %q, want .png or .svg", path, filepath.Ext(path))
}

// save draws a w × h figure with drawFn and writes it to path in the
// format its extension names.
func save(path string, w, h vg.Length, drawFn func(c draw.Canvas)) error {
	f, err := format(path)
	if err != nil {
		return err
	}
	cw, err := draw.NewFormattedCanvas(w, h, f)
	if err != nil {
		return fmt.Errorf("figure: %s: %w", path, err)
	}
	drawFn(draw.New(cw))
	out, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("figure: %w", err)
	}
	if _, err := cw.WriteTo(out); err != nil {
		out.Close()
		return fmt.Errorf("figure: writing %s: %w", path, err)
	}
	if err := out.Close(); err != nil {
		return fmt.Errorf("figure: writing %s: %w", path, err)
	}
	return nil
}

// newLegend returns an empty legend in the package's style.
func newLegend() plot.Legend {
	l := plot.NewLegend()
	l.TextStyle.Font.Size = legendSize
	l.Top, l.Left = true, true
	l.ThumbnailWidth = vg.Points(14)
	l.Padding = vg.Points(2)
	l.YPosition = draw.PosCenter
	return l
}

// drawWithLegend draws p with leg in a column to its right, so the legend
// never covers data. An empty legend takes no room.
func drawWithLegend(c draw.Canvas, p *plot.Plot, leg plot.Legend) {
	r := leg.Rectangle(c)
	width := r.Max.X - r.Min.X
	if width == 0 {
		p.Draw(c)
		return
	}
	const gap = 4 // points between plot and legend
	lc := c
	lc.Min.X = c.Max.X - width - gap
	lc.Max.Y -= vg.Points(titleSize + 8) // level with the top of the data area
	p.Draw(draw.Crop(c, 0, -(width + 2*gap), 0, 0))
	leg.Draw(lc)
}

// drawGrid draws plots (row-major, rows × cols, nil cells left blank)
// aligned on c, and a shared legend to the right if it has entries.
func drawGrid(c draw.Canvas, plots [][]*plot.Plot, leg plot.Legend) {
	r := leg.Rectangle(c)
	if width := r.Max.X - r.Min.X; width > 0 {
		lc := c
		lc.Min.X = c.Max.X - width - 4
		lc.Max.Y -= vg.Points(titleSize + 8)
		leg.Draw(lc)
		c = draw.Crop(c, 0, -(width + 8), 0, 0)
	}
	tiles := draw.Tiles{
		Rows: len(plots), Cols: len(plots[0]),
		PadX: vg.Points(6), PadY: vg.Points(6),
		PadTop: vg.Points(2), PadBottom: vg.Points(2), PadLeft: vg.Points(2), PadRight: vg.Points(2),
	}
	canvases := plot.Align(plots, tiles, c)
	for i, row := range plots {
		for j, p := range row {
			if p != nil {
				p.Draw(canvases[i][j])
			}
		}
	}
}

// band returns a translucent polygon between lo and hi over x.
func band(x, lo, hi []float64, c color.NRGBA) (*plotter.Polygon, error) {
	xys := make(plotter.XYs, 0, 2*len(x))
	for i := range x {
		xys = append(xys, plotter.XY{X: x[i], Y: hi[i]})
	}
	for i := len(x) - 1; i >= 0; i-- {
		xys = append(xys, plotter.XY{X: x[i], Y: lo[i]})
	}
	poly, err := plotter.NewPolygon(xys)
	if err != nil {
		return nil, err
	}
	poly.LineStyle.Width = 0
	poly.Color = translucent(c, 64)
	return poly, nil
}

// dashed styles l as a thin grey dashed reference line.
func dashed(l *draw.LineStyle) {
	l.Color = color.Gray{Y: 80}
	l.Width = vg.Points(0.8)
	l.Dashes = []vg.Length{vg.Points(4), vg.Points(3)}
}

// hline returns a dashed horizontal line at y across the whole X range.
func hline(y float64) *plotter.Function {
	f := plotter.NewFunction(func(float64) float64 { return y })
	dashed(&f.LineStyle)
	return f
}

// vline returns a dashed vertical line at x from y0 to y1.
func vline(x, y0, y1 float64) (*plotter.Line, error) {
	l, err := plotter.NewLine(plotter.XYs{{X: x, Y: y0}, {X: x, Y: y1}})
	if err != nil {
		return nil, err
	}
	dashed(&l.LineStyle)
	return l, nil
}
