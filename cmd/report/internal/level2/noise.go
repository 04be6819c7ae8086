package level2

import (
	"fmt"
	"math"

	"github.com/dynago/dynago/lib/analysis"
	"github.com/dynago/dynago/lib/figure"
	"github.com/dynago/dynago/lib/markdown"
	"github.com/dynago/dynago/lib/stats"
)

// NoiseResult is the computed model-noise section: each noise σ's final
// return, where it first degrades and where it falls below PPO, before
// any prose.
type NoiseResult struct {
	Sweep
	PPORuns  int            // 0: no PPO reference
	PPOFinal stats.Interval // PPO's final IQM return
	Degrades float64        // first σ whose interval lies below the first σ's IQM; NaN if none
	BelowIQM float64        // first σ whose IQM is below PPO's; NaN if none (or no PPO runs)
	BelowCI  float64        // first σ whose interval lies below PPO's interval; NaN if none
}

// noise computes and renders section 5.
func noise(r *markdown.Report, set *analysis.Set, a *Answers, opt Options) (string, error) {
	res, err := computeNoise(set, opt)
	if res == nil || err != nil {
		return "", err
	}
	if res.Only == "" {
		a.Noise, a.PPOFinal = res.Points, res.PPOFinal
		a.NoiseDegrades, a.NoiseBelowIQM, a.NoiseBelowCI = res.Degrades, res.BelowIQM, res.BelowCI
	}
	return res.render(r, opt)
}

// computeNoise returns the section's numbers, nil when there is no noise
// sweep.
func computeNoise(set *analysis.Set, opt Options) (*NoiseResult, error) {
	s, err := newSweep(set, NoisePre, []string{"NOISE_SIGMA"}, []string{"0"}, opt)
	if s == nil || err != nil {
		return nil, err
	}
	res := &NoiseResult{Sweep: *s, Degrades: math.NaN(), BelowIQM: math.NaN(), BelowCI: math.NaN()}
	if s.Only != "" {
		return res, nil
	}
	pts := res.Points
	for _, p := range pts[1:] {
		if math.IsNaN(res.Degrades) && p.Return.Hi < pts[0].Return.Point {
			res.Degrades = p.Value
		}
	}
	ppo := set.Of(PPO)
	if res.PPORuns = len(ppo); res.PPORuns == 0 {
		return res, nil
	}
	if _, res.PPOFinal, err = finalReturns(ppo, opt); err != nil {
		return nil, err
	}
	for _, p := range pts {
		if math.IsNaN(res.BelowCI) && p.Return.Hi < res.PPOFinal.Lo {
			res.BelowCI = p.Value
		}
		if math.IsNaN(res.BelowIQM) && p.Return.Point < res.PPOFinal.Point {
			res.BelowIQM = p.Value
		}
	}
	return res, nil
}

// render writes the section: its answer, the table and the figure.
func (res *NoiseResult) render(r *markdown.Report, opt Options) (string, error) {
	const title = "5. Failure mode: noise in the model's predictions"
	sec, ok := res.section(r, title)
	if !ok {
		return title, nil
	}
	sec.Answer("How does Dyna-PPO's performance degrade with noise in the model's predictions, and where does it fall below PPO?", res.answer(opt))
	t := res.table("Final return by noise σ", "σ", val, opt)
	if res.PPORuns > 0 {
		t.Add("PPO", PPO, fmt.Sprint(res.PPORuns), markdown.Num(res.PPOFinal.Point), markdown.CI(res.PPOFinal))
	}
	t.Notes = []string{"σ is the standard deviation of the Gaussian noise imagine adds to each predicted state change and reward (raw units)."}
	sec.Table(t)
	// σ on a log axis, with σ = 0 drawn one decade below the smallest σ > 0.
	pts := res.Points
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
	caption := fmt.Sprintf("Final return against noise σ (log scale; σ = 0 drawn at %s): IQM over runs with %s bootstrap bands", markdown.Num(zero), opt.Boot.Level())
	if res.PPORuns > 0 {
		lo, hi := x[0], x[len(x)-1]
		series = append(series, figure.SeriesFromIntervals("PPO", []float64{lo, hi}, []stats.Interval{res.PPOFinal, res.PPOFinal}))
		caption += "; PPO's final IQM with its interval as the flat reference"
	}
	err := sec.Figure("noise-return", caption+".", func(p string) error {
		return figure.Lines(p, series, figure.LineOptions{XLabel: "log10 noise σ", YLabel: "final IQM return"})
	})
	return title, err
}

// answer words where Dyna-PPO degrades and where it falls below PPO.
func (res *NoiseResult) answer(opt Options) string {
	pts := res.Points
	base, last := pts[0], pts[len(pts)-1]
	ans := fmt.Sprintf("Dyna-PPO's final IQM return is %s at σ = %s and %s at σ = %s. ",
		answerCI(base.Return, opt), val(base.Value), answerCI(last.Return, opt), val(last.Value))
	if math.IsNaN(res.Degrades) {
		ans += fmt.Sprintf("No σ tested has an interval wholly below the IQM at σ = %s. ", val(base.Value))
	} else {
		ans += fmt.Sprintf("Performance first degrades clearly at **σ = %s** (the first σ whose interval lies wholly below the IQM at σ = %s). ", val(res.Degrades), val(base.Value))
	}
	if res.PPORuns == 0 {
		return ans + "There are no PPO runs (variant ppo), so there is no reference to fall below."
	}
	ans += fmt.Sprintf("PPO's final IQM return is %s. ", answerCI(res.PPOFinal, opt))
	switch {
	case math.IsNaN(res.BelowIQM):
		ans += "Dyna-PPO's IQM stays at or above PPO's at every σ tested."
	case math.IsNaN(res.BelowCI):
		ans += fmt.Sprintf("Dyna-PPO's IQM first falls below PPO's at **σ = %s**, but at no σ tested does its interval lie wholly below PPO's.", val(res.BelowIQM))
	default:
		ans += fmt.Sprintf("Dyna-PPO's IQM first falls below PPO's at **σ = %s**, and its interval first lies wholly below PPO's at **σ = %s**.", val(res.BelowIQM), val(res.BelowCI))
	}
	return ans
}
