package level2

import (
	"fmt"
	"strings"

	"github.com/dynago/dynago/lib/analysis"
	"github.com/dynago/dynago/lib/env"
	"github.com/dynago/dynago/lib/figure"
	"github.com/dynago/dynago/lib/format"
	"github.com/dynago/dynago/lib/markdown"
	"github.com/dynago/dynago/lib/stats"
)

// histSamples is the number of values BinSamples redraws a histogram with.
const histSamples = 4000

func shift(r *markdown.Report, set *analysis.Set, a *Answers, opt Options) (string, error) {
	runs := set.Of(Dyna)
	if len(runs) == 0 {
		return "", nil
	}
	metric := "hist_" + VisitsLabel + "_d0"
	cps := analysis.Checkpoints(runs, metric)
	if len(cps) == 0 {
		return "", nil // runs without EVAL_MODEL=1: no histograms
	}
	title := "4. Distribution shift"
	sec := r.Section(title)
	stages := []Stage{{Name: "early", Step: cps[0]}}
	if len(cps) > 2 {
		stages = append(stages, Stage{Name: "mid", Step: cps[len(cps)/2]})
	}
	if len(cps) > 1 {
		stages = append(stages, Stage{Name: "late", Step: cps[len(cps)-1]})
	}
	ppo := set.Of(PPO)
	lvl := opt.Boot.Level()
	hists := make([][][][]float64, len(stages)) // stage, run, dim, bin
	var sets []figure.HistogramSet
	edges, err := analysis.VisitEdges(runs[0])
	if err != nil {
		return "", err
	}
	for s := range stages {
		st := &stages[s]
		for _, run := range runs {
			h, err := analysis.VisitHistogram(run, VisitsLabel, int64(st.Step))
			if err != nil {
				return "", err
			}
			hists[s] = append(hists[s], h)
		}
		tv := make([]float64, len(runs))
		for i := range runs {
			if len(hists[s][i]) != len(hists[0][i]) {
				return "", fmt.Errorf("run %s: state-visit histograms of %d and %d dimensions", runs[i].Name, len(hists[0][i]), len(hists[s][i]))
			}
			for j := range hists[s][i] {
				tv[i] += analysis.TotalVariation(hists[s][i][j], hists[0][i][j]) / float64(len(hists[s][i]))
			}
		}
		at := analysis.Point{AtStep: true, Step: st.Step}
		label := fmt.Sprintf("shift/%g", st.Step)
		st.TV = analysis.IQMInterval(tv, opt.Boot, label+"/tv")
		old, err := analysis.RunValues(runs, "model_mse_old", at)
		if err != nil {
			return "", fmt.Errorf("distribution shift: %w", err)
		}
		nw, err := analysis.RunValues(runs, "model_mse_new", at)
		if err != nil {
			return "", fmt.Errorf("distribution shift: %w", err)
		}
		ratio := make([]float64, len(runs))
		for i := range ratio {
			ratio[i] = nw[i] / old[i]
		}
		st.Old = analysis.IQMInterval(old, opt.Boot, label+"/old")
		st.New = analysis.IQMInterval(nw, opt.Boot, label+"/new")
		st.Ratio = analysis.IQMInterval(ratio, opt.Boot, label+"/ratio")
		if len(ppo) > 0 {
			dy, err := analysis.RunValues(runs, analysis.EvalReturn, at)
			if err != nil {
				return "", err
			}
			pp, err := analysis.RunValues(ppo, analysis.EvalReturn, at)
			if err != nil {
				return "", err
			}
			st.Dyna = analysis.IQMInterval(dy, opt.Boot, label+"/dyna")
			st.PPO = analysis.IQMInterval(pp, opt.Boot, label+"/ppo")
			st.Diff = stats.DifferenceInterval(opt.Boot.Rand(label+"/diff"), dy, pp, analysis.IQM, opt.Boot.Options())
			if st.Diff.Hi < 0 {
				a.CostStages = append(a.CostStages, st.Name)
			}
		}
		sets = append(sets, figure.HistogramSet{Name: fmt.Sprintf("%s (%s steps)", st.Name, markdown.Steps(st.Step))})
	}
	a.Stages = stages
	late := stages[len(stages)-1]
	a.Degrades = late.Ratio.Lo > 1

	// Accuracy on fresh states.
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

	// Cost against benefit.
	if len(ppo) > 0 {
		g, err := analysis.AlignGrid(append(append([]*analysis.Run{}, runs...), ppo...), analysis.EvalReturn, format.NoIndex)
		if err != nil {
			return "", err
		}
		for _, step := range g.Steps {
			at := analysis.Point{AtStep: true, Step: step}
			dy, err := analysis.RunValues(runs, analysis.EvalReturn, at)
			if err != nil {
				return "", err
			}
			pp, err := analysis.RunValues(ppo, analysis.EvalReturn, at)
			if err != nil {
				return "", err
			}
			d := stats.DifferenceInterval(opt.Boot.Rand(fmt.Sprintf("diff/%g", step)), dy, pp, analysis.IQM, opt.Boot.Options())
			switch side(d, 0) {
			case -1:
				a.BehindSteps = append(a.BehindSteps, step)
			case 1:
				a.AheadSteps = append(a.AheadSteps, step)
			}
		}
		var per []string
		for _, st := range stages {
			per = append(per, fmt.Sprintf("%s (%s steps) %s", st.Name, markdown.Steps(st.Step), answerCI(st.Diff, opt)))
		}
		ans := "Dyna-PPO's IQM return minus PPO's is " + strings.Join(per, ", ") + ". "
		if len(a.CostStages) > 0 {
			ans += fmt.Sprintf("**The model's cost outweighs its benefit %s** (the interval lies below 0 there). ", strings.Join(a.CostStages, " and "))
		} else {
			ans += "**At no stage does the model's cost clearly outweigh its benefit** (no interval lies below 0). "
		}
		all := "nowhere"
		if len(a.BehindSteps) > 0 {
			all = "at " + stepRanges(a.BehindSteps, g.Steps) + " real steps"
		}
		ahead := "nowhere"
		if len(a.AheadSteps) > 0 {
			ahead = "at " + stepRanges(a.AheadSteps, g.Steps) + " real steps"
		}
		ans += fmt.Sprintf("Over all %d evaluations, Dyna-PPO is clearly behind PPO %s and clearly ahead %s.", len(g.Steps), all, ahead)
		sec.Answer("When does the model's cost outweigh its benefit: how does Dyna-PPO compare with PPO early, mid and late in training?", ans)
	} else {
		sec.Text("There are no PPO runs (variant ppo), so Dyna-PPO is not compared with PPO here; `make level2-shift` runs them.")
	}
	t := &markdown.Table{Title: "Stages of training", Columns: []string{"stage", "real steps", "TV from early", "model MSE old", "model MSE new", "new/old", lvl + " CI", "Dyna-PPO return", "PPO return", "Dyna − PPO", "CI"}}
	for _, st := range stages {
		row := []string{st.Name, markdown.Steps(st.Step), markdown.Num(st.TV.Point), markdown.Num(st.Old.Point), markdown.Num(st.New.Point), markdown.Num(st.Ratio.Point), markdown.CI(st.Ratio)}
		if len(ppo) > 0 {
			row = append(row, markdown.Num(st.Dyna.Point), markdown.Num(st.PPO.Point), markdown.Num(st.Diff.Point), markdown.CI(st.Diff))
		} else {
			row = append(row, markdown.Num(st.Dyna.Point), "–", "–", "–")
		}
		t.Add(row...)
	}
	t.Notes = []string{"All values are IQMs over runs. Old states: held-out states of the first checkpoint's policy; new states: the current policy's, so the two are the same states early. " +
		"Each run contributes its last value at or before the stage's step; the difference resamples Dyna-PPO's and PPO's runs independently."}
	sec.Table(t)

	// Figures: visits per dimension at each stage, and old against new error.
	dims := len(hists[0][0])
	names := env.ObsNames(envOf(runs[0])) // nil for a bridged environment: "dim j"
	var dimLabels []string
	for j := range dims {
		if j < len(names) && len(names) == dims {
			dimLabels = append(dimLabels, names[j])
		} else {
			dimLabels = append(dimLabels, fmt.Sprintf("dim %d", j))
		}
	}
	bins := 0
	for s := range stages {
		sets[s].Values = make([][]float64, dims)
		for j := range dims {
			m := meanHist(hists[s], j)
			bins = max(bins, len(m))
			e := edgesFor(edges, j, len(m))
			sets[s].Values[j] = analysis.BinSamples(m, e, histSamples)
		}
	}
	caption := ("State-visit histograms of the current policy's held-out states early, mid and late in training, one panel per state dimension: the mean over Dyna-PPO runs of each bin's fraction, as densities.")
	if edges == nil {
		caption += " The runs' bin edges were not found, so the x axes are bin numbers."
	}
	if err := sec.Figure("state-visits", caption, func(p string) error {
		return figure.Histograms(p, dimLabels, sets, figure.HistogramOptions{Bins: bins, Cols: 2})
	}); err != nil {
		return "", err
	}
	dynaSet, err := set.Select([]string{Dyna})
	if err != nil {
		return "", err
	}
	var curves []analysis.Curve
	for _, m := range []struct{ metric, name string }{{"model_mse_old", "old states"}, {"model_mse_new", "new states"}} {
		c, _, err := analysis.Curves(dynaSet, analysis.CurveOptions{Metric: m.metric, Index: format.NoIndex}, opt.Boot)
		if err != nil {
			return "", err
		}
		c[0].Variant = m.name
		curves = append(curves, c[0])
	}
	logY := true
	for _, c := range curves {
		for _, iv := range c.Est {
			logY = logY && iv.Lo > 0
		}
	}
	err = sec.Figure("model-mse-old-new", fmt.Sprintf("One-step model error (model_mse_delta) on the first checkpoint's states (old) and on the current policy's (new) against real steps: IQM over Dyna-PPO runs with %s bootstrap bands.", lvl), func(p string) error {
		return analysis.CurvesFigure(p, curves, figure.LineOptions{XLabel: "Real environment steps", YLabel: "one-step MSE", LogY: logY})
	})
	return title, err
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
