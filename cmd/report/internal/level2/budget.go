package level2

import (
	"cmp"
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

func regimeName(variant string) string {
	if variant == Dyna {
		return balancedName
	}
	return strings.TrimPrefix(variant, BudgetPre)
}

func budget(r *markdown.Report, set *analysis.Set, a *Answers, opt Options) (string, error) {
	sw, err := sweepOf(set, BudgetPre, []string{"MODEL_UPDATES", "IMAG_BATCHES"}, []string{"", ""})
	if sw == nil || err != nil {
		return "", err
	}
	title := "2. Model and imagination budget"
	sec := r.Section(title)
	if tooFew(sec, sw) {
		return title, nil
	}
	var variants []string
	for _, s := range sw {
		variants = append(variants, s.variant)
	}
	sub, err := set.Select(variants)
	if err != nil {
		return "", err
	}
	if err := analysis.CheckMetric(sub.Runs, analysis.EvalReturn); err != nil {
		return "", err
	}
	g, err := analysis.AlignGrid(sub.Runs, analysis.EvalReturn, format.NoIndex)
	if err != nil {
		return "", err
	}
	areas := make([][]float64, len(sw))
	var scores []analysis.Scores
	for i, s := range sw {
		if areas[i], err = analysis.CurveAreas(s.runs, analysis.EvalReturn, g); err != nil {
			return "", err
		}
		_, final, err := finalReturns(s.runs, opt)
		if err != nil {
			return "", err
		}
		a.Budget = append(a.Budget, Regime{Name: regimeName(s.variant), Variant: s.variant, Updates: s.values[0], Rollouts: s.values[1],
			Runs: len(s.runs), Area: analysis.IQMInterval(areas[i], opt.Boot, "area/"+s.variant), Final: final})
		scores = append(scores, analysis.Scores{Variant: s.variant, X: stats.Column(areas[i])})
	}
	bestFinal := math.Inf(-1)
	for _, reg := range a.Budget {
		bestFinal = max(bestFinal, reg.Final.Point)
	}
	// The fraction is taken on the environment's normalised scale, so that
	// it means the same for negative returns.
	a.Threshold = a.Scale.Fraction(opt.Fraction, bestFinal)
	st, err := analysis.StepsToThreshold(sub, a.Threshold, opt.Boot)
	if err != nil {
		return "", err
	}
	for _, e := range st {
		a.Budget[slices.IndexFunc(a.Budget, func(reg Regime) bool { return reg.Variant == e.Variant })].Steps = e
	}
	order := make([]int, len(a.Budget)) // by area, best first
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(i, j int) int { return -cmp.Compare(a.Budget[i].Area.Point, a.Budget[j].Area.Point) })
	bi, si := order[0], order[1]
	a.BestBudget = a.Budget[bi]
	a.BudgetGap = stats.DifferenceInterval(opt.Boot.Rand("area-gap/"+sw[bi].variant+"/"+sw[si].variant), areas[bi], areas[si], stats.IQMOf, opt.Boot.Options())
	// Pairs with the larger budget first.
	rev := slices.Clone(variants)
	slices.Reverse(rev)
	if a.Improve, err = analysis.ProbabilityOfImprovement(scores, analysis.AllPairs(rev), opt.Boot); err != nil {
		return "", err
	}
	lvl := opt.Boot.Level()
	label := func(reg Regime) string {
		return fmt.Sprintf("%s (%s/%s)", reg.Name, val(reg.Updates), val(reg.Rollouts))
	}
	b, s2 := a.Budget[bi], a.Budget[si]
	verdict := map[int]string{1: "clearly ahead: the interval lies above 0", 0: "not clearly ahead: the interval includes 0", -1: "behind"}[side(a.BudgetGap, 0)]
	ans := fmt.Sprintf("The **%s** regime (model updates / imagined rollouts per iteration = %s/%s) is the most sample-efficient: the area under its return curve "+
		"(mean return over %s–%s real steps, IQM over runs) is %s, against %s for the %s regime; the difference is %s, %s. ",
		b.Name, val(b.Updates), val(b.Rollouts), markdown.Steps(g.Steps[0]), markdown.Steps(g.Steps[len(g.Steps)-1]),
		answerCI(b.Area, opt), answerCI(s2.Area, opt), s2.Name, answerCI(a.BudgetGap, opt), verdict)
	var steps []string
	for _, reg := range a.Budget {
		steps = append(steps, fmt.Sprintf("%s %s steps (CI %s to %s; %s of runs reach it)", reg.Name, markdown.Steps(reg.Steps.Point),
			markdown.Steps(reg.Steps.Lo), markdown.Steps(reg.Steps.Hi), markdown.Pct(reg.Steps.Reached)))
	}
	ans += fmt.Sprintf("Real steps to reach a return of %s (%s of the best regime's final IQM return, %s): %s.", markdown.Num(a.Threshold), markdown.Pct(opt.Fraction), a.Scale.Formula(opt.Fraction, bestFinal), strings.Join(steps, "; "))
	sec.Answer("Which model and imagination budget (model updates / imagined rollouts per iteration) is the most sample-efficient?", ans)
	t := &markdown.Table{Title: "Sample efficiency by budget", Columns: []string{"regime", "updates/rollouts", "variant", "runs", "area (mean return)", lvl + " CI", "steps to " + markdown.Num(a.Threshold), "CI", "reached", "final IQM return", "CI"}}
	for _, reg := range a.Budget {
		t.Add(reg.Name, val(reg.Updates)+"/"+val(reg.Rollouts), reg.Variant, fmt.Sprint(reg.Runs), markdown.Num(reg.Area.Point), markdown.CI(reg.Area),
			markdown.Steps(reg.Steps.Point), "["+markdown.Steps(reg.Steps.Lo)+", "+markdown.Steps(reg.Steps.Hi)+"]", markdown.Pct(reg.Steps.Reached), markdown.Num(reg.Final.Point), markdown.CI(reg.Final))
	}
	t.Notes = []string{"Area: the trapezoidal area under a run's evaluation-return curve divided by the span of real steps (the run's mean return over training), IQM over runs. " +
		strings.TrimSpace("Steps: the first evaluation at or above the threshold; runs that never reach it count as the last evaluation step, a lower bound. "+g.Note())}
	t.Notes = append(t.Notes, a.Scale.Explain(opt.Fraction))
	sec.Table(t)
	named := make([]analysis.Comparison, len(a.Improve))
	it := &markdown.Table{Title: "Probability of improvement in area under the return curve", Columns: []string{"X", "Y", "P(X > Y)", lvl + " CI"}}
	for i, c := range a.Improve {
		x, y := a.Budget[slices.Index(variants, c.X)], a.Budget[slices.Index(variants, c.Y)]
		named[i] = analysis.Comparison{X: label(x), Y: label(y), P: c.P}
		it.Add(label(x), label(y), markdown.Num(c.P.Point), markdown.CI(c.P))
	}
	it.Notes = []string{"P(X > Y): the probability that a run of X has a larger area than a run of Y (0.5: neither is better)."}
	sec.Table(it)
	curves, _, err := analysis.Curves(sub, analysis.CurveOptions{Metric: analysis.EvalReturn, Index: format.NoIndex, Grid: &g}, opt.Boot)
	if err != nil {
		return "", err
	}
	for i := range curves {
		curves[i].Variant = label(a.Budget[slices.Index(variants, curves[i].Variant)])
	}
	if err := sec.Figure("budget-curves", strings.TrimSpace(fmt.Sprintf("IQM evaluation return against real steps for each budget (model updates/imagined rollouts per iteration), with %s bootstrap bands. %s", lvl, g.Note())), func(p string) error {
		return present.CurvesFigure(p, curves, figure.LineOptions{XLabel: "Real environment steps", YLabel: "IQM return"})
	}); err != nil {
		return "", err
	}
	err = sec.Figure("budget-improvement", fmt.Sprintf("Probability that a run of one budget has a larger area under its return curve than a run of another, with %s bootstrap intervals.", lvl), func(p string) error {
		return present.ImprovementFigure(p, named, figure.Options{})
	})
	return title, err
}
