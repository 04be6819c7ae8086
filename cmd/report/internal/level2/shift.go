package level2

import (
	"fmt"
	"slices"
	"strings"

	"github.com/dynago/dynago/lib/analysis"
	"github.com/dynago/dynago/lib/env"
	"github.com/dynago/dynago/lib/estimate"
	"github.com/dynago/dynago/lib/figure"
	"github.com/dynago/dynago/lib/format"
	"github.com/dynago/dynago/lib/format/metric"
	"github.com/dynago/dynago/lib/markdown"
	"github.com/dynago/dynago/lib/present"
	"github.com/dynago/dynago/lib/stats"
)

// histSamples is the number of values BinSamples redraws a histogram with.
const histSamples = 4000

// ShiftResult is the computed distribution-shift section: every number
// and figure input, before any prose.
type ShiftResult struct {
	Stages      []Stage
	Degrades    bool      // the late stage's ratio interval lies above 1
	CostStages  []string  // stages whose Dyna − PPO interval lies below 0
	Evals       []float64 // the evaluation steps Dyna-PPO and PPO share (none without PPO runs)
	BehindSteps []float64 // evaluations at which Dyna − PPO lies below 0
	AheadSteps  []float64 // and above 0
	HasPPO      bool
	Dims        []string              // the histograms' panel labels
	Bins        int                   // the most bins of any dimension
	Visits      []figure.HistogramSet // per stage: samples of the mean histogram per dimension
	EdgesFound  bool                  // the runs recorded their bin edges
	MSE         []estimate.Curve      // model_mse_old and model_mse_new against real steps
}

// shift computes and renders section 4; it is left out (title "") when
// the Dyna-PPO runs have no state-visit histograms.
func shift(r *markdown.Report, set *analysis.Set, a *Answers, opt Options) (string, error) {
	res, err := computeShift(set, opt)
	if err != nil || res == nil {
		return "", err
	}
	a.Stages, a.Degrades, a.CostStages = res.Stages, res.Degrades, res.CostStages
	a.BehindSteps, a.AheadSteps = res.BehindSteps, res.AheadSteps
	return res.render(r, opt)
}

// computeShift returns the section's numbers, nil when there is nothing to
// compute (no Dyna-PPO runs, or runs without EVAL_MODEL=1).
func computeShift(set *analysis.Set, opt Options) (*ShiftResult, error) {
	runs := set.Of(Dyna)
	if len(runs) == 0 {
		return nil, nil
	}
	cps := analysis.Checkpoints(runs, metric.Hist(VisitsLabel, 0))
	if len(cps) == 0 {
		return nil, nil
	}
	ppo := set.Of(PPO)
	res := &ShiftResult{Stages: stagesOf(cps), HasPPO: len(ppo) > 0}
	hists := make([][][][]float64, len(res.Stages)) // stage, run, dim, bin
	for s := range res.Stages {
		for _, run := range runs {
			h, err := analysis.VisitHistogram(run, VisitsLabel, int64(res.Stages[s].Step))
			if err != nil {
				return nil, err
			}
			hists[s] = append(hists[s], h)
		}
		if err := stageStats(&res.Stages[s], runs, ppo, hists[s], hists[0], opt); err != nil {
			return nil, err
		}
		if res.Stages[s].Diff.Hi < 0 {
			res.CostStages = append(res.CostStages, res.Stages[s].Name)
		}
	}
	res.Degrades = res.Stages[len(res.Stages)-1].Ratio.Lo > 1
	if res.HasPPO {
		if err := res.compare(runs, ppo, opt); err != nil {
			return nil, err
		}
	}
	edges, err := analysis.VisitEdges(runs[0])
	if err != nil {
		return nil, err
	}
	res.EdgesFound = edges != nil
	res.visits(hists, edges)
	res.Dims = dimLabels(runs[0], len(hists[0][0]))
	dynaSet, err := set.Select([]string{Dyna})
	if err != nil {
		return nil, err
	}
	for _, m := range []struct{ metric, name string }{{metric.ModelMSEOld, "old states"}, {metric.ModelMSENew, "new states"}} {
		c, _, err := estimate.Curves(dynaSet, estimate.CurveOptions{Metric: m.metric, Index: format.NoIndex}, opt.Boot)
		if err != nil {
			return nil, err
		}
		c[0].Variant = m.name
		res.MSE = append(res.MSE, c[0])
	}
	return res, nil
}

// stagesOf names the first, middle and last checkpoints early, mid and
// late (fewer stages with fewer checkpoints).
func stagesOf(cps []float64) []Stage {
	stages := []Stage{{Name: "early", Step: cps[0]}}
	if len(cps) > 2 {
		stages = append(stages, Stage{Name: "mid", Step: cps[len(cps)/2]})
	}
	if len(cps) > 1 {
		stages = append(stages, Stage{Name: "late", Step: cps[len(cps)-1]})
	}
	return stages
}

// stageStats fills a stage's intervals: the visits' total variation from
// the early stage's histograms, the model's error on old and new states
// and their ratio, and (with PPO runs) both returns and their difference.
func stageStats(st *Stage, runs, ppo []*analysis.Run, hists, early [][][]float64, opt Options) error {
	tv := make([]float64, len(runs))
	for i := range runs {
		if len(hists[i]) != len(early[i]) {
			return fmt.Errorf("run %s: state-visit histograms of %d and %d dimensions", runs[i].Name, len(early[i]), len(hists[i]))
		}
		for j := range hists[i] {
			tv[i] += stats.TotalVariation(hists[i][j], early[i][j]) / float64(len(hists[i]))
		}
	}
	at := analysis.Point{AtStep: true, Step: st.Step}
	label := fmt.Sprintf("shift/%g", st.Step)
	st.TV = estimate.IQMInterval(opt.Boot, label+"/tv", tv)
	old, err := analysis.RunValues(runs, metric.ModelMSEOld, at)
	if err != nil {
		return fmt.Errorf("distribution shift: %w", err)
	}
	nw, err := analysis.RunValues(runs, metric.ModelMSENew, at)
	if err != nil {
		return fmt.Errorf("distribution shift: %w", err)
	}
	ratio := make([]float64, len(runs))
	for i := range ratio {
		ratio[i] = nw[i] / old[i]
	}
	st.Old = estimate.IQMInterval(opt.Boot, label+"/old", old)
	st.New = estimate.IQMInterval(opt.Boot, label+"/new", nw)
	st.Ratio = estimate.IQMInterval(opt.Boot, label+"/ratio", ratio)
	if len(ppo) == 0 {
		return nil
	}
	dy, pp, err := returnsAt(runs, ppo, at)
	if err != nil {
		return err
	}
	st.Dyna = estimate.IQMInterval(opt.Boot, label+"/dyna", dy)
	st.PPO = estimate.IQMInterval(opt.Boot, label+"/ppo", pp)
	st.Diff = stats.DifferenceInterval(opt.Boot.Rand(label+"/diff"), dy, pp, stats.IQMOf, opt.Boot.Options())
	return nil
}

// returnsAt returns each Dyna-PPO run's and each PPO run's evaluation
// return at p.
func returnsAt(runs, ppo []*analysis.Run, p analysis.Point) (dy, pp []float64, err error) {
	if dy, err = analysis.RunValues(runs, metric.EvalReturn, p); err != nil {
		return nil, nil, err
	}
	if pp, err = analysis.RunValues(ppo, metric.EvalReturn, p); err != nil {
		return nil, nil, err
	}
	return dy, pp, nil
}

// compare finds the evaluations at which Dyna-PPO is clearly behind or
// ahead of PPO.
func (res *ShiftResult) compare(runs, ppo []*analysis.Run, opt Options) error {
	g, err := analysis.AlignGrid(append(append([]*analysis.Run{}, runs...), ppo...), metric.EvalReturn, format.NoIndex)
	if err != nil {
		return err
	}
	res.Evals = g.Steps
	for _, step := range g.Steps {
		at := analysis.Point{AtStep: true, Step: step}
		dy, pp, err := returnsAt(runs, ppo, at)
		if err != nil {
			return err
		}
		d := stats.DifferenceInterval(opt.Boot.Rand(fmt.Sprintf("diff/%g", step)), dy, pp, stats.IQMOf, opt.Boot.Options())
		switch side(d, 0) {
		case -1:
			res.BehindSteps = append(res.BehindSteps, step)
		case 1:
			res.AheadSteps = append(res.AheadSteps, step)
		}
	}
	return nil
}

// visits turns each stage's mean histogram per dimension into samples for
// the histogram figure (bin numbers as edges when none were recorded).
func (res *ShiftResult) visits(hists [][][][]float64, edges [][]float64) {
	dims := len(hists[0][0])
	for s, st := range res.Stages {
		set := figure.HistogramSet{Name: fmt.Sprintf("%s (%s steps)", st.Name, markdown.Steps(st.Step)), Values: make([][]float64, dims)}
		for j := range dims {
			m := meanHist(hists[s], j)
			res.Bins = max(res.Bins, len(m))
			set.Values[j] = figure.BinSamples(m, edgesFor(edges, j, len(m)), histSamples)
		}
		res.Visits = append(res.Visits, set)
	}
}

// dimLabels returns the panel labels of dims observation dimensions: the
// environment's names (lib/env), else "dim j" (a bridged environment).
func dimLabels(r *analysis.Run, dims int) []string {
	names := env.ObsNames(envOf(r))
	var out []string
	for j := range dims {
		if j < len(names) && len(names) == dims {
			out = append(out, names[j])
		} else {
			out = append(out, fmt.Sprintf("dim %d", j))
		}
	}
	return out
}

// render writes the section: its two answers, the stages table and the
// two figures.
func (res *ShiftResult) render(r *markdown.Report, opt Options) (string, error) {
	const title = "4. Distribution shift"
	sec := r.Section(title)
	stages := res.Stages
	late := stages[len(stages)-1]
	var ratios, tvs []string
	for _, st := range stages[1:] {
		ratios = append(ratios, fmt.Sprintf("%s at %s (%s steps)", answerCI(st.Ratio, opt), st.Name, markdown.Steps(st.Step)))
		tvs = append(tvs, fmt.Sprintf("%s %s (CI %s)", st.Name, markdown.Num(st.TV.Point), markdown.CI(st.TV)))
	}
	var ans string
	if len(stages) == 1 {
		ans = fmt.Sprintf("There is only one model checkpoint (%s steps), where old and new states are the same, so there is nothing to compare.", markdown.Steps(stages[0].Step))
	} else {
		verdict := map[int]string{
			1:  "**Yes, accuracy degrades on fresh states**: late in training the ratio's interval lies above 1.",
			0:  "**No clear degradation**: late in training the ratio's interval includes 1.",
			-1: "**No, the model is more accurate on fresh states** (it trains on them): late in training the ratio's interval lies below 1.",
		}[side(late.Ratio, 1)]
		ans = fmt.Sprintf("The model's error on the current policy's states divided by its error on the first checkpoint's states (model_mse_new / model_mse_old, IQM over runs) is %s. %s "+
			"The visited states do move: the total-variation distance of the state-visit histograms from the early stage's (mean over dimensions) is %s.",
			strings.Join(ratios, " and "), verdict, strings.Join(tvs, ", "))
	}
	sec.Answer("Does the model's accuracy degrade on fresh states as the policy's state distribution shifts?", ans)
	if res.HasPPO {
		sec.Answer("When does the model's cost outweigh its benefit: how does Dyna-PPO compare with PPO early, mid and late in training?", res.costAnswer(opt))
	} else {
		sec.Text("There are no PPO runs (variant ppo), so Dyna-PPO is not compared with PPO here; `make level2-shift` runs them.")
	}
	sec.Table(res.table(opt))
	caption := "State-visit histograms of the current policy's held-out states early, mid and late in training, one panel per state dimension: the mean over Dyna-PPO runs of each bin's fraction, as densities."
	if !res.EdgesFound {
		caption += " The runs' bin edges were not found, so the x axes are bin numbers."
	}
	if err := sec.Figure("state-visits", caption, func(p string) error {
		return figure.Histograms(p, res.Dims, res.Visits, figure.HistogramOptions{Bins: res.Bins, Cols: 2})
	}); err != nil {
		return "", err
	}
	err := sec.Figure("model-mse-old-new", fmt.Sprintf("One-step model error (model_mse_delta) on the first checkpoint's states (old) and on the current policy's (new) against real steps: IQM over Dyna-PPO runs with %s bootstrap bands.", opt.Boot.Level()), func(p string) error {
		return present.CurvesFigure(p, res.MSE, figure.LineOptions{XLabel: "Real environment steps", YLabel: "one-step MSE", LogY: true})
	})
	return title, err
}

// costAnswer words Dyna-PPO against PPO per stage and over evaluations.
func (res *ShiftResult) costAnswer(opt Options) string {
	var per []string
	for _, st := range res.Stages {
		per = append(per, fmt.Sprintf("%s (%s steps) %s", st.Name, markdown.Steps(st.Step), answerCI(st.Diff, opt)))
	}
	ans := "Dyna-PPO's IQM return minus PPO's is " + strings.Join(per, ", ") + ". "
	if len(res.CostStages) > 0 {
		ans += fmt.Sprintf("**The model's cost outweighs its benefit %s** (the interval lies below 0 there). ", strings.Join(res.CostStages, " and "))
	} else {
		ans += "**At no stage does the model's cost clearly outweigh its benefit** (no interval lies below 0). "
	}
	where := func(steps []float64) string {
		if len(steps) == 0 {
			return "nowhere"
		}
		return "at " + stepRanges(steps, res.Evals) + " real steps"
	}
	return ans + fmt.Sprintf("Over all %d evaluations, Dyna-PPO is clearly behind PPO %s and clearly ahead %s.", len(res.Evals), where(res.BehindSteps), where(res.AheadSteps))
}

// table is the stages table.
func (res *ShiftResult) table(opt Options) *markdown.Table {
	t := &markdown.Table{Title: "Stages of training", Columns: []string{"stage", "real steps", "TV from early", "model MSE old", "model MSE new", "new/old", opt.Boot.Level() + " CI", "Dyna-PPO return", "PPO return", "Dyna − PPO", "CI"}}
	for _, st := range res.Stages {
		row := []string{st.Name, markdown.Steps(st.Step), markdown.Num(st.TV.Point), markdown.Num(st.Old.Point), markdown.Num(st.New.Point), markdown.Num(st.Ratio.Point), markdown.CI(st.Ratio)}
		if res.HasPPO {
			row = append(row, markdown.Num(st.Dyna.Point), markdown.Num(st.PPO.Point), markdown.Num(st.Diff.Point), markdown.CI(st.Diff))
		} else {
			row = append(row, markdown.Num(st.Dyna.Point), "–", "–", "–")
		}
		t.Add(row...)
	}
	t.Notes = []string{"All values are IQMs over runs. Old states: held-out states of the first checkpoint's policy; new states: the current policy's, so the two are the same states early. " +
		"Each run contributes its last value at or before the stage's step; the difference resamples Dyna-PPO's and PPO's runs independently."}
	return t
}

// meanHist returns the mean over runs of dimension j's histogram.
func meanHist(h [][][]float64, j int) []float64 {
	var m []float64
	for _, run := range h {
		for len(m) < len(run[j]) {
			m = append(m, 0)
		}
		for b, v := range run[j] {
			m[b] += v / float64(len(h))
		}
	}
	return m
}

// edgesFor returns dimension j's recorded edges, or bin numbers 0..bins
// when there are none that fit.
func edgesFor(edges [][]float64, j, bins int) []float64 {
	if j < len(edges) && len(edges[j]) == bins+1 {
		return edges[j]
	}
	e := make([]float64, bins+1)
	for b := range e {
		e[b] = float64(b)
	}
	return e
}

// envOf returns the run's ENV setting, or "".
func envOf(r *analysis.Run) string {
	s, err := analysis.Settings(r)
	if err != nil {
		return ""
	}
	return s["ENV"]
}

// stepRanges formats sorted steps on a grid as ranges ("1,000–3,000, 5,000").
func stepRanges(steps, grid []float64) string {
	var parts []string
	for i := 0; i < len(steps); {
		j := i
		for j+1 < len(steps) && slices.Index(grid, steps[j+1]) == slices.Index(grid, steps[j])+1 {
			j++
		}
		if j == i {
			parts = append(parts, markdown.Steps(steps[i]))
		} else {
			parts = append(parts, markdown.Steps(steps[i])+"–"+markdown.Steps(steps[j]))
		}
		i = j + 1
	}
	return strings.Join(parts, ", ")
}
