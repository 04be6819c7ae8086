package level3

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/dynago/dynago/lib/analysis"
	"github.com/dynago/dynago/lib/estimate"
	"github.com/dynago/dynago/lib/figure"
	"github.com/dynago/dynago/lib/format"
	"github.com/dynago/dynago/lib/format/metric"
	"github.com/dynago/dynago/lib/markdown"
	"github.com/dynago/dynago/lib/plan"
	"github.com/dynago/dynago/lib/present"
	"github.com/dynago/dynago/lib/stats"
)

// MPCAnswers are section 4's numbers. Budget is the MPC runs' real-step
// budget (their smallest last evaluation step); returns are compared there.
type MPCAnswers struct {
	Dyna, MPC          string
	Budget             float64
	DynaAt, MPCAt      stats.Interval // IQM eval_return at Budget
	POI                stats.Interval // P(MPC > Dyna-PPO) at Budget
	StepsDyna, StepsMP estimate.StepsTo
	// Rows are model forward rows per real step (mean over runs); RowsRatio
	// is MPC's over Dyna-PPO's.
	RowsDyna, RowsMPC stats.Interval
	RowsRatio         float64
	RowsSource        string // where MPC's rows came from
	PerSeed           []SeedSteps
}

// SeedSteps is one seed's first evaluation step at or above the threshold
// for each method (NaN: not reached by its budget).
type SeedSteps struct {
	Seed      int64
	Dyna, MPC float64
}

const mpcTitle = "4. CEM MPC against Dyna-PPO"

// MPCResult is the computed MPC section: its answers and every figure
// input, before any prose.
type MPCResult struct {
	MPCAnswers
	M         int              // the Dyna-PPO ensemble's members
	Threshold float64          // the return both methods race to
	Curves    []estimate.Curve // IQM return against real steps: Dyna-PPO, then MPC, each over its budget
}

// mpcSection computes and renders section 4, or says which target makes
// its runs.
func mpcSection(r *markdown.Report, set *analysis.Set, cat catalogue, m int, a *Answers, opt Options) error {
	d, ok := cat.find(m, math.Inf(1), false)
	if cat.MPC == "" || !ok {
		name := "dyna-m<M>"
		if m > 0 {
			name = fmt.Sprintf("dyna-m%d", m)
		}
		missing(r, mpcTitle, fmt.Sprintf("no MPC runs (mpc) and ungated Dyna-PPO runs (%s) to compare", name), "level3-mpc")
		return nil
	}
	res, err := computeMPC(set, cat.MPC, d, opt)
	if err != nil {
		return err
	}
	a.MPC = &res.MPCAnswers
	return res.render(r, opt)
}

// computeMPC returns section 4's numbers and figure inputs: the MPC
// variant mpc against the ungated Dyna-PPO variant d, at MPC's budget (its
// runs' smallest last evaluation step) and over both budgets.
func computeMPC(set *analysis.Set, mpc string, d dyna, opt Options) (*MPCResult, error) {
	res := &MPCResult{MPCAnswers: MPCAnswers{Dyna: d.Name, MPC: mpc, Budget: math.Inf(1)}, M: d.M, Threshold: opt.Threshold}
	x := &res.MPCAnswers
	mpcSet, err := set.Select([]string{mpc})
	if err != nil {
		return nil, err
	}
	dynaSet, err := set.Select([]string{d.Name})
	if err != nil {
		return nil, err
	}
	for _, run := range mpcSet.Runs {
		steps, _ := run.Series(metric.EvalReturn, format.NoIndex)
		x.Budget = min(x.Budget, steps[len(steps)-1])
	}
	if err := x.atBudget(set, opt); err != nil {
		return nil, err
	}
	for _, s := range []*analysis.Set{dynaSet, mpcSet} {
		st, err := estimate.StepsToThreshold(s, opt.Threshold, opt.Boot)
		if err != nil {
			return nil, err
		}
		if s == dynaSet {
			x.StepsDyna = st[0]
		} else {
			x.StepsMP = st[0]
		}
		c, _, err := estimate.Curves(s, estimate.CurveOptions{Metric: metric.EvalReturn, Index: format.NoIndex}, opt.Boot)
		if err != nil {
			return nil, err
		}
		res.Curves = append(res.Curves, c...)
	}
	x.PerSeed = perSeed(dynaSet.Runs, mpcSet.Runs, opt.Threshold)
	if err := x.rows(dynaSet.Runs, mpcSet.Runs, d.M, opt); err != nil {
		return nil, err
	}
	return res, nil
}

// atBudget sets both methods' IQM return at Budget and P(MPC > Dyna-PPO)
// there.
func (x *MPCAnswers) atBudget(set *analysis.Set, opt Options) error {
	both, err := set.Select([]string{x.Dyna, x.MPC})
	if err != nil {
		return err
	}
	sc, err := analysis.VariantScores(both, metric.EvalReturn, analysis.Point{AtStep: true, Step: x.Budget}, nil)
	if err != nil {
		return err
	}
	est := estimate.IntervalEstimates(sc, []stats.Metric{stats.MetricIQM()}, opt.Boot)
	x.DynaAt, x.MPCAt = est[0].Intervals[0], est[1].Intervals[0]
	imp, err := estimate.ProbabilityOfImprovement(sc, [][2]string{{x.MPC, x.Dyna}}, opt.Boot)
	if err != nil {
		return err
	}
	x.POI = imp[0].P
	return nil
}

// rows sets the model rows per real step of the Dyna-PPO runs (m members)
// and the MPC runs, and their ratio.
func (x *MPCAnswers) rows(dynaRuns, mpcRuns []*analysis.Run, m int, opt Options) error {
	rd, err := analysis.PerRun(dynaRuns, func(r *analysis.Run) (float64, error) { return dynaRows(r, m) })
	if err != nil {
		return err
	}
	x.RowsDyna = estimate.MeanInterval(opt.Boot, "rows/"+x.Dyna, rd)
	rm, src, err := mpcRows(mpcRuns)
	if err != nil {
		return err
	}
	x.RowsMPC, x.RowsSource = estimate.MeanInterval(opt.Boot, "rows/"+x.MPC, rm), src
	x.RowsRatio = x.RowsMPC.Point / x.RowsDyna.Point
	return nil
}

// render writes section 4: the setting, the three answers, the per-seed
// and IQM tables and the figure.
func (res *MPCResult) render(r *markdown.Report, opt Options) error {
	x := &res.MPCAnswers
	sec := r.Section(mpcTitle)
	sec.Text("Dyna-PPO (`%s`: the policy is updated from imagined rollouts of a %d-member ensemble) against ensemble CEM MPC (`%s`: it plans in its ensemble at every real step and has no policy). "+
		"The MPC runs have their own, smaller budget of %s real steps (MPC_STEPS), as planning costs far more per step; returns are compared at that budget, and the curves show each method over its whole budget.",
		x.Dyna, res.M, x.MPC, markdown.Steps(x.Budget))
	lvl := opt.Boot.Level()
	sec.Answer(fmt.Sprintf("Which method has the higher return after %s real steps?", markdown.Steps(x.Budget)),
		fmt.Sprintf("IQM return at %s real steps: MPC **%s**, Dyna-PPO **%s**. P(MPC > Dyna-PPO) = **%s** (%s CI %s; 0.5 means neither is better): %s",
			markdown.Steps(x.Budget), ivText(x.MPCAt, opt.Boot), ivText(x.DynaAt, opt.Boot), markdown.Num(x.POI.Point), lvl, markdown.CI(x.POI),
			poiVerdict(x.POI, "MPC is ahead.", "Dyna-PPO is ahead.", "no clear winner; the interval includes 0.5.")))
	sec.Answer(fmt.Sprintf("How many real steps does each need to reach a return of %s?", markdown.Num(res.Threshold)),
		fmt.Sprintf("%s of MPC runs reach it within their %s steps, the IQM run after **%s** steps (%s CI %s); %s of Dyna-PPO runs within theirs, the IQM run after **%s** (CI %s). "+
			"A run that never reaches it counts as its variant's budget, so such an IQM is a lower bound. The table below gives every seed.",
			markdown.Pct(x.StepsMP.Reached), markdown.Steps(x.Budget), markdown.Steps(x.StepsMP.Point), lvl, stepsCI(x.StepsMP.Interval),
			markdown.Pct(x.StepsDyna.Reached), markdown.Steps(x.StepsDyna.Point), stepsCI(x.StepsDyna.Interval)))
	sec.Answer("What does each cost in model computation per real step?",
		fmt.Sprintf("Dyna-PPO evaluates **%s** model rows per real step (%s CI %s; imagined steps simulated × %d members, summed over iterations, over the real steps); "+
			"MPC evaluates **%s** (%s). MPC costs **%s×** as many model rows per real step.",
			count(x.RowsDyna.Point), lvl, markdown.CI(x.RowsDyna), res.M, count(x.RowsMPC.Point), x.RowsSource, count(x.RowsRatio)))
	sec.Text("Rows count forward passes of one ensemble member on one (state, action) row, for acting or imagining only: model training, PPO updates and evaluation episodes are left out.")
	t := &markdown.Table{Title: "Real steps to reach a return of " + markdown.Num(res.Threshold) + " per seed (first evaluation at or above it)", Columns: []string{"seed", "Dyna-PPO", "MPC"}}
	for _, s := range x.PerSeed {
		t.Add(fmt.Sprint(s.Seed), reachText(s.Dyna), reachText(s.MPC))
	}
	sec.Table(t)
	sec.Table(present.StepsTable("Real steps to reach "+markdown.Num(res.Threshold)+" (IQM over runs)", []estimate.StepsTo{x.StepsDyna, x.StepsMP}))
	thr := res.Threshold
	return sec.Figure("mpc-sample-efficiency", fmt.Sprintf("IQM evaluation return against real steps of Dyna-PPO and CEM MPC, each over its own budget; the dashed line is the threshold %s.", markdown.Num(thr)),
		func(p string) error {
			return present.CurvesFigure(p, res.Curves, figure.LineOptions{XLabel: "Real environment steps", YLabel: "IQM return", HLine: &thr})
		})
}

func stepsCI(iv stats.Interval) string {
	return "[" + markdown.Steps(iv.Lo) + ", " + markdown.Steps(iv.Hi) + "]"
}

func reachText(s float64) string {
	if math.IsNaN(s) {
		return "not reached"
	}
	return markdown.Steps(s)
}

func perSeed(dyna, mpc []*analysis.Run, threshold float64) []SeedSteps {
	by := map[int64]*SeedSteps{}
	var seeds []int64
	get := func(seed int64) *SeedSteps {
		if by[seed] == nil {
			by[seed] = &SeedSteps{Seed: seed, Dyna: math.NaN(), MPC: math.NaN()}
			seeds = append(seeds, seed)
		}
		return by[seed]
	}
	for _, r := range dyna {
		if s, ok := analysis.FirstAtOrAbove(r, metric.EvalReturn, threshold); ok {
			get(r.Seed).Dyna = s
		} else {
			get(r.Seed)
		}
	}
	for _, r := range mpc {
		if s, ok := analysis.FirstAtOrAbove(r, metric.EvalReturn, threshold); ok {
			get(r.Seed).MPC = s
		} else {
			get(r.Seed)
		}
	}
	out := make([]SeedSteps, 0, len(seeds))
	for _, s := range seeds {
		out = append(out, *by[s])
	}
	slices.SortFunc(out, func(a, b SeedSteps) int { return cmp.Compare(a.Seed, b.Seed) })
	return out
}

// dynaRows is a Dyna-PPO run's model rows per real step: every simulated
// imagined step evaluates all m members. Simulated steps are kept steps
// over the kept fraction, or the rollouts when none was kept (each
// rollout simulates at least its first step).
func dynaRows(r *analysis.Run, m int) (float64, error) {
	steps, kept := r.Series(metric.ImaginedSteps, format.NoIndex)
	if len(steps) == 0 {
		return 0, fmt.Errorf("no imagined_steps rows")
	}
	fs, frac := r.Series(metric.ImaginedKeptFraction, format.NoIndex)
	rs, roll := r.Series(metric.ImaginedRollouts, format.NoIndex)
	var sim float64
	for i, s := range steps {
		f := valueAtStep(fs, frac, s)
		switch {
		case f > 0:
			sim += kept[i] / f
		case kept[i] == 0:
			sim += valueAtStep(rs, roll, s)
		default:
			return 0, fmt.Errorf("no imagined_kept_fraction at %s real steps", markdown.Steps(s))
		}
	}
	if math.IsNaN(sim) {
		return 0, fmt.Errorf("imagined metrics incomplete")
	}
	return sim * float64(m) / steps[len(steps)-1], nil
}

func valueAtStep(steps, values []float64, s float64) float64 {
	for i, x := range steps {
		if x == s {
			return values[i]
		}
	}
	return math.NaN()
}

// mpcRows returns each MPC run's model rows per real step: the mean of its
// metric.PlanModelRowsPerStep rows, or else CEM_SAMPLES × CEM_HORIZON × CEM_ITERS ×
// ENSEMBLE from its run_settings, lib/plan's defaults standing in for
// unset CEM settings and the tuned model preset's 5 members for an unset
// ENSEMBLE. src says which.
func mpcRows(runs []*analysis.Run) (rows []float64, src string, err error) {
	if runs[0].Has(metric.PlanModelRowsPerStep) {
		rows, err = analysis.PerRun(runs, analysis.MeanOver(metric.PlanModelRowsPerStep, math.Inf(-1), math.Inf(1)))
		return rows, "the planner's recorded " + metric.PlanModelRowsPerStep, err
	}
	def := plan.DefaultConfig()
	var notes []string
	for _, r := range runs {
		s, err := analysis.Settings(r)
		if err != nil {
			return nil, "", err
		}
		get := func(k string, d int, what string) (float64, error) {
			v := s[k]
			if v == "" {
				note := fmt.Sprintf("%s unset: %d (%s)", k, d, what)
				if !slices.Contains(notes, note) {
					notes = append(notes, note)
				}
				return float64(d), nil
			}
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 {
				return 0, fmt.Errorf("run %s: %s = %q in run_settings is not a positive integer", r.Name, k, v)
			}
			return float64(n), nil
		}
		p := 1.0
		for _, f := range []struct {
			k    string
			d    int
			what string
		}{
			{"CEM_SAMPLES", def.Samples, "lib/plan's default"},
			{"CEM_HORIZON", def.Horizon, "lib/plan's default"},
			{"CEM_ITERS", def.Iters, "lib/plan's default"},
			{"ENSEMBLE", 5, "the tuned model preset's members"},
		} {
			v, err := get(f.k, f.d, f.what)
			if err != nil {
				return nil, "", err
			}
			p *= v
		}
		rows = append(rows, p)
	}
	src = "CEM_SAMPLES × CEM_HORIZON × CEM_ITERS × ENSEMBLE from the runs' run_settings, as the runs record no " + metric.PlanModelRowsPerStep
	if len(notes) > 0 {
		src += "; " + strings.Join(notes, ", ")
	}
	return rows, src, nil
}

// count writes a large number with thousands separators.
func count(v float64) string {
	if math.Abs(v) >= 1000 {
		return markdown.Steps(v)
	}
	return markdown.Num(v)
}
