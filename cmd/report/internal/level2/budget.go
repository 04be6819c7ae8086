package level2

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/dynago/dynago/cmd/report/internal/scale"
	"github.com/dynago/dynago/lib/analysis"
	"github.com/dynago/dynago/lib/estimate"
	"github.com/dynago/dynago/lib/figure"
	"github.com/dynago/dynago/lib/format"
	"github.com/dynago/dynago/lib/format/metric"
	"github.com/dynago/dynago/lib/markdown"
	"github.com/dynago/dynago/lib/present"
	"github.com/dynago/dynago/lib/stats"
)

// BudgetResult is the computed model-and-imagination-budget section: each
// regime's area under its return curve, steps to a threshold and final
// return, and how the regimes compare, before any prose.
type BudgetResult struct {
	Sweep                              // Points: each regime's final return (Value: its model updates)
	Regimes      []Regime              // by model updates, then imagined rollouts
	Scale        scale.Scale           // the runs' environment, whose scale the threshold is taken on
	Grid         analysis.Grid         // the evaluations every run shares: the areas' span
	Best, Second int                   // the regimes with the largest and second-largest area
	Gap          stats.Interval        // best minus second-best area
	BestFinal    float64               // the highest final IQM return of any regime
	Threshold    float64               // Options.Fraction of BestFinal on Scale
	Improve      []estimate.Comparison // P(X > Y) in area for every pair of variants, the larger budget as X
	Curves       []estimate.Curve      // each variant's IQM return curve on Grid
}

// regimeName names a budget variant's regime ("dyna" is the balanced one).
func regimeName(variant string) string {
	if variant == Dyna {
		return balancedName
	}
	return strings.TrimPrefix(variant, BudgetPre)
}

// budget computes and renders section 2.
func budget(r *markdown.Report, set *analysis.Set, a *Answers, opt Options) (string, error) {
	res, err := computeBudget(set, a.Scale, opt)
	if res == nil || err != nil {
		return "", err
	}
	if res.Only == "" {
		a.Budget, a.BestBudget, a.BudgetGap = res.Regimes, res.Regimes[res.Best], res.Gap
		a.Threshold, a.Improve = res.Threshold, res.Improve
	}
	return res.render(r, opt)
}

// computeBudget returns the section's numbers, nil when there is no budget
// sweep.
func computeBudget(set *analysis.Set, sc scale.Scale, opt Options) (*BudgetResult, error) {
	sw, err := sweepOf(set, BudgetPre, []string{"MODEL_UPDATES", "IMAG_BATCHES"}, []string{"", ""})
	if sw == nil || err != nil {
		return nil, err
	}
	if len(sw) < 2 {
		return &BudgetResult{Sweep: Sweep{Only: sw[0].variant}}, nil
	}
	sub, err := set.Select(variantsOf(sw))
	if err != nil {
		return nil, err
	}
	if err := analysis.CheckMetric(sub.Runs, metric.EvalReturn); err != nil {
		return nil, err
	}
	res := &BudgetResult{Scale: sc, BestFinal: math.Inf(-1)}
	if res.Grid, err = analysis.AlignGrid(sub.Runs, metric.EvalReturn, format.NoIndex); err != nil {
		return nil, err
	}
	areas, err := res.regimes(sw, opt)
	if err != nil {
		return nil, err
	}
	// The fraction is taken on the environment's normalised scale, so that
	// it means the same for negative returns.
	res.Threshold = sc.Fraction(opt.Fraction, res.BestFinal)
	st, err := estimate.StepsToThreshold(sub, res.Threshold, opt.Boot)
	if err != nil {
		return nil, err
	}
	for _, e := range st {
		res.Regimes[slices.IndexFunc(res.Regimes, func(reg Regime) bool { return reg.Variant == e.Variant })].Steps = e
	}
	order := make([]int, len(res.Regimes)) // by area, best first
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(i, j int) int { return -cmp.Compare(res.Regimes[i].Area.Point, res.Regimes[j].Area.Point) })
	res.Best, res.Second = order[0], order[1]
	bi, si := res.Best, res.Second
	res.Gap = stats.DifferenceInterval(opt.Boot.Rand("area-gap/"+sw[bi].variant+"/"+sw[si].variant), areas[bi], areas[si], stats.IQMOf, opt.Boot.Options())
	if err := res.compare(sub, areas, opt); err != nil {
		return nil, err
	}
	return res, nil
}

// variantsOf returns the settings' variants.
func variantsOf(sw []setting) []string {
	var out []string
	for _, s := range sw {
		out = append(out, s.variant)
	}
	return out
}

// regimes fills the regimes (all but their steps to the threshold) and
// the best final return, and returns each regime's runs' areas.
func (res *BudgetResult) regimes(sw []setting, opt Options) ([][]float64, error) {
	areas := make([][]float64, len(sw))
	for i, s := range sw {
		var err error
		if areas[i], err = analysis.CurveAreas(s.runs, metric.EvalReturn, res.Grid); err != nil {
			return nil, err
		}
	}
	s, err := measure(sw, opt)
	if err != nil {
		return nil, err
	}
	res.Sweep = *s
	for i, s := range sw {
		final := res.Points[i].Return
		res.Regimes = append(res.Regimes, Regime{Name: regimeName(s.variant), Variant: s.variant, Updates: s.values[0], Rollouts: s.values[1],
			Runs: len(s.runs), Area: estimate.IQMInterval(opt.Boot, "area/"+s.variant, areas[i]), Final: final})
		res.BestFinal = max(res.BestFinal, final.Point)
	}
	return areas, nil
}

// compare fills the probabilities of improvement in area and the return
// curves.
func (res *BudgetResult) compare(sub *analysis.Set, areas [][]float64, opt Options) error {
	var scores []analysis.Scores
	for i, reg := range res.Regimes {
		scores = append(scores, analysis.Scores{Variant: reg.Variant, X: stats.Column(areas[i])})
	}
	// Pairs with the larger budget first.
	rev := variantsOf(res.settings)
	slices.Reverse(rev)
	var err error
	if res.Improve, err = estimate.ProbabilityOfImprovement(scores, estimate.AllPairs(rev), opt.Boot); err != nil {
		return err
	}
	res.Curves, _, err = estimate.Curves(sub, estimate.CurveOptions{Metric: metric.EvalReturn, Index: format.NoIndex, Grid: &res.Grid}, opt.Boot)
	return err
}

// regime returns the regime of a variant.
func (res *BudgetResult) regime(variant string) Regime {
	return res.Regimes[slices.IndexFunc(res.Regimes, func(reg Regime) bool { return reg.Variant == variant })]
}

// label names a regime with its budget: "aggressive (5/20)".
func (reg Regime) label() string {
	return fmt.Sprintf("%s (%s/%s)", reg.Name, val(reg.Updates), val(reg.Rollouts))
}

// render writes the section: its answer, the two tables and the two
// figures.
func (res *BudgetResult) render(r *markdown.Report, opt Options) (string, error) {
	const title = "2. Model and imagination budget"
	sec, ok := res.section(r, title)
	if !ok {
		return title, nil
	}
	sec.Answer("Which model and imagination budget (model updates / imagined rollouts per iteration) is the most sample-efficient?", res.answer(opt))
	sec.Table(res.table(opt))
	lvl := opt.Boot.Level()
	named := make([]estimate.Comparison, len(res.Improve))
	it := &markdown.Table{Title: "Probability of improvement in area under the return curve", Columns: []string{"X", "Y", "P(X > Y)", lvl + " CI"}}
	for i, c := range res.Improve {
		x, y := res.regime(c.X).label(), res.regime(c.Y).label()
		named[i] = estimate.Comparison{X: x, Y: y, P: c.P}
		it.Add(x, y, markdown.Num(c.P.Point), markdown.CI(c.P))
	}
	it.Notes = []string{"P(X > Y): the probability that a run of X has a larger area than a run of Y (0.5: neither is better)."}
	sec.Table(it)
	curves := slices.Clone(res.Curves)
	for i := range curves {
		curves[i].Variant = res.regime(curves[i].Variant).label()
	}
	if err := sec.Figure("budget-curves", strings.TrimSpace(fmt.Sprintf("IQM evaluation return against real steps for each budget (model updates/imagined rollouts per iteration), with %s bootstrap bands. %s", lvl, res.Grid.Note())), func(p string) error {
		return present.CurvesFigure(p, curves, figure.LineOptions{XLabel: "Real environment steps", YLabel: "IQM return"})
	}); err != nil {
		return "", err
	}
	err := sec.Figure("budget-improvement", fmt.Sprintf("Probability that a run of one budget has a larger area under its return curve than a run of another, with %s bootstrap intervals.", lvl), func(p string) error {
		return present.ImprovementFigure(p, named, figure.Options{})
	})
	return title, err
}

// answer words the most sample-efficient regime and every regime's steps
// to the threshold.
func (res *BudgetResult) answer(opt Options) string {
	b, s2, g := res.Regimes[res.Best], res.Regimes[res.Second], res.Grid
	verdict := map[int]string{1: "clearly ahead: the interval lies above 0", 0: "not clearly ahead: the interval includes 0", -1: "behind"}[side(res.Gap, 0)]
	ans := fmt.Sprintf("The **%s** regime (model updates / imagined rollouts per iteration = %s/%s) is the most sample-efficient: the area under its return curve "+
		"(mean return over %s–%s real steps, IQM over runs) is %s, against %s for the %s regime; the difference is %s, %s. ",
		b.Name, val(b.Updates), val(b.Rollouts), markdown.Steps(g.Steps[0]), markdown.Steps(g.Steps[len(g.Steps)-1]),
		answerCI(b.Area, opt), answerCI(s2.Area, opt), s2.Name, answerCI(res.Gap, opt), verdict)
	var steps []string
	for _, reg := range res.Regimes {
		steps = append(steps, fmt.Sprintf("%s %s steps (CI %s to %s; %s of runs reach it)", reg.Name, markdown.Steps(reg.Steps.Point),
			markdown.Steps(reg.Steps.Lo), markdown.Steps(reg.Steps.Hi), markdown.Pct(reg.Steps.Reached)))
	}
	return ans + fmt.Sprintf("Real steps to reach a return of %s (%s of the best regime's final IQM return, %s): %s.",
		markdown.Num(res.Threshold), markdown.Pct(opt.Fraction), res.Scale.Formula(opt.Fraction, res.BestFinal), strings.Join(steps, "; "))
}

// table is the regimes' sample-efficiency table.
func (res *BudgetResult) table(opt Options) *markdown.Table {
	t := &markdown.Table{Title: "Sample efficiency by budget", Columns: []string{"regime", "updates/rollouts", "variant", "runs", "area (mean return)", opt.Boot.Level() + " CI",
		"steps to " + markdown.Num(res.Threshold), "CI", "reached", "final IQM return", "CI"}}
	for _, reg := range res.Regimes {
		t.Add(reg.Name, val(reg.Updates)+"/"+val(reg.Rollouts), reg.Variant, fmt.Sprint(reg.Runs), markdown.Num(reg.Area.Point), markdown.CI(reg.Area),
			markdown.Steps(reg.Steps.Point), "["+markdown.Steps(reg.Steps.Lo)+", "+markdown.Steps(reg.Steps.Hi)+"]", markdown.Pct(reg.Steps.Reached), markdown.Num(reg.Final.Point), markdown.CI(reg.Final))
	}
	t.Notes = []string{"Area: the trapezoidal area under a run's evaluation-return curve divided by the span of real steps (the run's mean return over training), IQM over runs. " +
		strings.TrimSpace("Steps: the first evaluation at or above the threshold; runs that never reach it count as the last evaluation step, a lower bound. "+res.Grid.Note()),
		res.Scale.Explain(opt.Fraction)}
	return t
}
