package level2

import (
	"fmt"
	"math"
	"strings"

	"github.com/dynago/dynago/lib/analysis"
	"github.com/dynago/dynago/lib/estimate"
	"github.com/dynago/dynago/lib/figure"
	"github.com/dynago/dynago/lib/format/metric"
	"github.com/dynago/dynago/lib/markdown"
	"github.com/dynago/dynago/lib/stats"
)

// HorizonResult is the computed imagination-horizon section: each
// horizon's final return and k-step model error at k = H (Point.Model),
// before any prose.
type HorizonResult struct {
	Sweep
	LateAt    float64   // the last checkpoint with model_ek in every run, where E_H is read
	Best      int       // the point with the highest final IQM return
	Near      []float64 // the other horizons whose return intervals overlap the best's
	Missing   []float64 // horizons without E_H (Model NaN): some run has no model_ek at k = H
	Compounds float64   // E_H at the largest horizon with E_H over E_H at the smallest; NaN with fewer than two
	LastBelow bool      // the largest horizon's return interval lies wholly below the best's
}

// horizon computes and renders section 1.
func horizon(r *markdown.Report, set *analysis.Set, a *Answers, opt Options) (string, error) {
	res, err := computeHorizon(set, opt)
	if res == nil || err != nil {
		return "", err
	}
	if res.Only == "" {
		a.Horizon, a.HorizonLateAt, a.BestHorizon = res.Points, res.LateAt, res.Points[res.Best]
	}
	return res.render(r, opt)
}

// computeHorizon returns the section's numbers, nil when there is no
// horizon sweep.
func computeHorizon(set *analysis.Set, opt Options) (*HorizonResult, error) {
	sw, err := sweepOf(set, HorizonPre, []string{"HORIZON"}, []string{""})
	if sw == nil || err != nil {
		return nil, err
	}
	if len(sw) < 2 {
		return &HorizonResult{Sweep: Sweep{Only: sw[0].variant}}, nil
	}
	var runs []*analysis.Run
	for _, s := range sw {
		runs = append(runs, s.runs...)
	}
	cps := analysis.Checkpoints(runs, metric.ModelEk)
	if len(cps) == 0 {
		return nil, fmt.Errorf("horizon sweep: no checkpoint with model_ek in every run (were the runs made with EVAL_MODEL=1?)")
	}
	s, err := measure(sw, opt)
	if err != nil {
		return nil, err
	}
	res := &HorizonResult{Sweep: *s, LateAt: cps[len(cps)-1], Compounds: math.NaN()}
	pts := res.Points
	// E_H is missing where the held-out episodes are shorter than H
	// (evalmodel writes no model_ek[k] without a window of length k).
	for i, s := range sw {
		ek, err := analysis.IndexValues(s.runs, metric.ModelEk, int64(s.values[0]), res.LateAt)
		if err != nil {
			pts[i].Model = stats.Interval{Point: math.NaN(), Lo: math.NaN(), Hi: math.NaN()}
			res.Missing = append(res.Missing, s.values[0])
			continue
		}
		pts[i].Model = estimate.IQMInterval(opt.Boot, fmt.Sprintf("ek/%s", s.variant), ek)
	}
	res.Best = best(pts)
	b := pts[res.Best]
	for _, p := range pts {
		if p.Variant != b.Variant && overlaps(p.Return, b.Return) {
			res.Near = append(res.Near, p.Value)
		}
	}
	if ek, _ := res.withEK(); len(ek) >= 2 {
		res.Compounds = ek[len(ek)-1].Model.Point / ek[0].Model.Point
	}
	res.LastBelow = pts[len(pts)-1].Return.Hi < b.Return.Lo
	return res, nil
}

// withEK returns the points with E_H and their horizons.
func (res *HorizonResult) withEK() (pts []Point, x []float64) {
	for _, p := range res.Points {
		if !math.IsNaN(p.Model.Point) {
			pts, x = append(pts, p), append(x, p.Value)
		}
	}
	return pts, x
}

// render writes the section: its answer, the table and the two figures.
func (res *HorizonResult) render(r *markdown.Report, opt Options) (string, error) {
	const title = "1. Imagination horizon"
	sec, ok := res.section(r, title)
	if !ok {
		return title, nil
	}
	sec.Answer("What is the trade-off between planning depth and compounding model error, and which horizon is best?", res.answer(opt))
	t := res.table("Final return and k-step model error at k = H", "H", val, opt, "E_H", "E_H CI")
	t.Notes = []string{fmt.Sprintf("E_H is model_ek at k = H, each run's last model evaluation at or before %s real steps (the last checkpoint common to every run), IQM over runs; each variant's own model.", markdown.Steps(res.LateAt))}
	if len(res.Missing) > 0 {
		t.Notes = append(t.Notes, fmt.Sprintf("E_H is missing for H = %s: some run has no model_ek at k = H there (no held-out episode of that length).", strings.Join(vals(res.Missing), ", ")))
	}
	sec.Table(t)
	lvl := opt.Boot.Level()
	pts := res.Points
	x := make([]float64, len(pts))
	for i, p := range pts {
		x[i] = p.Value
	}
	if err := sec.Figure("horizon-return", fmt.Sprintf("Final return against imagination horizon H: IQM over runs with %s bootstrap bands.", lvl), func(p string) error {
		return figure.Lines(p, []figure.Series{pointSeries("Dyna-PPO", pts, x, false)}, figure.LineOptions{XLabel: "Imagination horizon H", YLabel: "final IQM return"})
	}); err != nil {
		return "", err
	}
	ekPts, ekX := res.withEK()
	if len(ekPts) == 0 {
		return title, nil
	}
	err := sec.Figure("horizon-ek", fmt.Sprintf("k-step model error at k = H against H at %s real steps: IQM over runs with %s bootstrap bands, log scale.", markdown.Steps(res.LateAt), lvl), func(p string) error {
		return figure.Lines(p, []figure.Series{pointSeries("E_H", ekPts, ekX, true)}, figure.LineOptions{XLabel: "Imagination horizon H = k", YLabel: "E_k at k = H", LogY: true})
	})
	return title, err
}

// answer words the best horizon, how the model's error compounds and
// whether planning deeper pays.
func (res *HorizonResult) answer(opt Options) string {
	pts := res.Points
	b, first, last := pts[res.Best], pts[0], pts[len(pts)-1]
	ans := fmt.Sprintf("The best horizon is **H = %s**: final IQM return %s, with k-step model error E_%s = %s (at %s real steps). ",
		val(b.Value), answerCI(b.Return, opt), val(b.Value), answerCI(b.Model, opt), markdown.Steps(res.LateAt))
	if len(res.Near) > 0 {
		ans += fmt.Sprintf("Its interval overlaps those of H = %s, so it is not clearly better than %s. ", strings.Join(vals(res.Near), ", "), plural(len(res.Near), "that horizon", "those horizons"))
	} else {
		ans += "Its interval overlaps no other horizon's, so it is clearly the best tested. "
	}
	if ek, _ := res.withEK(); len(ek) >= 2 {
		e0, e1 := ek[0], ek[len(ek)-1]
		ans += fmt.Sprintf("The model's error compounds with depth: E_H goes from %s at H = %s to %s at H = %s, a factor of **%s**. ",
			answerCI(e0.Model, opt), val(e0.Value), answerCI(e1.Model, opt), val(e1.Value), markdown.Num(res.Compounds))
	}
	if len(res.Near) > 0 {
		ans += "By the IQMs (the intervals overlap, so this is not settled): "
	}
	switch {
	case b.Variant == first.Variant:
		ans += "Planning deeper than the shortest horizon does not pay here: the compounding error outweighs the longer imagined rollouts from the start"
	case b.Variant == last.Variant:
		ans += "Planning deeper pays throughout the range tested: the compounding error does not yet outweigh the longer imagined rollouts"
	default:
		ans += fmt.Sprintf("Planning deeper pays up to H = %s (return %s at H = %s against %s at H = %s); beyond it the compounding error outweighs the deeper rollouts (return %s at H = %s)",
			val(b.Value), markdown.Num(b.Return.Point), val(b.Value), markdown.Num(first.Return.Point), val(first.Value),
			markdown.Num(last.Return.Point), val(last.Value))
	}
	if res.LastBelow {
		ans += fmt.Sprintf(", and H = %s's interval lies wholly below the best's", val(last.Value))
	}
	return ans + "."
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
