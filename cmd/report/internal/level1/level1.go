// Package level1 composes the Level-1 report: does Dyna-PPO learn the
// runs' environment in fewer real steps than PPO, is there an early
// penalty while the model learns, at what model error does Dyna-PPO pull
// ahead, how fast does the k-step model error grow, and what return does
// every variant in the directory (CEM MPC too) reach at fixed real-step
// budgets. The environment comes from the runs' settings: its return
// bounds (env.ReturnBoundsOf) set the normalised scale the threshold and
// the aggregate scores are defined on, and its solved return
// (env.ReturnThresholdOf) the target counted at each budget. Every number
// comes from the runs through lib/analysis; nothing is written by hand.
package level1

import (
	"fmt"
	"math"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/dynago/dynago/cmd/report/internal/scale"
	"github.com/dynago/dynago/lib/analysis"
	"github.com/dynago/dynago/lib/figure"
	"github.com/dynago/dynago/lib/format"
	"github.com/dynago/dynago/lib/markdown"
	"github.com/dynago/dynago/lib/present"
	"github.com/dynago/dynago/lib/stats"
)

// Options configures Build.
type Options struct {
	Runs, Out  string // the runs' parent directory; the report's path
	Boot       analysis.Bootstrap
	PPO, Dyna  string  // variant names; "" finds "ppo"/"ppo-*" and "dyna"/"dyna-*"
	Fraction   float64 // threshold: this fraction of PPO's final IQM (0.8)
	EarlyUntil float64 // early penalty: evaluations in (0, EarlyUntil] (3000)
	EkRatio    float64 // horizon: largest k with E_k <= EkRatio × E_1 (10)
	// At are the real-step budgets at which every variant's return is
	// compared; nil: DefaultAt's for the environment, else EarlyUntil and
	// PPO's budget.
	At      []float64
	Command string // the command that made the report, recorded in it
}

// DefaultAt are the budgets at which each environment's variants are
// compared (Pendulum-v1: 2k, 20k and 100k real steps).
var DefaultAt = map[string][]float64{"Pendulum-v1": {2000, 20000, 100000}}

// Answers are the report's numbers, for tests and later levels.
type Answers struct {
	PPO, Dyna        string
	Scale            scale.Scale // the runs' environment, its return bounds and solved return
	Threshold        float64
	PPOFinal         stats.Interval // IQM of PPO's last eval_return
	StepsPPO         analysis.StepsTo
	StepsDyna        analysis.StepsTo
	StepsDiff        stats.Interval // Dyna minus PPO steps; negative: Dyna sooner
	EarlyDiff        stats.Interval // Dyna minus PPO mean early eval_return
	Penalty          bool           // EarlyDiff's interval lies below 0
	CrossStep        float64        // first step from which Dyna's IQM stays ahead; NaN if none
	CrossMSE         stats.Interval // IQM of model_mse_delta there
	EarlyAt, LateAt  float64        // E_k checkpoints
	GrowthEarly      stats.Interval // E_k ≈ E_1 g^(k-1)
	GrowthLate       stats.Interval
	HorizonEarly     int // largest k with E_j <= EkRatio E_1 for j <= k
	HorizonLate      int
	RunsPPO, RunsDyn int
	At               []Checkpoint
}

// Checkpoint is every variant's return at a real-step budget.
type Checkpoint struct {
	Step float64
	Rows []AtStep // variants whose runs all reach Step, by name
}

// AtStep is one variant's return at a checkpoint.
type AtStep struct {
	Variant string
	Runs    int
	IQM     stats.Interval // IQM over runs of the last eval_return at or before the step
	Solved  int            // runs with an eval_return at or above the solved return at or before the step
}

// Build computes the Level-1 answers, draws the figures beside opt.Out and
// returns the report (not yet written).
func Build(opt Options) (*markdown.Report, *Answers, error) {
	set, err := analysis.Load([]string{filepath.Join(opt.Runs, "*", "metrics.arrow")}, analysis.LoadOptions{})
	if err != nil {
		return nil, nil, err
	}
	a := &Answers{}
	if a.PPO, err = pick(set, opt.PPO, "ppo", "--ppo"); err != nil {
		return nil, nil, err
	}
	if a.Dyna, err = pick(set, opt.Dyna, "dyna", "--dyna"); err != nil {
		return nil, nil, err
	}
	all := set
	if set, err = set.Select([]string{a.Dyna, a.PPO}); err != nil {
		return nil, nil, err
	}
	if err := analysis.CheckMetric(set.Runs, analysis.EvalReturn); err != nil {
		return nil, nil, err
	}
	a.RunsPPO, a.RunsDyn = len(set.Of(a.PPO)), len(set.Of(a.Dyna))
	a.Scale = scale.Of(set.Runs)
	sc := a.Scale
	title := "Level 1: does a learned model make PPO more sample-efficient?"
	on := ""
	if sc.Env != "" {
		title = fmt.Sprintf("Level 1: does a learned model make PPO more sample-efficient on %s?", sc.Env)
		on = " on " + sc.Env
	}
	r := markdown.NewReport(title, opt.Out)
	r.Intro = []string{fmt.Sprintf("Dyna-PPO (variant `%s`, %d runs) against PPO (variant `%s`, %d runs)%s, from the metrics files in `%s`. "+
		"Returns are mean evaluation returns; \"IQM\" is the interquartile mean over runs, and intervals are %s",
		a.Dyna, a.RunsDyn, a.PPO, a.RunsPPO, on, opt.Runs, strings.TrimPrefix(opt.Boot.Describe(), "Intervals: "))}
	withAll := func(r *markdown.Report, _ *analysis.Set, a *Answers, opt Options) error {
		return budgets(r, all, a, opt)
	}
	steps := []func(*markdown.Report, *analysis.Set, *Answers, Options) error{
		stepsSooner, earlyPenalty, modelError, kStepError, withAll, overall,
	}
	for _, f := range steps {
		if err := f(r, set, a, opt); err != nil {
			return nil, nil, err
		}
	}
	if err := setup(r, set, a, opt); err != nil {
		return nil, nil, err
	}
	return r, a, nil
}

// pick returns the variant named by flag, or the one called prefix or
// prefix-*.
func pick(set *analysis.Set, given, prefix, flag string) (string, error) {
	vs := set.Variants()
	if given != "" {
		if !slices.Contains(vs, given) {
			return "", fmt.Errorf("%s %q: no runs of that variant (variants: %s)", flag, given, strings.Join(vs, ", "))
		}
		return given, nil
	}
	var found []string
	for _, v := range vs {
		if v == prefix || strings.HasPrefix(v, prefix+"-") {
			found = append(found, v)
		}
	}
	if len(found) != 1 {
		return "", fmt.Errorf("find the %s variant: %d of the variants (%s) are %q or %q; name it with %s",
			prefix, len(found), strings.Join(vs, ", "), prefix, prefix+"-*", flag)
	}
	return found[0], nil
}

func stepsSooner(r *markdown.Report, set *analysis.Set, a *Answers, opt Options) error {
	var err error
	if a.PPOFinal, err = analysis.FinalIQM(set, a.PPO, 1, opt.Boot); err != nil {
		return err
	}
	// The fraction is taken on the normalised scale (return − worst) /
	// (best − worst), so that it means the same for negative returns.
	a.Threshold = a.Scale.Fraction(opt.Fraction, a.PPOFinal.Point)
	st, err := analysis.StepsToThreshold(set, a.Threshold, opt.Boot)
	if err != nil {
		return err
	}
	for _, s := range st {
		if s.Variant == a.PPO {
			a.StepsPPO = s
		} else {
			a.StepsDyna = s
		}
	}
	if a.StepsDiff, err = analysis.StepsDifference(set, a.Dyna, a.PPO, a.Threshold, opt.Boot); err != nil {
		return err
	}
	sec := r.Section(fmt.Sprintf("1. How much sooner does Dyna-PPO reach %s of PPO's final return?", markdown.Pct(opt.Fraction)))
	q := fmt.Sprintf("How many real steps sooner (or later) does Dyna-PPO reach %s of PPO's final return?", markdown.Pct(opt.Fraction))
	d := a.StepsDiff
	lvl := opt.Boot.Level()
	var ans string
	switch {
	case d.Hi < 0:
		ans = fmt.Sprintf("Dyna-PPO reaches it **%s real steps sooner** (%s CI %s to %s steps sooner).", markdown.Steps(-d.Point), lvl, markdown.Steps(-d.Hi), markdown.Steps(-d.Lo))
	case d.Lo > 0:
		ans = fmt.Sprintf("Dyna-PPO reaches it **%s real steps later** (%s CI %s to %s steps later).", markdown.Steps(d.Point), lvl, markdown.Steps(d.Lo), markdown.Steps(d.Hi))
	default:
		ans = fmt.Sprintf("No clear difference: Dyna-PPO minus PPO is **%s real steps** (%s CI %s to %s; negative means sooner).", markdown.Steps(d.Point), lvl, markdown.Steps(d.Lo), markdown.Steps(d.Hi))
	}
	ans += fmt.Sprintf(" The threshold is %s of the way from the worst return, %s, to PPO's final IQM return of %s (CI %s): %s = **%s**. %s of Dyna-PPO runs and %s of PPO runs reach it, "+
		"the IQM Dyna-PPO run after %s steps (CI %s to %s) and the IQM PPO run after %s (CI %s to %s).",
		markdown.Pct(opt.Fraction), markdown.Num(a.Scale.Worst), markdown.Num(a.PPOFinal.Point), markdown.CI(a.PPOFinal),
		a.Scale.Formula(opt.Fraction, a.PPOFinal.Point), markdown.Num(a.Threshold),
		markdown.Pct(a.StepsDyna.Reached), markdown.Pct(a.StepsPPO.Reached),
		markdown.Steps(a.StepsDyna.Point), markdown.Steps(a.StepsDyna.Lo), markdown.Steps(a.StepsDyna.Hi),
		markdown.Steps(a.StepsPPO.Point), markdown.Steps(a.StepsPPO.Lo), markdown.Steps(a.StepsPPO.Hi))
	if a.StepsDyna.Reached < 1 || a.StepsPPO.Reached < 1 {
		ans += " Runs that never reach the threshold count as the last evaluation step, so their variant's steps are a lower bound."
	}
	sec.Answer(q, ans)
	sec.Text("%s Steps are those of the first evaluation at or above the threshold, so they are exact to the evaluation interval.", a.Scale.Explain(opt.Fraction))
	sec.Table(present.StepsTable("Real steps to reach a return of "+markdown.Num(a.Threshold), st))
	curves, g, err := analysis.Curves(set, analysis.CurveOptions{Metric: analysis.EvalReturn, Index: format.NoIndex}, opt.Boot)
	if err != nil {
		return err
	}
	thr := a.Threshold
	caption := "IQM evaluation return against real steps, with 95% bootstrap bands; the dashed line is the threshold. " + g.Note()
	return sec.Figure("sample-efficiency", strings.TrimSpace(caption), func(p string) error {
		return present.CurvesFigure(p, curves, figure.LineOptions{XLabel: "Real environment steps", YLabel: "IQM return", HLine: &thr})
	})
}

// earlyReturns returns each run's mean eval_return at steps in (0, until].
func earlyReturns(runs []*analysis.Run, until float64) ([]float64, error) {
	out := make([]float64, len(runs))
	for i, r := range runs {
		steps, values := r.Series(analysis.EvalReturn, format.NoIndex)
		var s float64
		n := 0
		for k, st := range steps {
			if st > 0 && st <= until {
				s += values[k]
				n++
			}
		}
		if n == 0 {
			return nil, fmt.Errorf("run %s has no evaluation in (0, %s] real steps", r.Name, markdown.Num(until))
		}
		out[i] = s / float64(n)
	}
	return out, nil
}

func earlyPenalty(r *markdown.Report, set *analysis.Set, a *Answers, opt Options) error {
	dy, err := earlyReturns(set.Of(a.Dyna), opt.EarlyUntil)
	if err != nil {
		return err
	}
	pp, err := earlyReturns(set.Of(a.PPO), opt.EarlyUntil)
	if err != nil {
		return err
	}
	a.EarlyDiff = stats.DifferenceInterval(opt.Boot.Rand("early"), dy, pp, stats.MeanOf, opt.Boot.Options())
	a.Penalty = a.EarlyDiff.Hi < 0
	d := a.EarlyDiff
	sec := r.Section("2. Is there an early model-learning penalty?")
	q := fmt.Sprintf("While the model is still poor (evaluations after 0 and up to %s real steps), does Dyna-PPO do worse than PPO?", markdown.Num(opt.EarlyUntil))
	var verdict string
	switch {
	case a.Penalty:
		verdict = "**Yes, there is an early penalty**: the whole interval lies below 0."
	case d.Lo > 0:
		verdict = "**No penalty**: Dyna-PPO is ahead early, the whole interval lies above 0."
	default:
		verdict = "**No evidence of a penalty**: the interval includes 0."
	}
	sec.Answer(q, fmt.Sprintf("Dyna-PPO's mean early return minus PPO's is **%s** (%s CI %s). %s",
		markdown.Num(d.Point), opt.Boot.Level(), markdown.CI(d), verdict))
	sec.Text("Each run's early return is the mean of its evaluations in (0, %s]; the step-0 evaluation is left out because no learning has happened yet. "+
		"The interval resamples Dyna-PPO's and PPO's runs independently.", markdown.Num(opt.EarlyUntil))
	return nil
}

func modelError(r *markdown.Report, set *analysis.Set, a *Answers, opt Options) error {
	sec := r.Section("3. Model error, and when Dyna-PPO pulls ahead")
	curves, g, err := analysis.Curves(set, analysis.CurveOptions{Metric: analysis.EvalReturn, Index: format.NoIndex}, opt.Boot)
	if err != nil {
		return err
	}
	var dy, pp analysis.Curve
	for _, c := range curves {
		if c.Variant == a.Dyna {
			dy = c
		} else {
			pp = c
		}
	}
	a.CrossStep = math.NaN()
	// Step 0 (untrained policies, no model yet) does not count: the model's
	// error is first measured after it.
	for i := len(g.Steps) - 1; i >= 0 && g.Steps[i] > 0; i-- {
		d := dy.Est[i].Point - pp.Est[i].Point
		if d < 0 {
			break
		}
		if d > 0 {
			a.CrossStep = g.Steps[i]
		}
	}
	dynaSet, err := set.Select([]string{a.Dyna})
	if err != nil {
		return err
	}
	mse, _, err := analysis.Curves(dynaSet, analysis.CurveOptions{Metric: "model_mse_delta", Index: format.NoIndex}, opt.Boot)
	if err != nil {
		return fmt.Errorf("variant %s: %w", a.Dyna, err)
	}
	q := "Around what one-step model error does Dyna-PPO begin to outperform PPO?"
	if math.IsNaN(a.CrossStep) {
		sec.Answer(q, "Dyna-PPO's IQM return never stays above PPO's to the end of training, so there is no such point in these runs.")
	} else {
		x, err := analysis.ScoreMatrix(dynaSet.Runs, dynaSet.Tasks(), "model_mse_delta", analysis.Point{AtStep: true, Step: a.CrossStep})
		if err != nil {
			return err
		}
		a.CrossMSE = stats.IntervalEstimates(opt.Boot.Rand("cross-mse"), x, []stats.Metric{stats.MetricIQM()}, opt.Boot.Options())[0]
		sec.Answer(q, fmt.Sprintf("From **%s real steps** on, Dyna-PPO's IQM return is above PPO's at every evaluation (or tied with it, as when both reach the maximum). "+
			"The one-step model MSE (model_mse_delta, IQM over runs at the last model evaluation at or before that step) is then **%s** (%s CI %s).",
			markdown.Steps(a.CrossStep), markdown.Num(a.CrossMSE.Point), opt.Boot.Level(), markdown.CI(a.CrossMSE)))
	}
	sec.Text("This is where the curves cross, not a causal threshold: the model's error and the policy improve together.")
	caption := "One-step model MSE of the state change (model_mse_delta) against real steps: IQM over Dyna-PPO runs with 95% bootstrap bands, log scale."
	return sec.Figure("model-mse", caption, func(p string) error {
		return present.CurvesFigure(p, mse, figure.LineOptions{XLabel: "Real environment steps", YLabel: "one-step MSE", LogY: true})
	})
}

// ekRuns returns each Dyna run's E_k curve at its last checkpoint at or
// before at, on the indices common to all.
func ekRuns(runs []*analysis.Run, at float64) (k []float64, e [][]float64, err error) {
	for i, r := range runs {
		rk, re := ekAt(r, at)
		if len(rk) == 0 {
			return nil, nil, fmt.Errorf("run %s has no model_ek at or before %s real steps", r.Name, markdown.Num(at))
		}
		if i > 0 && !slices.Equal(rk, k) {
			return nil, nil, fmt.Errorf("run %s has model_ek at k = %v, run %s at %v", r.Name, rk, runs[0].Name, k)
		}
		k = rk
		e = append(e, re)
	}
	return k, e, nil
}

func ekAt(r *analysis.Run, at float64) (k, e []float64) {
	step := int64(-1)
	for _, row := range r.Rows {
		if row.Metric == "model_ek" && float64(row.RealSteps) <= at {
			step = max(step, row.RealSteps)
		}
	}
	for _, ix := range r.Indices("model_ek", step) {
		_, vs := r.Series("model_ek", ix)
		steps, _ := r.Series("model_ek", ix)
		if j := slices.Index(steps, float64(step)); j >= 0 {
			k = append(k, float64(ix))
			e = append(e, vs[j])
		}
	}
	return k, e
}

func meanCurve(e [][]float64) []float64 {
	m := make([]float64, len(e[0]))
	for _, c := range e {
		for j, v := range c {
			m[j] += v / float64(len(e))
		}
	}
	return m
}

// horizon returns the largest k such that E_j <= ratio E_1 for every j <= k.
func horizon(k, e []float64, ratio float64) int {
	h := 0
	for j := range k {
		if e[j] > ratio*e[0] {
			break
		}
		h = int(k[j])
	}
	return h
}

func kStepError(r *markdown.Report, set *analysis.Set, a *Answers, opt Options) error {
	sec := r.Section("4. How fast does the k-step model error grow?")
	runs := set.Of(a.Dyna)
	cps := analysis.Checkpoints(runs, "model_ek")
	if len(cps) == 0 {
		return fmt.Errorf("variant %s: no checkpoint with model_ek in every run", a.Dyna)
	}
	a.EarlyAt, a.LateAt = cps[0], cps[len(cps)-1]
	var growth [2]stats.Interval
	var hor [2]int
	for i, at := range []float64{a.EarlyAt, a.LateAt} {
		k, e, err := ekRuns(runs, at)
		if err != nil {
			return err
		}
		fit := func(e [][]float64) float64 {
			g, err := stats.GrowthRate(k, meanCurve(e))
			if err != nil {
				return math.NaN()
			}
			return g
		}
		if _, err := stats.GrowthRate(k, meanCurve(e)); err != nil {
			return fmt.Errorf("E_k at %s real steps: %w", markdown.Num(at), err)
		}
		growth[i] = stats.RunsInterval(opt.Boot.Rand(fmt.Sprintf("growth/%g", at)), e, fit, opt.Boot.Options())
		hor[i] = horizon(k, meanCurve(e), opt.EkRatio)
	}
	a.GrowthEarly, a.GrowthLate = growth[0], growth[1]
	a.HorizonEarly, a.HorizonLate = hor[0], hor[1]
	sec.Answer("How fast does the k-step error E_k grow with k, and what does that suggest for the imagination horizon?",
		fmt.Sprintf("Fitting E_k ≈ E_1 · g^(k−1) to the mean over runs, the error grows by a factor **g = %s per step early** (at %s real steps; %s CI %s) "+
			"and **g = %s per step late** (at %s real steps; CI %s). "+
			"E_k stays within %s× the one-step error up to **k = %d early and k = %d late**: imagined rollouts longer than that compound the model's error by more than an order of magnitude, "+
			"so the horizon should stay at or below about %d steps.",
			markdown.Num(a.GrowthEarly.Point), markdown.Steps(a.EarlyAt), opt.Boot.Level(), markdown.CI(a.GrowthEarly),
			markdown.Num(a.GrowthLate.Point), markdown.Steps(a.LateAt), markdown.CI(a.GrowthLate),
			markdown.Num(opt.EkRatio), a.HorizonEarly, a.HorizonLate, a.HorizonLate))
	sec.Text("The intervals resample Dyna-PPO runs and refit g. Each run contributes its last model evaluation at or before each checkpoint.")
	dynaSet, err := set.Select([]string{a.Dyna})
	if err != nil {
		return err
	}
	var curves []analysis.Curve
	for _, at := range []float64{a.EarlyAt, a.LateAt} {
		cs, err := analysis.IndexCurves(dynaSet, "model_ek", at, stats.MetricIQM(), opt.Boot)
		if err != nil {
			return err
		}
		for _, c := range cs {
			c.Variant = fmt.Sprintf("%s steps", markdown.Num(at))
			curves = append(curves, c)
		}
	}
	return sec.Figure("model-ek", "k-step model error E_k against k at an early and a late checkpoint: IQM over Dyna-PPO runs with 95% bootstrap bands, log scale.",
		func(p string) error {
			return present.CurvesFigure(p, curves, figure.LineOptions{XLabel: "k (steps ahead)", YLabel: "E_k", LogY: true})
		})
}

func overall(r *markdown.Report, set *analysis.Set, a *Answers, opt Options) error {
	sec := r.Section("Final returns")
	// Tasks that are not environment ids get the runs' extreme returns.
	norm := &analysis.Normalization{Min: a.Scale.Worst, Max: a.Scale.Best}
	if err := norm.SetDataBounds(set, analysis.EvalReturn, analysis.Point{Final: 1}); err != nil {
		return err
	}
	sc, err := analysis.VariantScores(set, analysis.EvalReturn, analysis.Point{Final: 1}, norm)
	if err != nil {
		return err
	}
	metrics := stats.RliableMetrics(1)
	est := analysis.IntervalEstimates(sc, metrics, opt.Boot)
	t := present.EstimatesTable("Aggregate final returns (normalised)", est, metrics)
	t.Notes = []string{"Score: each run's last evaluation return.", norm.Describe(set.Tasks())}
	sec.Table(t)
	if err := sec.Figure("interval-estimates", "Median, IQM, mean and optimality gap of normalised final returns with 95% stratified bootstrap intervals.",
		func(p string) error { return present.EstimatesFigure(p, est, metrics, "Normalized score") }); err != nil {
		return err
	}
	imp, err := analysis.ProbabilityOfImprovement(sc, [][2]string{{a.Dyna, a.PPO}}, opt.Boot)
	if err != nil {
		return err
	}
	p := imp[0].P
	sec.Answer("How likely is a Dyna-PPO run to end with a higher return than a PPO run?",
		fmt.Sprintf("P(Dyna-PPO > PPO) = **%s** (%s CI %s; 0.5 means neither is better).", markdown.Num(p.Point), opt.Boot.Level(), markdown.CI(p)))
	return sec.Figure("probability-of-improvement", "Probability that a Dyna-PPO run's final return exceeds a PPO run's, with a 95% bootstrap interval.",
		func(path string) error { return present.ImprovementFigure(path, imp, figure.Options{}) })
}

// setup lists the runs and their settings (from each run's run_settings)
// and the commands.
func setup(r *markdown.Report, set *analysis.Set, a *Answers, opt Options) error {
	sec := r.Section("Runs, settings and commands")
	t := &markdown.Table{Title: "Runs", Columns: []string{"variant", "runs", "seeds"}}
	for _, v := range set.Variants() {
		var seeds []string
		for _, run := range set.Of(v) {
			seeds = append(seeds, fmt.Sprint(run.Seed))
		}
		t.Add(v, fmt.Sprint(len(seeds)), strings.Join(seeds, " "))
	}
	sec.Table(t)
	st, err := settingsTable(set)
	if err != nil {
		return err
	}
	sec.Table(st)
	in := filepath.Join(opt.Runs, "*", "metrics.arrow")
	b := fmt.Sprintf("--seed %d --reps %d", opt.Boot.Seed, opt.Boot.Reps)
	sec.Text("The report was made by the first command; the others recompute its tables and figures with `aggregate`.")
	sec.Code(opt.Command,
		fmt.Sprintf("aggregate steps-to --in '%s' --out results --threshold %s --compare %s:%s %s", in, strconv.FormatFloat(a.Threshold, 'g', -1, 64), a.Dyna, a.PPO, b),
		fmt.Sprintf("aggregate curves --in '%s' --out results %s", in, b),
		fmt.Sprintf("aggregate summary --in '%s' --out results %s", in, b),
		fmt.Sprintf("aggregate poi --in '%s' --out results --pairs %s:%s %s", in, a.Dyna, a.PPO, b),
		fmt.Sprintf("aggregate metric --in '%s' --out results --variants %s --metric model_mse_delta --logy %s", in, a.Dyna, b),
		fmt.Sprintf("aggregate metric --in '%s' --out results --variants %s --metric model_ek --at %s,%s --logy %s", in, a.Dyna, markdown.Num(a.EarlyAt), markdown.Num(a.LateAt), b),
	)
	return nil
}

// settingsTable returns, per variant, the settings of its runs (their
// run_settings metadata) with their values, listing every value when runs
// differ.
func settingsTable(set *analysis.Set) (*markdown.Table, error) {
	t := &markdown.Table{Title: "Settings (from each run's run_settings)", Columns: []string{"variant", "setting", "value"}}
	for _, v := range set.Variants() {
		vals := map[string][]string{}
		var keys []string
		for _, run := range set.Of(v) {
			s, err := analysis.Settings(run)
			if err != nil {
				return nil, err
			}
			for k, val := range s {
				if val == "" {
					continue
				}
				if !slices.Contains(keys, k) {
					keys = append(keys, k)
				}
				if !slices.Contains(vals[k], val) {
					vals[k] = append(vals[k], val)
				}
			}
		}
		slices.Sort(keys)
		for _, k := range keys {
			slices.Sort(vals[k])
			t.Add(v, k, strings.Join(vals[k], ", "))
		}
	}
	return t, nil
}

// checkpoints returns opt.At, or the environment's DefaultAt, or
// EarlyUntil and PPO's budget.
func checkpoints(set *analysis.Set, a *Answers, opt Options) []float64 {
	if len(opt.At) > 0 {
		return opt.At
	}
	if at, ok := DefaultAt[a.Scale.Env]; ok {
		return at
	}
	end := 0.0
	for _, r := range set.Of(a.PPO) {
		steps, _ := r.Series(analysis.EvalReturn, format.NoIndex)
		end = max(end, steps[len(steps)-1])
	}
	if end <= opt.EarlyUntil {
		return []float64{end}
	}
	return []float64{opt.EarlyUntil, end}
}

// budgets compares every variant of the runs directory (CEM MPC runs
// too) at fixed real-step budgets: the IQM of each run's last evaluation
// at or before the budget and, where the environment has a solved
// return, how many runs have reached it by then.
func budgets(r *markdown.Report, all *analysis.Set, a *Answers, opt Options) error {
	at := checkpoints(all, a, opt)
	var variants []string
	for _, v := range all.Variants() {
		if analysis.CheckMetric(all.Of(v), analysis.EvalReturn) == nil {
			variants = append(variants, v)
		}
	}
	for _, step := range at {
		cp := Checkpoint{Step: step}
		for _, v := range variants {
			runs := all.Of(v)
			row := AtStep{Variant: v, Runs: len(runs)}
			covered := true
			for _, run := range runs {
				steps, vals := run.Series(analysis.EvalReturn, format.NoIndex)
				if steps[len(steps)-1] < step {
					covered = false
					break
				}
				for i, st := range steps {
					if st <= step && a.Scale.HasSolved && vals[i] >= a.Scale.Solved {
						row.Solved++
						break
					}
				}
			}
			if !covered {
				continue
			}
			x, err := analysis.ScoreMatrix(runs, all.Tasks(), analysis.EvalReturn, analysis.Point{AtStep: true, Step: step})
			if err != nil {
				return err
			}
			row.IQM = stats.IntervalEstimates(opt.Boot.Rand(fmt.Sprintf("at/%s/%g", v, step)), x, []stats.Metric{stats.MetricIQM()}, opt.Boot.Options())[0]
			cp.Rows = append(cp.Rows, row)
		}
		a.At = append(a.At, cp)
	}
	sec := r.Section("5. Returns at fixed real-step budgets")
	var labels []string
	for _, s := range at {
		labels = append(labels, markdown.Steps(s))
	}
	list := labels[len(labels)-1]
	if len(labels) > 1 {
		list = strings.Join(labels[:len(labels)-1], ", ") + " and " + list
	}
	q := fmt.Sprintf("What return does each variant reach after %s real steps?", list)
	var parts []string
	for _, cp := range a.At {
		var vs []string
		for _, row := range cp.Rows {
			v := fmt.Sprintf("`%s` **%s** (CI %s", row.Variant, markdown.Num(row.IQM.Point), markdown.CI(row.IQM))
			if a.Scale.HasSolved {
				v += fmt.Sprintf("; %d of %d runs have reached %s", row.Solved, row.Runs, markdown.Num(a.Scale.Solved))
			}
			vs = append(vs, v+")")
		}
		if len(vs) == 0 {
			vs = []string{"no variant's runs all reach this budget"}
		}
		parts = append(parts, fmt.Sprintf("At %s real steps: %s.", markdown.Steps(cp.Step), strings.Join(vs, ", ")))
	}
	sec.Answer(q, fmt.Sprintf("IQM return over runs (%s CI). %s", opt.Boot.Level(), strings.Join(parts, " ")))
	cols := []string{"variant", "runs"}
	for _, s := range at {
		cols = append(cols, "IQM return at "+markdown.Steps(s), "CI")
		if a.Scale.HasSolved {
			cols = append(cols, "reached "+markdown.Num(a.Scale.Solved)+" by "+markdown.Steps(s))
		}
	}
	t := &markdown.Table{Title: "Evaluation return at each budget", Columns: cols}
	for _, v := range variants {
		cells := []string{v, fmt.Sprint(len(all.Of(v)))}
		for _, cp := range a.At {
			i := slices.IndexFunc(cp.Rows, func(x AtStep) bool { return x.Variant == v })
			switch {
			case i < 0:
				cells = append(cells, "—", "—")
				if a.Scale.HasSolved {
					cells = append(cells, "—")
				}
			default:
				row := cp.Rows[i]
				cells = append(cells, markdown.Num(row.IQM.Point), markdown.CI(row.IQM))
				if a.Scale.HasSolved {
					cells = append(cells, fmt.Sprintf("%d/%d", row.Solved, row.Runs))
				}
			}
		}
		t.Add(cells...)
	}
	t.Notes = []string{"A run's return at a budget is its last evaluation at or before it; a variant whose runs end before a budget has no entry there (—).",
		"Every variant in the runs directory is listed, whatever its algorithm (CEM MPC runs, with their own, shorter budget, included)."}
	if a.Scale.HasSolved {
		t.Notes = append(t.Notes, fmt.Sprintf("\"Reached\": runs with an evaluation return of at least %s, %s's solved return (env.ReturnThresholdOf), at or before the budget.", markdown.Num(a.Scale.Solved), a.Scale.Env))
	}
	sec.Table(t)
	return nil
}
