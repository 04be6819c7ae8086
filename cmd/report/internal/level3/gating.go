package level3

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/dynago/dynago/cmd/report/internal/scale"
	"github.com/dynago/dynago/lib/estimate"
	"github.com/dynago/dynago/lib/format/metric"

	"github.com/dynago/dynago/lib/analysis"
	"github.com/dynago/dynago/lib/figure"
	"github.com/dynago/dynago/lib/format"
	"github.com/dynago/dynago/lib/markdown"
	"github.com/dynago/dynago/lib/present"
	"github.com/dynago/dynago/lib/stats"
)

// GatingAnswers are section 2's numbers. Efficiency is each run's mean
// evaluation return after step 0 (the area under its curve, divided by
// the number of evaluations), a sample-efficiency score.
type GatingAnswers struct {
	M                int
	Ungated, PPO     string // PPO is "" when there are no PPO runs
	Gated            []string
	Tau              []float64
	UngatedEff       stats.Interval
	PPOEff           stats.Interval
	Eff              []stats.Interval // per tau
	EffDiff          []stats.Interval // gated minus ungated
	POI              []stats.Interval // P(gated > ungated) on Efficiency
	Kept             []stats.Interval // mean imagined_kept_fraction over iterations, mean over runs
	UngatedVar       stats.Interval   // mean imagined_var_delta of the ungated runs
	Best             int              // index of the tau with the highest Eff
	Helps, Hurts     []float64        // taus whose EffDiff lies above, below 0
	UngatedVsPPODiff stats.Interval
}

const gatingTitle = "2. Uncertainty-gated imagination: sample efficiency"

// efficiency is a run's mean eval_return after step 0.
var efficiency = analysis.MeanOver(metric.EvalReturn, 0, math.Inf(1))

// GatingResult is the computed gating section: its answers and every
// figure input, before any prose.
type GatingResult struct {
	GatingAnswers
	Runs    map[string]int   // runs per variant
	Presets []string         // the ungated runs' model presets (modelPresets)
	Curves  []estimate.Curve // IQM return against real steps: PPO, ungated and gated
	Grid    analysis.Grid    // the steps of Curves
	Kept    []estimate.Curve // the gated variants' kept fraction against real steps
}

// gatingSection computes and renders section 2, or says which target makes
// its runs.
func gatingSection(r *markdown.Report, set *analysis.Set, cat catalogue, m int, a *Answers, opt Options) error {
	res, err := computeGating(set, cat, m, opt)
	if err != nil {
		return err
	}
	if res == nil {
		missing(r, gatingTitle, fmt.Sprintf("no gated Dyna-PPO runs (dyna-m%d-gate<TAU>) with their ungated baseline (dyna-m%d)", m, m), "level3-gating")
		return nil
	}
	a.Gating = &res.GatingAnswers
	return res.render(r, opt)
}

// computeGating returns section 2's numbers and figure inputs for the
// m-member ensemble, nil when its gated or ungated runs are missing.
func computeGating(set *analysis.Set, cat catalogue, m int, opt Options) (*GatingResult, error) {
	ungated, ok := cat.find(m, math.Inf(1), false)
	var gated []dyna
	for _, d := range cat.Dyna {
		if d.M == m && d.gated() && !d.Stress {
			gated = append(gated, d)
		}
	}
	if !ok || len(gated) == 0 {
		return nil, nil
	}
	res := &GatingResult{GatingAnswers: GatingAnswers{M: m, Ungated: ungated.Name, PPO: cat.PPO}, Runs: map[string]int{}}
	g := &res.GatingAnswers
	vars := []string{ungated.Name}
	for _, d := range gated {
		g.Gated, g.Tau = append(g.Gated, d.Name), append(g.Tau, d.Tau)
		vars = append(vars, d.Name)
	}
	if cat.PPO != "" {
		vars = append([]string{cat.PPO}, vars...)
	}
	sub, err := set.Select(vars)
	if err != nil {
		return nil, err
	}
	for _, v := range vars {
		res.Runs[v] = len(sub.Of(v))
	}
	if err := g.compare(sub, vars, opt); err != nil {
		return nil, err
	}
	g.judge()
	uv, err := analysis.PerRun(sub.Of(ungated.Name), analysis.MeanOver(metric.ImaginedVarDelta, math.Inf(-1), math.Inf(1)))
	if err != nil {
		return nil, err
	}
	g.UngatedVar = estimate.MeanInterval(opt.Boot, "var/"+ungated.Name, uv)
	if res.Presets, err = modelPresets(sub.Of(ungated.Name)); err != nil {
		return nil, err
	}
	if res.Curves, res.Grid, err = estimate.Curves(sub, estimate.CurveOptions{Metric: metric.EvalReturn, Index: format.NoIndex}, opt.Boot); err != nil {
		return nil, err
	}
	if res.Kept, err = keptCurves(sub, g.Gated, opt); err != nil {
		return nil, err
	}
	return res, nil
}

// compare sets the efficiencies of the variants vars (in sub): the
// ungated runs' and PPO's, and for each gate its efficiency, its
// difference from the ungated runs', P(gated > ungated) and its kept
// fraction.
func (g *GatingAnswers) compare(sub *analysis.Set, vars []string, opt Options) error {
	eff := map[string][]float64{}
	for _, v := range vars {
		var err error
		if eff[v], err = analysis.PerRun(sub.Of(v), efficiency); err != nil {
			return err
		}
	}
	g.UngatedEff = estimate.MeanInterval(opt.Boot, "eff/"+g.Ungated, eff[g.Ungated])
	if g.PPO != "" {
		g.PPOEff = estimate.MeanInterval(opt.Boot, "eff/"+g.PPO, eff[g.PPO])
		g.UngatedVsPPODiff = stats.DifferenceInterval(opt.Boot.Rand("eff-diff/"+g.Ungated+"/"+g.PPO), eff[g.Ungated], eff[g.PPO], stats.MeanOf, opt.Boot.Options())
	}
	scores := func(v string) analysis.Scores {
		x := make([][]float64, len(eff[v]))
		for i, e := range eff[v] {
			x[i] = []float64{e}
		}
		return analysis.Scores{Variant: v, X: x}
	}
	var pairs [][2]string
	sc := []analysis.Scores{scores(g.Ungated)}
	for _, v := range g.Gated {
		pairs = append(pairs, [2]string{v, g.Ungated})
		sc = append(sc, scores(v))
	}
	imp, err := estimate.ProbabilityOfImprovement(sc, pairs, opt.Boot)
	if err != nil {
		return err
	}
	kept := analysis.MeanOver(metric.ImaginedKeptFraction, math.Inf(-1), math.Inf(1))
	for i, v := range g.Gated {
		g.Eff = append(g.Eff, estimate.MeanInterval(opt.Boot, "eff/"+v, eff[v]))
		g.EffDiff = append(g.EffDiff, stats.DifferenceInterval(opt.Boot.Rand("eff-diff/"+v+"/"+g.Ungated), eff[v], eff[g.Ungated], stats.MeanOf, opt.Boot.Options()))
		g.POI = append(g.POI, imp[i].P)
		k, err := analysis.PerRun(sub.Of(v), kept)
		if err != nil {
			return err
		}
		g.Kept = append(g.Kept, estimate.MeanInterval(opt.Boot, "kept/"+v, k))
	}
	return nil
}

// judge sets Best, Helps and Hurts from the gated variants' Eff and
// EffDiff.
func (g *GatingAnswers) judge() {
	g.Best, g.Helps, g.Hurts = 0, nil, nil
	for i := range g.Eff {
		if g.Eff[i].Point > g.Eff[g.Best].Point {
			g.Best = i
		}
		switch {
		case g.EffDiff[i].Lo > 0:
			g.Helps = append(g.Helps, g.Tau[i])
		case g.EffDiff[i].Hi < 0:
			g.Hurts = append(g.Hurts, g.Tau[i])
		}
	}
}

// render writes section 2: the setting, the answer, the table and the two
// figures.
func (res *GatingResult) render(r *markdown.Report, opt Options) error {
	g := &res.GatingAnswers
	sec := r.Section(gatingTitle)
	sec.Text("Gated Dyna-PPO keeps an imagined step only while the ensemble's variance var_delta of its prediction is below τ, and ends the rollout at the first step that is not "+
		"(`imagine --gate-variance τ`); everything else, including the %d-member ensemble, is as in the ungated variant `%s`. %s "+
		"For scale: the ungated runs' imagined steps have a mean var_delta of %s.", g.M, g.Ungated, scaleText(res.Presets), ivText(g.UngatedVar, opt.Boot))
	var parts []string
	for i, tau := range g.Tau {
		parts = append(parts, fmt.Sprintf("τ = %s: %s (P(gated > ungated) = %s, CI %s; keeps %s of imagined steps)",
			tauText(tau), ivText(g.EffDiff[i], opt.Boot), markdown.Num(g.POI[i].Point), markdown.CI(g.POI[i]), markdown.Pct(g.Kept[i].Point)))
	}
	var lead string
	switch {
	case len(g.Helps) > 0 && len(g.Hurts) == 0:
		lead = fmt.Sprintf("**Gating helps** at τ = %s: those intervals lie above 0.", nums(g.Helps))
	case len(g.Hurts) > 0 && len(g.Helps) == 0:
		lead = fmt.Sprintf("**Gating hurts** at τ = %s: those intervals lie below 0.", nums(g.Hurts))
	case len(g.Helps) > 0:
		lead = fmt.Sprintf("**It depends on τ**: gating helps at τ = %s and hurts at τ = %s.", nums(g.Helps), nums(g.Hurts))
	default:
		lead = "**No clear effect**: for every τ the interval of the difference includes 0."
	}
	ppoText := ""
	if g.PPO != "" {
		ppoText = fmt.Sprintf(" For reference, ungated Dyna-PPO's mean return is %s and PPO's %s (Dyna-PPO minus PPO: %s).",
			ivText(g.UngatedEff, opt.Boot), ivText(g.PPOEff, opt.Boot), ivText(g.UngatedVsPPODiff, opt.Boot))
	}
	sec.Answer("How does gating imagined steps by ensemble variance affect sample efficiency?",
		fmt.Sprintf("%s Mean evaluation return over training (after step 0), gated minus ungated: %s. The best τ is %s, with a mean return of %s.%s",
			lead, strings.Join(parts, "; "), tauText(g.Tau[g.Best]), ivText(g.Eff[g.Best], opt.Boot), ppoText))
	sec.Text("A run's sample-efficiency score is its mean evaluation return over all evaluations after step 0 (the area under its learning curve per evaluation), so learning sooner scores higher. " +
		"Differences resample each variant's runs independently; the kept fraction is each run's mean of imagined_kept_fraction (kept / simulated imagined steps) over iterations.")
	t := &markdown.Table{Title: "Sample efficiency of gated imagination", Columns: []string{"variant", "τ", "runs", "mean return", "CI", "minus ungated", "CI", "P(> ungated)", "CI", "kept fraction", "CI"}}
	if g.PPO != "" {
		t.Add(g.PPO, "", fmt.Sprint(res.Runs[g.PPO]), markdown.Num(g.PPOEff.Point), markdown.CI(g.PPOEff), "", "", "", "", "", "")
	}
	t.Add(g.Ungated, "∞", fmt.Sprint(res.Runs[g.Ungated]), markdown.Num(g.UngatedEff.Point), markdown.CI(g.UngatedEff), "0", "", "", "", "1", "")
	for i, v := range g.Gated {
		t.Add(v, tauText(g.Tau[i]), fmt.Sprint(res.Runs[v]), markdown.Num(g.Eff[i].Point), markdown.CI(g.Eff[i]),
			markdown.Num(g.EffDiff[i].Point), markdown.CI(g.EffDiff[i]), markdown.Num(g.POI[i].Point), markdown.CI(g.POI[i]),
			markdown.Num(g.Kept[i].Point), markdown.CI(g.Kept[i]))
	}
	sec.Table(t)
	if err := returnFigure(sec, "gating-sample-efficiency", "IQM evaluation return against real steps for each gate τ, ungated Dyna-PPO (same ensemble) and PPO. "+res.Grid.Note(), res.Curves); err != nil {
		return err
	}
	return keptFigure(sec, "gating-kept-fraction", "Fraction of simulated imagined steps kept by the gate (imagined_kept_fraction) against real steps, per τ: IQM over runs, each run's last iteration at or before each evaluation step.", res.Kept)
}

// returnFigure draws IQM return curves against real steps.
func returnFigure(sec *markdown.Section, name, caption string, curves []estimate.Curve) error {
	return sec.Figure(name, strings.TrimSpace(caption), func(p string) error {
		return present.CurvesFigure(p, curves, figure.LineOptions{XLabel: "Real environment steps", YLabel: "IQM return"})
	})
}

// keptCurves returns the gated variants' imagined_kept_fraction curves on
// the steps of their evaluations.
func keptCurves(set *analysis.Set, gated []string, opt Options) ([]estimate.Curve, error) {
	sub, err := set.Select(gated)
	if err != nil {
		return nil, err
	}
	eg, err := analysis.AlignGrid(sub.Runs, metric.EvalReturn, format.NoIndex)
	if err != nil {
		return nil, err
	}
	g, err := analysis.SubGrid(eg, sub.Runs, metric.ImaginedKeptFraction)
	if err != nil {
		return nil, err
	}
	kc, _, err := estimate.Curves(sub, estimate.CurveOptions{Metric: metric.ImaginedKeptFraction, Index: format.NoIndex, Grid: &g}, opt.Boot)
	return kc, err
}

// keptFigure draws keptCurves' curves.
func keptFigure(sec *markdown.Section, name, caption string, kept []estimate.Curve) error {
	return sec.Figure(name, caption, func(p string) error {
		return present.CurvesFigure(p, kept, figure.LineOptions{XLabel: "Real environment steps", YLabel: "kept fraction", YMin: 0, YMax: 1.05})
	})
}

func nums(v []float64) string {
	s := make([]string, len(v))
	for i, x := range v {
		s[i] = tauText(x)
	}
	return strings.Join(s, ", ")
}

// StressAnswers are section 3's numbers: each variant's final return
// (mean of its last Final evaluations), its drop from its best evaluation
// to that, and how often runs collapse (end below half their best).
type StressAnswers struct {
	Stress      string // the settings that differ from the unstressed runs
	Variants    []string
	Final, Drop []stats.Interval
	Collapsed   []float64
	Eff         []stats.Interval
	// Gated minus ungated, for each gated variant (Variants[2:] or [1:]).
	Gated               []string
	FinalDiff, DropDiff []stats.Interval
	Stabilises          []bool // DropDiff below 0 or FinalDiff above 0
	Diverges            []bool // per variant: its Drop's interval lies above 0 and some run collapses
}

// StressResult is the computed stress section: its answers and every
// figure input, before any prose.
type StressResult struct {
	StressAnswers
	Runs   map[string]int   // runs per variant
	Curves []estimate.Curve // IQM return against real steps: the variants and PPO
	Grid   analysis.Grid    // the steps of Curves
	Kept   []estimate.Curve // the gated variants' kept fraction against real steps
	Scale  scale.Scale      // the return scale whose worst a collapse is measured from
}

const (
	stressTitle = "3. Does gating stabilise learning where ungated Dyna-PPO diverges?"
	// finalEvals is how many last evaluations a final return averages.
	finalEvals = 3
)

// stressSection computes and renders section 3, or says which target makes
// its runs.
func stressSection(r *markdown.Report, set *analysis.Set, cat catalogue, m int, a *Answers, opt Options) error {
	res, err := computeStress(set, cat, m, opt)
	if err != nil {
		return err
	}
	if res == nil {
		missing(r, stressTitle, fmt.Sprintf("no stressed gated and ungated Dyna-PPO runs (dyna-m%d-gate<TAU>-stress, dyna-m%d-stress)", m, m), "level3-gating")
		return nil
	}
	a.Stress = &res.StressAnswers
	return res.render(r, opt)
}

// computeStress returns section 3's numbers and figure inputs for the
// m-member ensemble (and the single model), nil when the stressed gated or
// ungated runs are missing.
func computeStress(set *analysis.Set, cat catalogue, m int, opt Options) (*StressResult, error) {
	var vs []dyna
	single, hasSingle := cat.find(1, math.Inf(1), true)
	if hasSingle && m != 1 {
		vs = append(vs, single)
	}
	ungated, ok := cat.find(m, math.Inf(1), true)
	var gated []dyna
	for _, d := range cat.Dyna {
		if d.M == m && d.gated() && d.Stress {
			gated = append(gated, d)
		}
	}
	if !ok || len(gated) == 0 {
		return nil, nil
	}
	vs = append(vs, ungated)
	vs = append(vs, gated...)
	res := &StressResult{Runs: map[string]int{}, Scale: scale.Of(set.Runs)}
	s := &res.StressAnswers
	var err error
	if s.Stress, err = stressDiff(set, cat, ungated, m); err != nil {
		return nil, err
	}
	finals := map[string][]float64{}
	drops := map[string][]float64{}
	for _, d := range vs {
		runs := set.Of(d.Name)
		res.Runs[d.Name] = len(runs)
		if finals[d.Name], drops[d.Name], err = s.add(d.Name, runs, res.Scale.Worst, opt); err != nil {
			return nil, err
		}
	}
	for _, d := range gated {
		s.Gated = append(s.Gated, d.Name)
		fd := stats.DifferenceInterval(opt.Boot.Rand("final-diff/"+d.Name), finals[d.Name], finals[ungated.Name], stats.MeanOf, opt.Boot.Options())
		dd := stats.DifferenceInterval(opt.Boot.Rand("drop-diff/"+d.Name), drops[d.Name], drops[ungated.Name], stats.MeanOf, opt.Boot.Options())
		s.FinalDiff, s.DropDiff = append(s.FinalDiff, fd), append(s.DropDiff, dd)
		s.Stabilises = append(s.Stabilises, dd.Hi < 0 || fd.Lo > 0)
	}
	shown := slices.Clone(s.Variants)
	if cat.PPO != "" {
		shown = append(shown, cat.PPO)
	}
	sub, err := set.Select(shown)
	if err != nil {
		return nil, err
	}
	if res.Curves, res.Grid, err = estimate.Curves(sub, estimate.CurveOptions{Metric: metric.EvalReturn, Index: format.NoIndex}, opt.Boot); err != nil {
		return nil, err
	}
	if res.Kept, err = keptCurves(set, s.Gated, opt); err != nil {
		return nil, err
	}
	return res, nil
}

// add appends variant v's intervals (final return, drop, efficiency),
// collapsed fraction and divergence, and returns its runs' final returns
// and drops. A run collapses when it ends below half its best measured
// from worst, the environment's worst return (0 on CartPole), so that it
// means the same for negative returns.
func (s *StressAnswers) add(v string, runs []*analysis.Run, worst float64, opt Options) (final, drop []float64, err error) {
	final, drop, eff, err := stressScores(runs)
	if err != nil {
		return nil, nil, err
	}
	collapsed := 0
	for i := range final {
		if drop[i] > final[i]-worst { // final − worst < (best − worst) / 2
			collapsed++
		}
	}
	s.Variants = append(s.Variants, v)
	s.Final = append(s.Final, estimate.MeanInterval(opt.Boot, "final/"+v, final))
	d := estimate.MeanInterval(opt.Boot, "drop/"+v, drop)
	s.Drop = append(s.Drop, d)
	s.Eff = append(s.Eff, estimate.MeanInterval(opt.Boot, "eff/"+v, eff))
	s.Collapsed = append(s.Collapsed, float64(collapsed)/float64(len(final)))
	s.Diverges = append(s.Diverges, d.Lo > 0 && collapsed > 0)
	return final, drop, nil
}

// stressScores returns each run's final return (the mean of its last
// finalEvals evaluations), its drop from its best evaluation to that, and
// its efficiency.
func stressScores(runs []*analysis.Run) (final, drop, eff []float64, err error) {
	if final, err = analysis.PerRun(runs, func(r *analysis.Run) (float64, error) {
		return analysis.Point{Final: finalEvals}.Score(r, metric.EvalReturn)
	}); err != nil {
		return nil, nil, nil, err
	}
	if drop, err = analysis.PerRun(runs, analysis.PeakDrop(metric.EvalReturn, finalEvals)); err != nil {
		return nil, nil, nil, err
	}
	if eff, err = analysis.PerRun(runs, efficiency); err != nil {
		return nil, nil, nil, err
	}
	return final, drop, eff, nil
}

// render writes section 3: the setting, the two answers, the table and the
// two figures.
func (res *StressResult) render(r *markdown.Report, opt Options) error {
	s := &res.StressAnswers
	sec := r.Section(stressTitle)
	from := "."
	if res.Scale.Worst != 0 {
		from = fmt.Sprintf(", both measured from %s (normalised scale, %s).", markdown.Num(res.Scale.Worst), res.Scale.Bounds())
	}
	sec.Text("The stress setting changes %s against the unstressed runs; everything else is as in section 2. "+
		"A run's final return is the mean of its last %d evaluations; its drop is its best evaluation minus that; it collapses when it ends below half its best%s",
		s.Stress, finalEvals, from)
	var div []string
	for i, v := range s.Variants {
		if g := slices.Index(s.Gated, v); g >= 0 {
			continue
		}
		div = append(div, fmt.Sprintf("`%s` %s: it falls %s from its best, %s of runs collapse, final return %s",
			v, map[bool]string{true: "**diverges**", false: "does not clearly diverge"}[s.Diverges[i]],
			ivText(s.Drop[i], opt.Boot), markdown.Pct(s.Collapsed[i]), ivText(s.Final[i], opt.Boot)))
	}
	sec.Answer("Under this stress, does single-model or ungated Dyna-PPO diverge?", strings.Join(div, "; ")+".")
	var gp []string
	for i, v := range s.Gated {
		gp = append(gp, fmt.Sprintf("`%s`: final return minus ungated %s, drop minus ungated %s — %s",
			v, ivText(s.FinalDiff[i], opt.Boot), ivText(s.DropDiff[i], opt.Boot),
			map[bool]string{true: "**stabilises**", false: "no clear stabilisation (both intervals include 0 or point the other way)"}[s.Stabilises[i]]))
	}
	sec.Answer("Does gating stabilise it?", strings.Join(gp, "; ")+".")
	t := &markdown.Table{Title: "Learning under stress", Columns: []string{"variant", "runs", "mean return", "CI", "final return", "CI", "drop from best", "CI", "collapsed"}}
	for i, v := range s.Variants {
		t.Add(v, fmt.Sprint(res.Runs[v]), markdown.Num(s.Eff[i].Point), markdown.CI(s.Eff[i]), markdown.Num(s.Final[i].Point), markdown.CI(s.Final[i]),
			markdown.Num(s.Drop[i].Point), markdown.CI(s.Drop[i]), markdown.Pct(s.Collapsed[i]))
	}
	sec.Table(t)
	if err := returnFigure(sec, "stress-sample-efficiency", "IQM evaluation return against real steps under stress ("+s.Stress+"): single model, ungated and gated ensembles, and PPO (unstressed; it never imagines). "+res.Grid.Note(), res.Curves); err != nil {
		return err
	}
	return keptFigure(sec, "stress-kept-fraction", "Fraction of simulated imagined steps kept by the gate under stress against real steps: IQM over runs.", res.Kept)
}

// stressDiff describes the settings of the stressed ungated runs that
// differ from those of the unstressed ones.
func stressDiff(set *analysis.Set, cat catalogue, stressed dyna, m int) (string, error) {
	s, err := analysis.Settings(set.Of(stressed.Name)[0])
	if err != nil {
		return "", err
	}
	base, ok := cat.find(m, math.Inf(1), false)
	if !ok {
		return "unknown settings (no unstressed runs to compare; see the settings table)", nil
	}
	b, err := analysis.Settings(set.Of(base.Name)[0])
	if err != nil {
		return "", err
	}
	all := maps.Clone(b)
	maps.Copy(all, s)
	var d []string
	for _, k := range slices.Sorted(maps.Keys(all)) {
		if k == "SEED" || k == "VARIANT" || s[k] == b[k] {
			continue
		}
		d = append(d, fmt.Sprintf("%s = %s (unstressed: %s)", k, orNone(s[k]), orNone(b[k])))
	}
	if len(d) == 0 {
		return "nothing recorded in run_settings", nil
	}
	return strings.Join(d, ", "), nil
}

func orNone(s string) string {
	if s == "" {
		return "unset"
	}
	return s
}

// tauText is a gate τ as the make variable spells it (0.05, not 0.050).
func tauText(t float64) string { return strconv.FormatFloat(t, 'g', -1, 64) }
