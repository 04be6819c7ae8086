package level1

import (
	"fmt"
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

// SoonerResult is section 1 computed: the threshold and the real steps
// each variant needs to reach it, before any prose.
type SoonerResult struct {
	Scale               scale.Scale        // the runs' environment, whose scale the threshold is taken on
	PPOFinal            stats.Interval     // IQM of PPO's last eval_return
	Threshold           float64            // Options.Fraction of PPOFinal on Scale
	Steps               []estimate.StepsTo // per variant, by name
	StepsDyna, StepsPPO estimate.StepsTo
	Diff                stats.Interval   // Dyna-PPO minus PPO steps; negative: Dyna-PPO sooner
	Curves              []estimate.Curve // each variant's IQM eval_return curve on Grid
	Grid                analysis.Grid
}

// stepsSooner computes and renders section 1.
func stepsSooner(r *markdown.Report, set *analysis.Set, a *Answers, opt Options) error {
	res, err := computeSooner(set, a.Dyna, a.PPO, a.Scale, opt)
	if err != nil {
		return err
	}
	a.PPOFinal, a.Threshold, a.StepsDyna, a.StepsPPO, a.StepsDiff = res.PPOFinal, res.Threshold, res.StepsDyna, res.StepsPPO, res.Diff
	return res.render(r, opt)
}

// computeSooner returns section 1's numbers for variants dyna and ppo.
func computeSooner(set *analysis.Set, dyna, ppo string, sc scale.Scale, opt Options) (*SoonerResult, error) {
	res := &SoonerResult{Scale: sc}
	var err error
	if res.PPOFinal, err = estimate.FinalIQM(set, ppo, 1, opt.Boot); err != nil {
		return nil, err
	}
	// The fraction is taken on the normalised scale (return − worst) /
	// (best − worst), so that it means the same for negative returns.
	res.Threshold = sc.Fraction(opt.Fraction, res.PPOFinal.Point)
	if res.Steps, err = estimate.StepsToThreshold(set, res.Threshold, opt.Boot); err != nil {
		return nil, err
	}
	for _, s := range res.Steps {
		if s.Variant == ppo {
			res.StepsPPO = s
		} else {
			res.StepsDyna = s
		}
	}
	if res.Diff, err = estimate.StepsDifference(set, dyna, ppo, res.Threshold, opt.Boot); err != nil {
		return nil, err
	}
	res.Curves, res.Grid, err = estimate.Curves(set, estimate.CurveOptions{Metric: metric.EvalReturn, Index: format.NoIndex}, opt.Boot)
	if err != nil {
		return nil, err
	}
	return res, nil
}

// render writes section 1: its answer, the steps table and the curves.
func (res *SoonerResult) render(r *markdown.Report, opt Options) error {
	sec := r.Section(fmt.Sprintf("1. How much sooner does Dyna-PPO reach %s of PPO's final return?", markdown.Pct(opt.Fraction)))
	sec.Answer(fmt.Sprintf("How many real steps sooner (or later) does Dyna-PPO reach %s of PPO's final return?", markdown.Pct(opt.Fraction)), res.answer(opt))
	sec.Text("%s Steps are those of the first evaluation at or above the threshold, so they are exact to the evaluation interval.", res.Scale.Explain(opt.Fraction))
	sec.Table(present.StepsTable("Real steps to reach a return of "+markdown.Num(res.Threshold), res.Steps))
	thr := res.Threshold
	caption := "IQM evaluation return against real steps, with 95% bootstrap bands; the dashed line is the threshold. " + res.Grid.Note()
	return sec.Figure("sample-efficiency", strings.TrimSpace(caption), func(p string) error {
		return present.CurvesFigure(p, res.Curves, figure.LineOptions{XLabel: "Real environment steps", YLabel: "IQM return", HLine: &thr})
	})
}

// answer words how much sooner Dyna-PPO reaches the threshold and how it
// is defined.
func (res *SoonerResult) answer(opt Options) string {
	d, dy, pp := res.Diff, res.StepsDyna, res.StepsPPO
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
		markdown.Pct(opt.Fraction), markdown.Num(res.Scale.Worst), markdown.Num(res.PPOFinal.Point), markdown.CI(res.PPOFinal),
		res.Scale.Formula(opt.Fraction, res.PPOFinal.Point), markdown.Num(res.Threshold),
		markdown.Pct(dy.Reached), markdown.Pct(pp.Reached),
		markdown.Steps(dy.Point), markdown.Steps(dy.Lo), markdown.Steps(dy.Hi),
		markdown.Steps(pp.Point), markdown.Steps(pp.Lo), markdown.Steps(pp.Hi))
	if dy.Reached < 1 || pp.Reached < 1 {
		ans += " Runs that never reach the threshold count as the last evaluation step, so their variant's steps are a lower bound."
	}
	return ans
}

// EarlyResult is section 2 computed: Dyna-PPO's early return against
// PPO's.
type EarlyResult struct {
	Until   float64        // early: evaluations in (0, Until]
	Diff    stats.Interval // Dyna-PPO minus PPO mean early eval_return
	Penalty bool           // Diff's interval lies below 0
}

// earlyPenalty computes and renders section 2.
func earlyPenalty(r *markdown.Report, set *analysis.Set, a *Answers, opt Options) error {
	res, err := computeEarly(set, a.Dyna, a.PPO, opt)
	if err != nil {
		return err
	}
	a.EarlyDiff, a.Penalty = res.Diff, res.Penalty
	res.render(r, opt)
	return nil
}

// computeEarly returns section 2's numbers for variants dyna and ppo.
func computeEarly(set *analysis.Set, dyna, ppo string, opt Options) (*EarlyResult, error) {
	dy, err := earlyReturns(set.Of(dyna), opt.EarlyUntil)
	if err != nil {
		return nil, err
	}
	pp, err := earlyReturns(set.Of(ppo), opt.EarlyUntil)
	if err != nil {
		return nil, err
	}
	res := &EarlyResult{Until: opt.EarlyUntil, Diff: stats.DifferenceInterval(opt.Boot.Rand("early"), dy, pp, stats.MeanOf, opt.Boot.Options())}
	res.Penalty = res.Diff.Hi < 0
	return res, nil
}

// earlyReturns returns each run's mean eval_return at steps in (0, until].
func earlyReturns(runs []*analysis.Run, until float64) ([]float64, error) {
	out := make([]float64, len(runs))
	for i, r := range runs {
		steps, values := r.Series(metric.EvalReturn, format.NoIndex)
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

// render writes section 2.
func (res *EarlyResult) render(r *markdown.Report, opt Options) {
	d := res.Diff
	sec := r.Section("2. Is there an early model-learning penalty?")
	q := fmt.Sprintf("While the model is still poor (evaluations after 0 and up to %s real steps), does Dyna-PPO do worse than PPO?", markdown.Num(res.Until))
	var verdict string
	switch {
	case res.Penalty:
		verdict = "**Yes, there is an early penalty**: the whole interval lies below 0."
	case d.Lo > 0:
		verdict = "**No penalty**: Dyna-PPO is ahead early, the whole interval lies above 0."
	default:
		verdict = "**No evidence of a penalty**: the interval includes 0."
	}
	sec.Answer(q, fmt.Sprintf("Dyna-PPO's mean early return minus PPO's is **%s** (%s CI %s). %s",
		markdown.Num(d.Point), opt.Boot.Level(), markdown.CI(d), verdict))
	sec.Text("Each run's early return is the mean of its evaluations in (0, %s]; the step-0 evaluation is left out because no learning has happened yet. "+
		"The interval resamples Dyna-PPO's and PPO's runs independently.", markdown.Num(res.Until))
}
