package level1

import (
	"fmt"
	"math"
	"slices"

	"github.com/dynago/dynago/lib/analysis"
	"github.com/dynago/dynago/lib/estimate"
	"github.com/dynago/dynago/lib/figure"
	"github.com/dynago/dynago/lib/format"
	"github.com/dynago/dynago/lib/format/metric"
	"github.com/dynago/dynago/lib/markdown"
	"github.com/dynago/dynago/lib/present"
	"github.com/dynago/dynago/lib/stats"
)

// CrossResult is section 3 computed: where Dyna-PPO's return pulls ahead
// of PPO's and the model's error there.
type CrossResult struct {
	Step      float64          // first evaluation from which Dyna-PPO's IQM return stays at or above PPO's (and above it there); NaN if none
	MSE       stats.Interval   // IQM over Dyna-PPO runs of model_mse_delta at Step
	MSECurves []estimate.Curve // Dyna-PPO's IQM model_mse_delta curve
}

// modelError computes and renders section 3.
func modelError(r *markdown.Report, set *analysis.Set, a *Answers, opt Options) error {
	res, err := computeCross(set, a.Dyna, opt)
	if err != nil {
		return err
	}
	a.CrossStep, a.CrossMSE = res.Step, res.MSE
	return res.render(r, opt)
}

// computeCross returns section 3's numbers for Dyna-PPO variant dyna
// against the set's other variant.
func computeCross(set *analysis.Set, dyna string, opt Options) (*CrossResult, error) {
	curves, g, err := estimate.Curves(set, estimate.CurveOptions{Metric: metric.EvalReturn, Index: format.NoIndex}, opt.Boot)
	if err != nil {
		return nil, err
	}
	var dy, pp estimate.Curve
	for _, c := range curves {
		if c.Variant == dyna {
			dy = c
		} else {
			pp = c
		}
	}
	res := &CrossResult{Step: math.NaN()}
	// Step 0 (untrained policies, no model yet) does not count: the model's
	// error is first measured after it.
	for i := len(g.Steps) - 1; i >= 0 && g.Steps[i] > 0; i-- {
		d := dy.Est[i].Point - pp.Est[i].Point
		if d < 0 {
			break
		}
		if d > 0 {
			res.Step = g.Steps[i]
		}
	}
	dynaSet, err := set.Select([]string{dyna})
	if err != nil {
		return nil, err
	}
	if res.MSECurves, _, err = estimate.Curves(dynaSet, estimate.CurveOptions{Metric: metric.ModelMSEDelta, Index: format.NoIndex}, opt.Boot); err != nil {
		return nil, fmt.Errorf("variant %s: %w", dyna, err)
	}
	if math.IsNaN(res.Step) {
		return res, nil
	}
	x, err := analysis.ScoreMatrix(dynaSet.Runs, dynaSet.Tasks(), metric.ModelMSEDelta, analysis.Point{AtStep: true, Step: res.Step})
	if err != nil {
		return nil, err
	}
	res.MSE = stats.IntervalEstimates(opt.Boot.Rand("cross-mse"), x, []stats.Metric{stats.MetricIQM()}, opt.Boot.Options())[0]
	return res, nil
}

// render writes section 3: its answer and the model error's curve.
func (res *CrossResult) render(r *markdown.Report, opt Options) error {
	sec := r.Section("3. Model error, and when Dyna-PPO pulls ahead")
	q := "Around what one-step model error does Dyna-PPO begin to outperform PPO?"
	if math.IsNaN(res.Step) {
		sec.Answer(q, "Dyna-PPO's IQM return never stays above PPO's to the end of training, so there is no such point in these runs.")
	} else {
		sec.Answer(q, fmt.Sprintf("From **%s real steps** on, Dyna-PPO's IQM return is above PPO's at every evaluation (or tied with it, as when both reach the maximum). "+
			"The one-step model MSE (model_mse_delta, IQM over runs at the last model evaluation at or before that step) is then **%s** (%s CI %s).",
			markdown.Steps(res.Step), markdown.Num(res.MSE.Point), opt.Boot.Level(), markdown.CI(res.MSE)))
	}
	sec.Text("This is where the curves cross, not a causal threshold: the model's error and the policy improve together.")
	caption := "One-step model MSE of the state change (model_mse_delta) against real steps: IQM over Dyna-PPO runs with 95% bootstrap bands, log scale."
	return sec.Figure("model-mse", caption, func(p string) error {
		return present.CurvesFigure(p, res.MSECurves, figure.LineOptions{XLabel: "Real environment steps", YLabel: "one-step MSE", LogY: true})
	})
}

// GrowthResult is section 4 computed: how fast the k-step model error
// grows with k early and late in training.
type GrowthResult struct {
	At      [2]float64          // the first and last checkpoints with model_ek in every Dyna-PPO run
	Growth  [2]stats.Interval   // g of E_k ≈ E_1 g^(k-1) at each, refitted over resampled runs
	Horizon [2]int              // largest k with E_j <= Options.EkRatio E_1 for j <= k, on the mean curve
	Curves  [2][]estimate.Curve // IQM E_k against k at each
}

// kStepError computes and renders section 4.
func kStepError(r *markdown.Report, set *analysis.Set, a *Answers, opt Options) error {
	res, err := computeGrowth(set, a.Dyna, opt)
	if err != nil {
		return err
	}
	a.EarlyAt, a.LateAt = res.At[0], res.At[1]
	a.GrowthEarly, a.GrowthLate = res.Growth[0], res.Growth[1]
	a.HorizonEarly, a.HorizonLate = res.Horizon[0], res.Horizon[1]
	return res.render(r, opt)
}

// computeGrowth returns section 4's numbers for Dyna-PPO variant dyna.
func computeGrowth(set *analysis.Set, dyna string, opt Options) (*GrowthResult, error) {
	runs := set.Of(dyna)
	cps := analysis.Checkpoints(runs, metric.ModelEk)
	if len(cps) == 0 {
		return nil, fmt.Errorf("variant %s: no checkpoint with model_ek in every run", dyna)
	}
	res := &GrowthResult{At: [2]float64{cps[0], cps[len(cps)-1]}}
	for i, at := range res.At {
		k, e, err := ekRuns(runs, at)
		if err != nil {
			return nil, err
		}
		fit := func(e [][]float64) float64 {
			g, err := stats.GrowthRate(k, meanCurve(e))
			if err != nil {
				return math.NaN()
			}
			return g
		}
		if _, err := stats.GrowthRate(k, meanCurve(e)); err != nil {
			return nil, fmt.Errorf("E_k at %s real steps: %w", markdown.Num(at), err)
		}
		res.Growth[i] = stats.RunsInterval(opt.Boot.Rand(fmt.Sprintf("growth/%g", at)), e, fit, opt.Boot.Options())
		res.Horizon[i] = horizon(k, meanCurve(e), opt.EkRatio)
	}
	dynaSet, err := set.Select([]string{dyna})
	if err != nil {
		return nil, err
	}
	for i, at := range res.At {
		if res.Curves[i], err = estimate.IndexCurves(dynaSet, metric.ModelEk, at, stats.MetricIQM(), opt.Boot); err != nil {
			return nil, err
		}
	}
	return res, nil
}

// render writes section 4: its answer and the E_k curves.
func (res *GrowthResult) render(r *markdown.Report, opt Options) error {
	sec := r.Section("4. How fast does the k-step model error grow?")
	sec.Answer("How fast does the k-step error E_k grow with k, and what does that suggest for the imagination horizon?",
		fmt.Sprintf("Fitting E_k ≈ E_1 · g^(k−1) to the mean over runs, the error grows by a factor **g = %s per step early** (at %s real steps; %s CI %s) "+
			"and **g = %s per step late** (at %s real steps; CI %s). "+
			"E_k stays within %s× the one-step error up to **k = %d early and k = %d late**: imagined rollouts longer than that compound the model's error by more than an order of magnitude, "+
			"so the horizon should stay at or below about %d steps.",
			markdown.Num(res.Growth[0].Point), markdown.Steps(res.At[0]), opt.Boot.Level(), markdown.CI(res.Growth[0]),
			markdown.Num(res.Growth[1].Point), markdown.Steps(res.At[1]), markdown.CI(res.Growth[1]),
			markdown.Num(opt.EkRatio), res.Horizon[0], res.Horizon[1], res.Horizon[1]))
	sec.Text("The intervals resample Dyna-PPO runs and refit g. Each run contributes its last model evaluation at or before each checkpoint.")
	var curves []estimate.Curve
	for i, at := range res.At {
		for _, c := range res.Curves[i] {
			c.Variant = fmt.Sprintf("%s steps", markdown.Num(at))
			curves = append(curves, c)
		}
	}
	return sec.Figure("model-ek", "k-step model error E_k against k at an early and a late checkpoint: IQM over Dyna-PPO runs with 95% bootstrap bands, log scale.",
		func(p string) error {
			return present.CurvesFigure(p, curves, figure.LineOptions{XLabel: "k (steps ahead)", YLabel: "E_k", LogY: true})
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

// ekAt returns a run's E_k against k at its last model evaluation at or
// before at.
func ekAt(r *analysis.Run, at float64) (k, e []float64) {
	step := int64(-1)
	for _, row := range r.Rows {
		if row.Metric == metric.ModelEk && float64(row.RealSteps) <= at {
			step = max(step, row.RealSteps)
		}
	}
	for _, ix := range r.Indices(metric.ModelEk, step) {
		_, vs := r.Series(metric.ModelEk, ix)
		steps, _ := r.Series(metric.ModelEk, ix)
		if j := slices.Index(steps, float64(step)); j >= 0 {
			k = append(k, float64(ix))
			e = append(e, vs[j])
		}
	}
	return k, e
}

// meanCurve returns the mean over runs of their E_k curves.
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
