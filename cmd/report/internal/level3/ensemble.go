package level3

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/dynago/dynago/lib/analysis"
	"github.com/dynago/dynago/lib/estimate"
	"github.com/dynago/dynago/lib/figure"
	"github.com/dynago/dynago/lib/format"
	"github.com/dynago/dynago/lib/format/metric"
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

// EnsembleResult is the computed ensemble section: its answers and every
// figure input, before any prose.
type EnsembleResult struct {
	EnsembleAnswers
	Runs    []int    // runs per variant
	Presets []string // the runs' model presets (modelPresets), which say what var_delta is measured on
	// Imagined and HeldOut are the ensembles' imagined_var_delta and
	// model_var_mean against real steps, one curve per size ("M = 5").
	Imagined, HeldOut []estimate.Curve
	Scatter           []VarErr         // per variant with positive bins
	BinsAt            float64          // the last checkpoint with model_var_bin_err in every run
	Bins              []estimate.Curve // squared error per variance bin (from 1) at BinsAt, per size
}

// VarErr is every positive (variance, error) bin of an ensemble size's
// held-out rows, over checkpoints and runs.
type VarErr struct {
	M    int
	I    int // the size's index in M
	X, Y []float64
}

// ensembleSection computes and renders section 1, or says which target
// makes its runs.
func ensembleSection(r *markdown.Report, set *analysis.Set, cat catalogue, a *Answers, opt Options) error {
	res, err := computeEnsemble(set, cat, opt)
	if err != nil {
		return err
	}
	if res == nil {
		missing(r, ensembleTitle, "no ungated Dyna-PPO runs with an ensemble (dyna-m<M>, M > 1) and model evaluations (EVAL_MODEL=1)", "level3-ensemble")
		return nil
	}
	a.Ensemble = &res.EnsembleAnswers
	return res.render(r, opt)
}

// computeEnsemble returns section 1's numbers and figure inputs for the
// ungated, unstressed ensembles (M > 1) with model evaluations, nil when
// there are none.
func computeEnsemble(set *analysis.Set, cat catalogue, opt Options) (*EnsembleResult, error) {
	res := &EnsembleResult{}
	e := &res.EnsembleAnswers
	var spear [][]float64
	var runs []*analysis.Run
	for _, d := range cat.Dyna {
		if d.gated() || d.Stress || d.M == 1 || !slices.ContainsFunc(set.Of(d.Name), func(r *analysis.Run) bool { return r.Has(metric.ModelVarErrSpearman) }) {
			continue
		}
		s, err := e.add(set.Of(d.Name), d, opt)
		if err != nil {
			return nil, err
		}
		spear = append(spear, s)
		runs = append(runs, set.Of(d.Name)...)
		res.Runs = append(res.Runs, len(set.Of(d.Name)))
	}
	if len(e.M) == 0 {
		return nil, nil
	}
	if last := len(e.M) - 1; last > 0 {
		e.SpearmanDiff = stats.DifferenceInterval(opt.Boot.Rand("spearman-diff"), spear[last], spear[0], stats.MeanOf, opt.Boot.Options())
	}
	var err error
	if res.Presets, err = modelPresets(runs); err != nil {
		return nil, err
	}
	if err := res.curves(set, opt); err != nil {
		return nil, err
	}
	return res, nil
}

// add appends variant d's intervals (its runs' mean correlations, mean
// variance and error ratio) and returns its runs' Spearman correlations.
func (e *EnsembleAnswers) add(runs []*analysis.Run, d dyna, opt Options) ([]float64, error) {
	for _, m := range []string{metric.ModelVarErrCorr, metric.ModelVarErrSpearman, metric.ModelVarMean, metric.ModelVarBinErr} {
		if err := analysis.CheckMetric(runs, m); err != nil {
			return nil, err
		}
	}
	var per [4][]float64
	for i, f := range []func(*analysis.Run) (float64, error){
		analysis.MeanOver(metric.ModelVarErrCorr, math.Inf(-1), math.Inf(1)),
		analysis.MeanOver(metric.ModelVarErrSpearman, math.Inf(-1), math.Inf(1)),
		analysis.MeanOver(metric.ModelVarMean, math.Inf(-1), math.Inf(1)),
		logTopRatio,
	} {
		var err error
		if per[i], err = analysis.PerRun(runs, f); err != nil {
			return nil, err
		}
	}
	e.Variants, e.M = append(e.Variants, d.Name), append(e.M, d.M)
	e.Pearson = append(e.Pearson, estimate.MeanInterval(opt.Boot, "pearson/"+d.Name, per[0]))
	e.Spearman = append(e.Spearman, estimate.MeanInterval(opt.Boot, "spearman/"+d.Name, per[1]))
	e.VarMean = append(e.VarMean, estimate.MeanInterval(opt.Boot, "var/"+d.Name, per[2]))
	ratio := estimate.MeanInterval(opt.Boot, "ratio/"+d.Name, per[3])
	e.TopRatio = append(e.TopRatio, stats.Interval{Point: math.Exp(ratio.Point), Lo: math.Exp(ratio.Lo), Hi: math.Exp(ratio.Hi)})
	return per[1], nil
}

// curves computes the figures' inputs: the imagined and held-out variance
// curves, the scatter of every bin, and the error per variance bin at the
// last checkpoint, each labelled by ensemble size.
func (res *EnsembleResult) curves(set *analysis.Set, opt Options) error {
	sub, err := set.Select(res.Variants)
	if err != nil {
		return err
	}
	label := func(cs []estimate.Curve) []estimate.Curve {
		for i := range cs {
			cs[i].Variant = fmt.Sprintf("M = %d", res.M[slices.Index(res.Variants, cs[i].Variant)])
		}
		return cs
	}
	evalGrid, err := analysis.AlignGrid(sub.Runs, metric.EvalReturn, format.NoIndex)
	if err != nil {
		return err
	}
	g, err := analysis.SubGrid(evalGrid, sub.Runs, metric.ImaginedVarDelta)
	if err != nil {
		return err
	}
	if res.Imagined, _, err = estimate.Curves(sub, estimate.CurveOptions{Metric: metric.ImaginedVarDelta, Index: format.NoIndex, Grid: &g}, opt.Boot); err != nil {
		return err
	}
	if res.HeldOut, _, err = estimate.Curves(sub, estimate.CurveOptions{Metric: metric.ModelVarMean, Index: format.NoIndex}, opt.Boot); err != nil {
		return err
	}
	for i, n := range res.Variants {
		x, y := positive(analysis.IndexedPairs(set.Of(n), metric.ModelVarBinVar, metric.ModelVarBinErr))
		if len(x) > 0 {
			res.Scatter = append(res.Scatter, VarErr{M: res.M[i], I: i, X: x, Y: y})
		}
	}
	cps := analysis.Checkpoints(sub.Runs, metric.ModelVarBinErr)
	if len(cps) == 0 {
		return fmt.Errorf("no checkpoint with model_var_bin_err in every ensemble run")
	}
	res.BinsAt = cps[len(cps)-1]
	if res.Bins, err = estimate.IndexCurves(sub, metric.ModelVarBinErr, res.BinsAt, stats.MetricIQM(), opt.Boot); err != nil {
		return err
	}
	for i := range res.Bins {
		for k := range res.Bins[i].X {
			res.Bins[i].X[k]++ // bins numbered from 1, low variance to high
		}
	}
	res.Imagined, res.HeldOut, res.Bins = label(res.Imagined), label(res.HeldOut), label(res.Bins)
	return nil
}

// render writes section 1: the setting, the two answers, the table and
// the figures.
func (res *EnsembleResult) render(r *markdown.Report, opt Options) error {
	e := &res.EnsembleAnswers
	sec := r.Section(ensembleTitle)
	sec.Text("Dyna-PPO with ensembles of %s members trained on the same buffer from different initialisations. "+
		"At every checkpoint the current policy collects held-out transitions on a separately seeded environment and `evalmodel` compares, row by row, "+
		"the ensemble's variance v with the squared error s of its mean prediction. %s", joinInts(e.M), scaleText(res.Presets))
	res.answers(sec, opt.Boot)
	sec.Text("Each run's correlation is the mean over its checkpoints of the per-checkpoint correlation over held-out rows (model_var_err_spearman, model_var_err_corr); " +
		"intervals resample runs. The error ratio compares the highest and lowest of evalmodel's quantile bins of v (model_var_bin_err), " +
		"as a geometric mean over checkpoints and runs.")
	t := &markdown.Table{Title: "Ensemble variance against error on held-out transitions", Columns: []string{"variant", "M", "runs", "Spearman", "CI", "Pearson", "CI", "top/bottom error ratio", "CI", "mean variance", "CI"}}
	for i, n := range e.Variants {
		t.Add(n, fmt.Sprint(e.M[i]), fmt.Sprint(res.Runs[i]), markdown.Num(e.Spearman[i].Point), markdown.CI(e.Spearman[i]),
			markdown.Num(e.Pearson[i].Point), markdown.CI(e.Pearson[i]), markdown.Num(e.TopRatio[i].Point), markdown.CI(e.TopRatio[i]),
			markdown.Num(e.VarMean[i].Point), markdown.CI(e.VarMean[i]))
	}
	sec.Table(t)
	return res.figures(sec, opt.Boot)
}

// answers answers whether variance flags error and how M changes that.
func (res *EnsembleResult) answers(sec *markdown.Section, boot estimate.Bootstrap) {
	e := &res.EnsembleAnswers
	var parts []string
	agree := 0
	for i, s := range e.Spearman {
		parts = append(parts, fmt.Sprintf("M = %d: Spearman **%s**, Pearson %s; the 10%% of rows with the highest variance have **%s×** the error of the 10%% with the lowest (CI %s)",
			e.M[i], ivText(s, boot), ivText(e.Pearson[i], boot), markdown.Num(e.TopRatio[i].Point), markdown.CI(e.TopRatio[i])))
		if s.Lo > 0 {
			agree++
		}
	}
	var lead string
	switch {
	case agree == len(e.M):
		lead = fmt.Sprintf("**Yes**: for every ensemble size the rank correlation between a row's ensemble variance and its error is positive, its whole interval above 0 (strength: %s).", strength(e.Spearman))
	case agree == 0:
		lead = "**No clear evidence**: for no ensemble size does the rank correlation's interval lie above 0."
	default:
		lead = fmt.Sprintf("**For some sizes**: the rank correlation's interval lies above 0 for %d of %d ensemble sizes.", agree, len(e.M))
	}
	sec.Answer("Do high-variance regions coincide with high model error?", lead+" "+strings.Join(parts, "; ")+".")
	last := len(e.M) - 1
	if last == 0 {
		return
	}
	d := e.SpearmanDiff
	sec.Answer("How does the ensemble size M change that?",
		fmt.Sprintf("Going from M = %d to M = %d changes the rank correlation by **%s** (%s CI %s): %s "+
			"The mean variance itself is %s at M = %d and %s at M = %d.",
			e.M[0], e.M[last], markdown.Num(d.Point), boot.Level(), markdown.CI(d),
			verdict(d, "larger ensembles flag error more reliably.", "larger ensembles flag error less reliably.", "no clear change with M; the interval includes 0."),
			ivText(e.VarMean[0], boot), e.M[0], ivText(e.VarMean[last], boot), e.M[last]))
}

// figures draws the imagined and held-out variance curves, one scatter per
// ensemble size and the error per variance bin.
func (res *EnsembleResult) figures(sec *markdown.Section, boot estimate.Bootstrap) error {
	if err := sec.Figure("ensemble-imagined-variance", "Ensemble variance of imagined steps (imagined_var_delta, the mean over an iteration's imagined steps) against real steps, per ensemble size: IQM over runs, each run's last iteration at or before each evaluation step; log scale.",
		func(p string) error {
			return present.CurvesFigure(p, res.Imagined, figure.LineOptions{XLabel: "Real environment steps", YLabel: "imagined var_delta", LogY: true})
		}); err != nil {
		return err
	}
	if err := sec.Figure("ensemble-heldout-variance", "Mean ensemble variance on held-out transitions (model_var_mean) at each checkpoint against real steps, per ensemble size: IQM over runs, log scale.",
		func(p string) error {
			return present.CurvesFigure(p, res.HeldOut, figure.LineOptions{XLabel: "Real environment steps", YLabel: "held-out variance", LogY: true})
		}); err != nil {
		return err
	}
	for _, s := range res.Scatter {
		caption := fmt.Sprintf("M = %d: mean squared error against mean ensemble variance of each quantile bin of held-out rows (model_var_bin_var, model_var_bin_err), every bin of every checkpoint of every run, with binned means; log-log. Run-level correlation: Spearman %s.",
			s.M, ivText(res.Spearman[s.I], boot))
		if err := sec.Figure(fmt.Sprintf("variance-error-scatter-m%d", s.M), caption, func(p string) error {
			return figure.Scatter(p, s.X, s.Y, figure.ScatterOptions{XLabel: "ensemble variance", YLabel: "squared error", LogX: true, LogY: true, Bins: 10})
		}); err != nil {
			return err
		}
	}
	return sec.Figure("variance-error-binned", fmt.Sprintf("Squared error of the ensemble mean in each quantile bin of ensemble variance (1: the lowest-variance tenth of held-out rows) at the last checkpoint, %s real steps, per ensemble size: IQM over runs, log scale. A rising line means variance flags error.", markdown.Steps(res.BinsAt)),
		func(p string) error {
			return present.CurvesFigure(p, res.Bins, figure.LineOptions{XLabel: "variance bin (low to high)", YLabel: "squared error", LogY: true})
		})
}

// logTopRatio is the mean over a run's checkpoints of log(err in the
// highest variance bin / err in the lowest).
func logTopRatio(r *analysis.Run) (float64, error) {
	var s float64
	n := 0
	for _, st := range analysis.Checkpoints([]*analysis.Run{r}, metric.ModelVarBinErr) {
		idx := r.Indices(metric.ModelVarBinErr, int64(st))
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
	steps, values := r.Series(metric.ModelVarBinErr, index)
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
