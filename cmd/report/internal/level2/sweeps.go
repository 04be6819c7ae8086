package level2

import (
	"fmt"

	"github.com/dynago/dynago/lib/analysis"
	"github.com/dynago/dynago/lib/figure"
	"github.com/dynago/dynago/lib/markdown"
	"github.com/dynago/dynago/lib/stats"
)

// Sweep is the computed part every sweep section shares: its settings
// with their final returns, or the one variant with runs when there are
// too few settings to compare.
type Sweep struct {
	Only   string  // the only setting's variant when there is one; "" otherwise
	Points []Point // by swept value (the first parameter's); Model is the section's

	settings []setting   // each point's runs
	returns  [][]float64 // each point's runs' final returns
}

// newSweep returns "dyna" and the variants called prefix* with the values
// of params (see sweepOf), and with at least two settings their final
// returns; nil when no variant has the prefix.
func newSweep(set *analysis.Set, prefix string, params, def []string, opt Options) (*Sweep, error) {
	sw, err := sweepOf(set, prefix, params, def)
	if sw == nil || err != nil {
		return nil, err
	}
	if len(sw) < 2 {
		return &Sweep{Only: sw[0].variant}, nil
	}
	return measure(sw, opt)
}

// measure returns the settings' final returns.
func measure(sw []setting, opt Options) (*Sweep, error) {
	s := &Sweep{settings: sw, Points: make([]Point, len(sw)), returns: make([][]float64, len(sw))}
	for i, st := range sw {
		v, iv, err := finalReturns(st.runs, opt)
		if err != nil {
			return nil, err
		}
		s.Points[i] = Point{Variant: st.variant, Value: st.values[0], Runs: len(st.runs), Return: iv}
		s.returns[i] = v
	}
	return s, nil
}

// best returns the index of the point with the highest final IQM return
// (the first of equals).
func best(pts []Point) int {
	b := 0
	for i, p := range pts {
		if p.Return.Point > pts[b].Return.Point {
			b = i
		}
	}
	return b
}

// section adds the sweep's section; with only one setting it says so, and
// reports that the rest of the section is left out.
func (s *Sweep) section(r *markdown.Report, title string) (*markdown.Section, bool) {
	sec := r.Section(title)
	if s.Only != "" {
		sec.Text("Only variant %s has finished runs; the comparison needs at least two settings.", s.Only)
		return sec, false
	}
	return sec, true
}

// table lists the sweep's points: the swept value as value formats it,
// variant, runs, final return with its interval, and with modelCols (the
// model error's and its interval's column names) the model error.
func (s *Sweep) table(title, param string, value func(float64) string, opt Options, modelCols ...string) *markdown.Table {
	t := &markdown.Table{Title: title, Columns: append([]string{param, "variant", "runs", "final IQM return", opt.Boot.Level() + " CI"}, modelCols...)}
	for _, p := range s.Points {
		row := []string{value(p.Value), p.Variant, fmt.Sprint(p.Runs), markdown.Num(p.Return.Point), markdown.CI(p.Return)}
		if len(modelCols) > 0 {
			row = append(row, markdown.Num(p.Model.Point), markdown.CI(p.Model))
		}
		t.Add(row...)
	}
	return t
}

// pointSeries returns the sweep's return (or model error) against x.
func pointSeries(name string, pts []Point, x []float64, model bool) figure.Series {
	iv := make([]stats.Interval, len(pts))
	for i, p := range pts {
		iv[i] = p.Return
		if model {
			iv[i] = p.Model
		}
	}
	return figure.SeriesFromIntervals(name, x, iv)
}
