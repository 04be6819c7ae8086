package sweep

import (
	"fmt"
	"math"
	"path/filepath"
	"sort"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// writeFigures writes objective_<NAME>.png for every parameter (one point
// per finished trial, one colour per budget) and incumbent.png.
func (s *Sweep) writeFigures() error {
	for _, p := range s.opt.Space.Params {
		pl, err := s.paramPlot(p)
		if err != nil {
			return err
		}
		if err := pl.Save(6*vg.Inch, 4*vg.Inch, filepath.Join(s.opt.Dir, "objective_"+p.Name+".png")); err != nil {
			return fmt.Errorf("plot %s: %w", p.Name, err)
		}
	}
	pl, err := s.incumbentPlot()
	if err != nil {
		return err
	}
	if err := pl.Save(6*vg.Inch, 4*vg.Inch, filepath.Join(s.opt.Dir, "incumbent.png")); err != nil {
		return fmt.Errorf("plot incumbent: %w", err)
	}
	return nil
}

func (s *Sweep) paramPlot(p Param) (*plot.Plot, error) {
	pl := plot.New()
	pl.Title.Text = "objective vs " + p.Name
	pl.X.Label.Text = p.Name
	pl.Y.Label.Text = s.opt.Objective.String()
	byBudget := map[int64]plotter.XYs{}
	for _, t := range s.Trials {
		if !t.Failed() {
			byBudget[t.Trial.Budget] = append(byBudget[t.Trial.Budget], plotter.XY{X: t.Trial.Config[p.Name].Num, Y: t.Objective})
		}
	}
	budgets := make([]int64, 0, len(byBudget))
	for b := range byBudget {
		budgets = append(budgets, b)
	}
	sort.Slice(budgets, func(i, j int) bool { return budgets[i] < budgets[j] })
	for i, b := range budgets {
		sc, err := plotter.NewScatter(byBudget[b])
		if err != nil {
			return nil, fmt.Errorf("plot %s: %w", p.Name, err)
		}
		sc.GlyphStyle.Color = plotutil.Color(i)
		sc.GlyphStyle.Shape = draw.CircleGlyph{}
		pl.Add(sc)
		pl.Legend.Add(fmt.Sprintf("%s=%d", s.opt.Space.Budget.Name, b), sc)
	}
	switch {
	case p.Kind == Choice:
		ticks := make([]plot.Tick, len(p.Choices))
		for i, c := range p.Choices {
			ticks[i] = plot.Tick{Value: float64(i), Label: c}
		}
		pl.X.Tick.Marker = plot.ConstantTicks(ticks)
		pl.X.Min, pl.X.Max = -0.5, float64(len(p.Choices))-0.5
	case p.Log:
		pl.X.Scale = plot.LogScale{}
		pl.X.Tick.Marker = plot.LogTicks{Prec: -1}
		pl.X.Min, pl.X.Max = p.Low, p.High
	default:
		pl.X.Min, pl.X.Max = p.Low, p.High
	}
	pl.Add(plotter.NewGrid())
	return pl, nil
}

func (s *Sweep) incumbentPlot() (*plot.Plot, error) {
	pl := plot.New()
	pl.Title.Text = "incumbent"
	pl.X.Label.Text = "real steps spent by the sweep"
	pl.Y.Label.Text = s.opt.Objective.String() + " of the incumbent"
	var xys plotter.XYs
	for _, st := range s.incumbents() {
		if st.best != nil && !math.IsNaN(st.best.Objective) {
			xys = append(xys, plotter.XY{X: float64(st.realSteps), Y: st.best.Objective})
		}
	}
	if len(xys) > 0 {
		l, err := plotter.NewLine(xys)
		if err != nil {
			return nil, fmt.Errorf("plot incumbent: %w", err)
		}
		l.StepStyle = plotter.PostStep
		l.Color = plotutil.Color(0)
		pl.Add(l)
		sc, _ := plotter.NewScatter(xys)
		sc.GlyphStyle.Color = plotutil.Color(0)
		pl.Add(sc)
	}
	pl.Add(plotter.NewGrid())
	return pl, nil
}
