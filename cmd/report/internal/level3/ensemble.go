package level3

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/dynago/dynago/lib/analysis"
	"github.com/dynago/dynago/lib/figure"
	"github.com/dynago/dynago/lib/format"
	"github.com/dynago/dynago/lib/markdown"
	"github.com/dynago/dynago/lib/present"
	"github.com/dynago/dynago/lib/stats"
)

// EnsembleAnswers are section 1's numbers, one entry per ensemble size.
type EnsembleAnswers struct {
	Variants []string
	M        []int
	Pearson  []stats.Interval // mean over runs of each run's mean model_var_err_corr over checkpoints
	Spearman []stats.Interval // the same of model_var_err_spearman
	TopRatio []stats.Interval // geometric mean of err(top variance bin) / err(bottom bin)
	VarMean  []stats.Interval // mean over runs of each run's mean model_var_mean
	// SpearmanDiff is the largest M's Spearman minus the smallest M's
	// (zero-width at 0 with one size).
	SpearmanDiff stats.Interval
}

const ensembleTitle = "1. Ensembles: does the members' disagreement flag model error?"

func ensembleSection(r *markdown.Report, set *analysis.Set, cat catalogue, a *Answers, opt Options) error {
	var vs []dyna
	for _, d := range cat.Dyna {
		if !d.gated() && !d.Stress && d.M > 1 && slices.ContainsFunc(set.Of(d.Name), func(r *analysis.Run) bool { return r.Has("model_var_err_spearman") }) {
			vs = append(vs, d)
		}
	}
	if len(vs) == 0 {
		missing(r, ensembleTitle, "no ungated Dyna-PPO runs with an ensemble (dyna-m<M>, M > 1) and model evaluations (EVAL_MODEL=1)", "level3-ensemble")
		return nil
	}
	e := &EnsembleAnswers{}
	a.Ensemble = e
	var names []string
	var spear [][]float64
	for _, d := range vs {
		runs := set.Of(d.Name)
		for _, m := range []string{"model_var_err_corr", "model_var_err_spearman", "model_var_mean", "model_var_bin_err"} {
			if err := analysis.CheckMetric(runs, m); err != nil {
				return err
			}
		}
		all := math.Inf(1)
		p, err := analysis.PerRun(runs, analysis.MeanOver("model_var_err_corr", math.Inf(-1), all))
		if err != nil {
			return err
		}
		s, err := analysis.PerRun(runs, analysis.MeanOver("model_var_err_spearman", math.Inf(-1), all))
		if err != nil {
			return err
		}
		vm, err := analysis.PerRun(runs, analysis.MeanOver("model_var_mean", math.Inf(-1), all))
		if err != nil {
			return err
		}
		lr, err := analysis.PerRun(runs, logTopRatio)
		if err != nil {
			return err
		}
		e.Variants, e.M = append(e.Variants, d.Name), append(e.M, d.M)
		e.Pearson = append(e.Pearson, analysis.MeanInterval(opt.Boot, "pearson/"+d.Name, p))
		e.Spearman = append(e.Spearman, analysis.MeanInterval(opt.Boot, "spearman/"+d.Name, s))
		e.VarMean = append(e.VarMean, analysis.MeanInterval(opt.Boot, "var/"+d.Name, vm))
		ratio := analysis.MeanInterval(opt.Boot, "ratio/"+d.Name, lr)
		e.TopRatio = append(e.TopRatio, stats.Interval{Point: math.Exp(ratio.Point), Lo: math.Exp(ratio.Lo), Hi: math.Exp(ratio.Hi)})
		names = append(names, d.Name)
		spear = append(spear, s)
	}
	last := len(vs) - 1
	if last > 0 {
		e.SpearmanDiff = stats.DifferenceInterval(opt.Boot.Rand("spearman-diff"), spear[last], spear[0], stats.MeanOf, opt.Boot.Options())
	}

	sec := r.Section(ensembleTitle)
	var runs []*analysis.Run
	for _, n := range names {
		runs = append(runs, set.Of(n)...)
	}
	scale, err := varScale(runs)
	if err != nil {
		return err
	}
	sec.Text("Dyna-PPO with ensembles of %s members trained on the same buffer from different initialisations. "+
		"At every checkpoint the current policy collects held-out transitions on a separately seeded environment and `evalmodel` compares, row by row, "+
		"the ensemble's variance v with the squared error s of its mean prediction. %s", joinInts(e.M), scale)
	var parts []string
	for i := range vs {
		parts = append(parts, fmt.Sprintf("M = %d: Spearman **%s**, Pearson %s; the 10%% of rows with the highest variance have **%s×** the error of the 10%% with the lowest (CI %s)",
			e.M[i], ivText(e.Spearman[i], opt.Boot), ivText(e.Pearson[i], opt.Boot), markdown.Num(e.TopRatio[i].Point), markdown.CI(e.TopRatio[i])))
	}
	agree := 0
	for _, s := range e.Spearman {
		if s.Lo > 0 {
			agree++
		}
	}
	var lead string
	switch {
	case agree == len(vs):
		lead = fmt.Sprintf("**Yes**: for every ensemble size the rank correlation between a row's ensemble variance and its error is positive, its whole interval above 0 (strength: %s).", strength(e.Spearman))
	case agree == 0:
		lead = "**No clear evidence**: for no ensemble size does the rank correlation's interval lie above 0."
	default:
		lead = fmt.Sprintf("**For some sizes**: the rank correlation's interval lies above 0 for %d of %d ensemble sizes.", agree, len(vs))
	}
	sec.Answer("Do high-variance regions coincide with high model error?", lead+" "+strings.Join(parts, "; ")+".")
	if last > 0 {
		d := e.SpearmanDiff
		sec.Answer("How does the ensemble size M change that?",
			fmt.Sprintf("Going from M = %d to M = %d changes the rank correlation by **%s** (%s CI %s): %s "+
				"The mean variance itself is %s at M = %d and %s at M = %d.",
				e.M[0], e.M[last], markdown.Num(d.Point), opt.Boot.Level(), markdown.CI(d),
				verdict(d, "larger ensembles flag error more reliably.", "larger ensembles flag error less reliably.", "no clear change with M; the interval includes 0."),
				ivText(e.VarMean[0], opt.Boot), e.M[0], ivText(e.VarMean[last], opt.Boot), e.M[last]))
	}
	sec.Text("Each run's correlation is the mean over its checkpoints of the per-checkpoint correlation over held-out rows (model_var_err_spearman, model_var_err_corr); " +
		"intervals resample runs. The error ratio compares the highest and lowest of evalmodel's quantile bins of v (model_var_bin_err), " +
		"as a geometric mean over checkpoints and runs.")
	t := &markdown.Table{Title: "Ensemble variance against error on held-out transitions", Columns: []string{"variant", "M", "runs", "Spearman", "CI", "Pearson", "CI", "top/bottom error ratio", "CI", "mean variance", "CI"}}
	for i, n := range names {
		t.Add(n, fmt.Sprint(e.M[i]), fmt.Sprint(len(set.Of(n))), markdown.Num(e.Spearman[i].Point), markdown.CI(e.Spearman[i]),
			markdown.Num(e.Pearson[i].Point), markdown.CI(e.Pearson[i]), markdown.Num(e.TopRatio[i].Point), markdown.CI(e.TopRatio[i]),
			markdown.Num(e.VarMean[i].Point), markdown.CI(e.VarMean[i]))
	}
	sec.Table(t)
	return ensembleFigures(sec, set, names, e, opt)
}

func ensembleFigures(sec *markdown.Section, set *analysis.Set, names []string, e *EnsembleAnswers, opt Options) error {
	sub, err := set.Select(names)
	if err != nil {
		return err
	}
	label := func(cs []analysis.Curve) []analysis.Curve {
		for i := range cs {
			cs[i].Variant = fmt.Sprintf("M = %d", e.M[slices.Index(names, cs[i].Variant)])
		}
		return cs
	}
	evalGrid, err := analysis.AlignGrid(sub.Runs, analysis.EvalReturn, format.NoIndex)
	if err != nil {
		return err
	}
	g, err := analysis.SubGrid(evalGrid, sub.Runs, "imagined_var_delta")
	if err != nil {
		return err
	}
	imag, _, err := analysis.Curves(sub, analysis.CurveOptions{Metric: "imagined_var_delta", Index: format.NoIndex, Grid: &g}, opt.Boot)
	if err != nil {
		return err
	}
	imag = label(imag)
	if err := sec.Figure("ensemble-imagined-variance", "Ensemble variance of imagined steps (imagined_var_delta, the mean over an iteration's imagined steps) against real steps, per ensemble size: IQM over runs, each run's last iteration at or before each evaluation step; log scale.",
		func(p string) error {
			return present.CurvesFigure(p, imag, figure.LineOptions{XLabel: "Real environment steps", YLabel: "imagined var_delta", LogY: true})
		}); err != nil {
		return err
	}
	held, _, err := analysis.Curves(sub, analysis.CurveOptions{Metric: "model_var_mean", Index: format.NoIndex}, opt.Boot)
	if err != nil {
		return err
	}
	held = label(held)
	if err := sec.Figure("ensemble-heldout-variance", "Mean ensemble variance on held-out transitions (model_var_mean) at each checkpoint against real steps, per ensemble size: IQM over runs, log scale.",
		func(p string) error {
			return present.CurvesFigure(p, held, figure.LineOptions{XLabel: "Real environment steps", YLabel: "held-out variance", LogY: true})
		}); err != nil {
		return err
	}
	for i, n := range names {
		x, y := analysis.IndexedPairs(set.Of(n), "model_var_bin_var", "model_var_bin_err")
		x, y = positive(x, y)
		if len(x) == 0 {
			continue
		}
		caption := fmt.Sprintf("M = %d: mean squared error against mean ensemble variance of each quantile bin of held-out rows (model_var_bin_var, model_var_bin_err), every bin of every checkpoint of every run, with binned means; log-log. Run-level correlation: Spearman %s.",
			e.M[i], ivText(e.Spearman[i], opt.Boot))
		if err := sec.Figure(fmt.Sprintf("variance-error-scatter-m%d", e.M[i]), caption, func(p string) error {
			return figure.Scatter(p, x, y, figure.ScatterOptions{XLabel: "ensemble variance", YLabel: "squared error", LogX: true, LogY: true, Bins: 10})
		}); err != nil {
			return err
		}
	}
	cps := analysis.Checkpoints(sub.Runs, "model_var_bin_err")
	if len(cps) == 0 {
		return fmt.Errorf("no checkpoint with model_var_bin_err in every ensemble run")
	}
	at := cps[len(cps)-1]
	bins, err := analysis.IndexCurves(sub, "model_var_bin_err", at, stats.MetricIQM(), opt.Boot)
	if err != nil {
		return err
	}
	for i := range bins {
		for k := range bins[i].X {
			bins[i].X[k]++ // bins numbered from 1, low variance to high
		}
	}
	bins = label(bins)
	return sec.Figure("variance-error-binned", fmt.Sprintf("Squared error of the ensemble mean in each quantile bin of ensemble variance (1: the lowest-variance tenth of held-out rows) at the last checkpoint, %s real steps, per ensemble size: IQM over runs, log scale. A rising line means variance flags error.", markdown.Steps(at)),
		func(p string) error {
			return present.CurvesFigure(p, bins, figure.LineOptions{XLabel: "variance bin (low to high)", YLabel: "squared error", LogY: true})
		})
}

// logTopRatio is the mean over a run's checkpoints of log(err in the
// highest variance bin / err in the lowest).
func logTopRatio(r *analysis.Run) (float64, error) {
	var s float64
	n := 0
	for _, st := range analysis.Checkpoints([]*analysis.Run{r}, "model_var_bin_err") {
		idx := r.Indices("model_var_bin_err", int64(st))
		if len(idx) < 2 {
			continue
		}
		lo, hi := binErr(r, idx[0], st), binErr(r, idx[len(idx)-1], st)
		if lo > 0 && hi > 0 {
			s += math.Log(hi / lo)
			n++
		}
	}
	if n == 0 {
		return 0, fmt.Errorf("no checkpoint with two or more positive model_var_bin_err bins")
	}
	return s / float64(n), nil
}

func binErr(r *analysis.Run, index int64, step float64) float64 {
	steps, values := r.Series("model_var_bin_err", index)
	if i := slices.Index(steps, step); i >= 0 {
		return values[i]
	}
	return math.NaN()
}

// positive keeps the points with both coordinates above 0 (for log axes).
func positive(x, y []float64) (px, py []float64) {
	for i := range x {
		if x[i] > 0 && y[i] > 0 {
			px, py = append(px, x[i]), append(py, y[i])
		}
	}
	return px, py
}

// strength words the smallest point correlation of cs.
func strength(cs []stats.Interval) string {
	m := math.Inf(1)
	for _, c := range cs {
		m = min(m, c.Point)
	}
	switch {
	case m >= 0.6:
		return "strong, every ρ ≥ 0.6"
	case m >= 0.3:
		return "moderate, every ρ ≥ 0.3"
	}
	return "weak for at least one size, ρ < 0.3"
}

func joinInts(v []int) string {
	s := make([]string, len(v))
	for i, x := range v {
		s[i] = fmt.Sprint(x)
	}
	switch len(s) {
	case 1:
		return s[0]
	case 2:
		return s[0] + " and " + s[1]
	}
	return strings.Join(s[:len(s)-1], ", ") + " and " + s[len(s)-1]
}
