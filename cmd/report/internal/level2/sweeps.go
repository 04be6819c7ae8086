package level2

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/dynago/dynago/lib/analysis"
	"github.com/dynago/dynago/lib/figure"
	"github.com/dynago/dynago/lib/markdown"
	"github.com/dynago/dynago/lib/stats"
)

// points returns the final returns of a sweep's settings (value: the
// first parameter's).
func points(sw []setting, opt Options) ([]Point, [][]float64, error) {
	pts := make([]Point, len(sw))
	rets := make([][]float64, len(sw))
	for i, s := range sw {
		v, iv, err := finalReturns(s.runs, opt)
		if err != nil {
			return nil, nil, err
		}
		pts[i] = Point{Variant: s.variant, Value: s.values[0], Runs: len(s.runs), Return: iv}
		rets[i] = v
	}
	return pts, rets, nil
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

func best(pts []Point) int {
	b := 0
	for i, p := range pts {
		if p.Return.Point > pts[b].Return.Point {
			b = i
		}
	}
	return b
}

func horizon(r *markdown.Report, set *analysis.Set, a *Answers, opt Options) (string, error) {
	sw, err := sweepOf(set, HorizonPre, []string{"HORIZON"}, []string{""})
	if sw == nil || err != nil {
		return "", err
	}
	title := "1. Imagination horizon"
	sec := r.Section(title)
	if tooFew(sec, sw) {
		return title, nil
	}
	var runs []*analysis.Run
	for _, s := range sw {
		runs = append(runs, s.runs...)
	}
	cps := analysis.Checkpoints(runs, "model_ek")
	if len(cps) == 0 {
		return "", fmt.Errorf("horizon sweep: no checkpoint with model_ek in every run (were the runs made with EVAL_MODEL=1?)")
	}
	a.HorizonLateAt = cps[len(cps)-1]
	pts, _, err := points(sw, opt)
	if err != nil {
		return "", err
	}
	// E_H is missing where the held-out episodes are shorter than H
	// (evalmodel writes no model_ek[k] without a window of length k).
	var missing []string
	for i, s := range sw {
		ek, err := analysis.IndexValues(s.runs, "model_ek", int64(s.values[0]), a.HorizonLateAt)
		if err != nil {
			pts[i].Model = stats.Interval{Point: math.NaN(), Lo: math.NaN(), Hi: math.NaN()}
			missing = append(missing, val(s.values[0]))
			continue
		}
		pts[i].Model = analysis.IQMInterval(ek, opt.Boot, fmt.Sprintf("ek/%s", s.variant))
	}
	a.Horizon = pts
	var ekPts []Point // the horizons with E_H
	var ekX []float64
	for _, p := range pts {
		if !math.IsNaN(p.Model.Point) {
			ekPts, ekX = append(ekPts, p), append(ekX, p.Value)
		}
	}
	b := pts[best(pts)]
	a.BestHorizon = b
	lvl := opt.Boot.Level()
	first, last := pts[0], pts[len(pts)-1]
	var near []string
	for _, p := range pts {
		if p.Variant != b.Variant && overlaps(p.Return, b.Return) {
			near = append(near, val(p.Value))
		}
	}
	ans := fmt.Sprintf("The best horizon is **H = %s**: final IQM return %s, with k-step model error E_%s = %s (at %s real steps). ",
		val(b.Value), answerCI(b.Return, opt), val(b.Value), answerCI(b.Model, opt), markdown.Steps(a.HorizonLateAt))
	if len(near) > 0 {
		ans += fmt.Sprintf("Its interval overlaps those of H = %s, so it is not clearly better than %s. ", strings.Join(near, ", "), plural(len(near), "that horizon", "those horizons"))
	} else {
		ans += "Its interval overlaps no other horizon's, so it is clearly the best tested. "
	}
	if len(ekPts) >= 2 {
		e0, e1 := ekPts[0], ekPts[len(ekPts)-1]
		ans += fmt.Sprintf("The model's error compounds with depth: E_H goes from %s at H = %s to %s at H = %s, a factor of **%s**. ",
			answerCI(e0.Model, opt), val(e0.Value), answerCI(e1.Model, opt), val(e1.Value), markdown.Num(e1.Model.Point/e0.Model.Point))
	}
	if len(near) > 0 {
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
	if last.Return.Hi < b.Return.Lo {
		ans += fmt.Sprintf(", and H = %s's interval lies wholly below the best's", val(last.Value))
	}
	sec.Answer("What is the trade-off between planning depth and compounding model error, and which horizon is best?", ans+".")
	t := &markdown.Table{Title: "Final return and k-step model error at k = H", Columns: []string{"H", "variant", "runs", "final IQM return", lvl + " CI", "E_H", "E_H CI"}}
	for _, p := range pts {
		t.Add(val(p.Value), p.Variant, fmt.Sprint(p.Runs), markdown.Num(p.Return.Point), markdown.CI(p.Return), markdown.Num(p.Model.Point), markdown.CI(p.Model))
	}
	t.Notes = []string{fmt.Sprintf("E_H is model_ek at k = H, each run's last model evaluation at or before %s real steps (the last checkpoint common to every run), IQM over runs; each variant's own model.", markdown.Steps(a.HorizonLateAt))}
	if len(missing) > 0 {
		t.Notes = append(t.Notes, fmt.Sprintf("E_H is missing for H = %s: some run has no model_ek at k = H there (no held-out episode of that length).", strings.Join(missing, ", ")))
	}
	sec.Table(t)
	x := make([]float64, len(pts))
	for i, p := range pts {
		x[i] = p.Value
	}
	if err := sec.Figure("horizon-return", fmt.Sprintf("Final return against imagination horizon H: IQM over runs with %s bootstrap bands.", lvl), func(p string) error {
		return figure.Lines(p, []figure.Series{pointSeries("Dyna-PPO", pts, x, false)}, figure.LineOptions{XLabel: "Imagination horizon H", YLabel: "final IQM return"})
	}); err != nil {
		return "", err
	}
	if len(ekPts) == 0 {
		return title, nil
	}
	err = sec.Figure("horizon-ek", fmt.Sprintf("k-step model error at k = H against H at %s real steps: IQM over runs with %s bootstrap bands, log scale.", markdown.Steps(a.HorizonLateAt), lvl), func(p string) error {
		return figure.Lines(p, []figure.Series{pointSeries("E_H", ekPts, ekX, true)}, figure.LineOptions{XLabel: "Imagination horizon H = k", YLabel: "E_k at k = H", LogY: true})
	})
	return title, err
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

func buffer(r *markdown.Report, set *analysis.Set, a *Answers, opt Options) (string, error) {
	sw, err := sweepOf(set, BufferPre, []string{"BUFFER_SIZE"}, []string{""})
	if sw == nil || err != nil {
		return "", err
	}
	title := "3. Replay buffer size"
	sec := r.Section(title)
	if tooFew(sec, sw) {
		return title, nil
	}
	pts, rets, err := points(sw, opt)
	if err != nil {
		return "", err
	}
	mses := make([][]float64, len(sw))
	for i, s := range sw {
		if mses[i], err = analysis.RunValues(s.runs, "model_mse_delta", analysis.Point{Final: opt.Final}); err != nil {
			return "", fmt.Errorf("buffer sweep: %w (were the runs made with EVAL_MODEL=1?)", err)
		}
		pts[i].Model = analysis.IQMInterval(mses[i], opt.Boot, "mse/"+s.variant)
	}
	a.Buffer = pts
	lvl := opt.Boot.Level()
	l := len(pts) - 1
	largest := pts[l]
	bi := best(pts[:l])
	a.BestBuffer = pts[bi]
	a.LargestIsBest = largest.Return.Point > pts[bi].Return.Point
	rnd := func(what string) string { return fmt.Sprintf("stale/%s/%s/%s", what, largest.Variant, pts[bi].Variant) }
	a.StaleReturn = stats.DifferenceInterval(opt.Boot.Rand(rnd("return")), rets[l], rets[bi], stats.IQMOf, opt.Boot.Options())
	a.StaleMSE = stats.DifferenceInterval(opt.Boot.Rand(rnd("mse")), mses[l], mses[bi], stats.IQMOf, opt.Boot.Options())
	a.StaleHurts = a.StaleReturn.Hi < 0
	lowest := 0
	for i, p := range pts {
		if p.Model.Point < pts[lowest].Model.Point {
			lowest = i
		}
	}
	var verdict string
	switch {
	case a.StaleHurts:
		verdict = "**Yes, too much stale data hurts**: the whole interval lies below 0."
	case a.LargestIsBest && a.StaleReturn.Lo > 0:
		verdict = "**No**: the largest buffer is the best, the whole interval lies above 0."
	case a.LargestIsBest:
		verdict = "**No evidence that stale data hurts**: the largest buffer has the highest IQM, though the interval includes 0."
	default:
		verdict = "**No clear evidence that stale data hurts**: the interval includes 0."
	}
	mseSide := map[int]string{-1: "lower: the interval lies below 0", 0: "no clear difference: the interval includes 0", 1: "higher: the interval lies above 0"}[side(a.StaleMSE, 0)]
	sec.Answer("Does too much stale data in the model's replay buffer hurt?",
		fmt.Sprintf("The largest buffer (%s transitions) ends with a final IQM return of %s; the best smaller buffer (%s) with %s. "+
			"Largest minus best smaller: %s. %s Its model error on the current policy's states (model_mse_delta) is %s; minus the %s buffer's, %s (%s). "+
			"The lowest model error is that of the %s buffer, %s.",
			markdown.Steps(largest.Value), answerCI(largest.Return, opt), markdown.Steps(pts[bi].Value), answerCI(pts[bi].Return, opt),
			answerCI(a.StaleReturn, opt), verdict, answerCI(largest.Model, opt), markdown.Steps(pts[bi].Value), answerCI(a.StaleMSE, opt), mseSide,
			markdown.Steps(pts[lowest].Value), answerCI(pts[lowest].Model, opt)))
	t := &markdown.Table{Title: "Final return and model error by buffer size", Columns: []string{"buffer", "variant", "runs", "final IQM return", lvl + " CI", "model MSE", "MSE CI"}}
	for _, p := range pts {
		t.Add(markdown.Steps(p.Value), p.Variant, fmt.Sprint(p.Runs), markdown.Num(p.Return.Point), markdown.CI(p.Return), markdown.Num(p.Model.Point), markdown.CI(p.Model))
	}
	t.Notes = []string{fmt.Sprintf("Model MSE: model_mse_delta (one-step error of the state change on held-out states of the current policy), each run's %s model evaluation%s, IQM over runs. Differences resample the two buffers' runs independently.",
		map[bool]string{true: "last", false: fmt.Sprintf("mean of the last %d", opt.Final)}[opt.Final == 1], map[bool]string{true: "", false: "s"}[opt.Final == 1])}
	sec.Table(t)
	x := make([]float64, len(pts))
	for i, p := range pts {
		x[i] = math.Log10(p.Value)
	}
	xl := "log10 buffer size (transitions)"
	if err := sec.Figure("buffer-mse", fmt.Sprintf("Final one-step model MSE against buffer size (log scales): IQM over runs with %s bootstrap bands.", lvl), func(p string) error {
		return figure.Lines(p, []figure.Series{pointSeries("model MSE", pts, x, true)}, figure.LineOptions{XLabel: xl, YLabel: "model_mse_delta", LogY: true})
	}); err != nil {
		return "", err
	}
	err = sec.Figure("buffer-return", fmt.Sprintf("Final return against buffer size (log scale): IQM over runs with %s bootstrap bands.", lvl), func(p string) error {
		return figure.Lines(p, []figure.Series{pointSeries("Dyna-PPO", pts, x, false)}, figure.LineOptions{XLabel: xl, YLabel: "final IQM return"})
	})
	return title, err
}

func noise(r *markdown.Report, set *analysis.Set, a *Answers, opt Options) (string, error) {
	sw, err := sweepOf(set, NoisePre, []string{"NOISE_SIGMA"}, []string{"0"})
	if sw == nil || err != nil {
		return "", err
	}
	title := "5. Failure mode: noise in the model's predictions"
	sec := r.Section(title)
	if tooFew(sec, sw) {
		return title, nil
	}
	pts, _, err := points(sw, opt)
	if err != nil {
		return "", err
	}
	a.Noise = pts
	a.NoiseBelowCI, a.NoiseBelowIQM, a.NoiseDegrades = math.NaN(), math.NaN(), math.NaN()
	lvl := opt.Boot.Level()
	base := pts[0]
	for _, p := range pts[1:] {
		if math.IsNaN(a.NoiseDegrades) && p.Return.Hi < base.Return.Point {
			a.NoiseDegrades = p.Value
		}
	}
	ppoRuns := set.Of(PPO)
	ans := fmt.Sprintf("Dyna-PPO's final IQM return is %s at σ = %s and %s at σ = %s. ",
		answerCI(base.Return, opt), val(base.Value), answerCI(pts[len(pts)-1].Return, opt), val(pts[len(pts)-1].Value))
	if math.IsNaN(a.NoiseDegrades) {
		ans += fmt.Sprintf("No σ tested has an interval wholly below the IQM at σ = %s. ", val(base.Value))
	} else {
		ans += fmt.Sprintf("Performance first degrades clearly at **σ = %s** (the first σ whose interval lies wholly below the IQM at σ = %s). ", val(a.NoiseDegrades), val(base.Value))
	}
	if len(ppoRuns) == 0 {
		ans += "There are no PPO runs (variant ppo), so there is no reference to fall below."
	} else {
		_, a.PPOFinal, err = finalReturns(ppoRuns, opt)
		if err != nil {
			return "", err
		}
		for _, p := range pts {
			if math.IsNaN(a.NoiseBelowCI) && p.Return.Hi < a.PPOFinal.Lo {
				a.NoiseBelowCI = p.Value
			}
			if math.IsNaN(a.NoiseBelowIQM) && p.Return.Point < a.PPOFinal.Point {
				a.NoiseBelowIQM = p.Value
			}
		}
		ans += fmt.Sprintf("PPO's final IQM return is %s. ", answerCI(a.PPOFinal, opt))
		switch {
		case math.IsNaN(a.NoiseBelowIQM):
			ans += "Dyna-PPO's IQM stays at or above PPO's at every σ tested."
		case math.IsNaN(a.NoiseBelowCI):
			ans += fmt.Sprintf("Dyna-PPO's IQM first falls below PPO's at **σ = %s**, but at no σ tested does its interval lie wholly below PPO's.", val(a.NoiseBelowIQM))
		default:
			ans += fmt.Sprintf("Dyna-PPO's IQM first falls below PPO's at **σ = %s**, and its interval first lies wholly below PPO's at **σ = %s**.", val(a.NoiseBelowIQM), val(a.NoiseBelowCI))
		}
	}
	sec.Answer("How does Dyna-PPO's performance degrade with noise in the model's predictions, and where does it fall below PPO?", ans)
	t := &markdown.Table{Title: "Final return by noise σ", Columns: []string{"σ", "variant", "runs", "final IQM return", lvl + " CI"}}
	for _, p := range pts {
		t.Add(val(p.Value), p.Variant, fmt.Sprint(p.Runs), markdown.Num(p.Return.Point), markdown.CI(p.Return))
	}
	if len(ppoRuns) > 0 {
		t.Add("PPO", PPO, fmt.Sprint(len(ppoRuns)), markdown.Num(a.PPOFinal.Point), markdown.CI(a.PPOFinal))
	}
	t.Notes = []string{"σ is the standard deviation of the Gaussian noise imagine adds to each predicted state change and reward (raw units)."}
	sec.Table(t)
	// σ on a log axis, with σ = 0 drawn one decade below the smallest σ > 0.
	zero := 0.0
	for _, p := range pts {
		if p.Value > 0 {
			zero = float64(math.Log10(p.Value)) - 1
			break
		}
	}
	x := make([]float64, len(pts))
	for i, p := range pts {
		x[i] = zero
		if p.Value > 0 {
			x[i] = math.Log10(p.Value)
		}
	}
	series := []figure.Series{pointSeries("Dyna-PPO", pts, x, false)}
	caption := fmt.Sprintf("Final return against noise σ (log scale; σ = 0 drawn at %s): IQM over runs with %s bootstrap bands", markdown.Num(zero), lvl)
	if len(ppoRuns) > 0 {
		lo, hi := x[0], x[len(x)-1]
		series = append(series, figure.SeriesFromIntervals("PPO", []float64{lo, hi}, []stats.Interval{a.PPOFinal, a.PPOFinal}))
		caption += "; PPO's final IQM with its interval as the flat reference"
	}
	err = sec.Figure("noise-return", caption+".", func(p string) error {
		return figure.Lines(p, series, figure.LineOptions{XLabel: "log10 noise σ", YLabel: "final IQM return"})
	})
	return title, err
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
