package level2

import (
	"fmt"
	"math"

	"github.com/dynago/dynago/lib/analysis"
	"github.com/dynago/dynago/lib/estimate"
	"github.com/dynago/dynago/lib/figure"
	"github.com/dynago/dynago/lib/format/metric"
	"github.com/dynago/dynago/lib/markdown"
	"github.com/dynago/dynago/lib/stats"
)

// BufferResult is the computed replay-buffer section: each buffer size's
// final return and final model error (Point.Model, model_mse_delta), and
// the largest buffer against the best smaller one, before any prose.
type BufferResult struct {
	Sweep
	BestSmaller   int            // the point of the best buffer other than the largest
	Lowest        int            // the point with the lowest model error
	LargestIsBest bool           // the largest buffer's final IQM return is above the best smaller one's
	StaleReturn   stats.Interval // largest minus best smaller buffer, final IQM return
	StaleMSE      stats.Interval // the same for the model error
	StaleHurts    bool           // StaleReturn's interval lies below 0
}

// buffer computes and renders section 3.
func buffer(r *markdown.Report, set *analysis.Set, a *Answers, opt Options) (string, error) {
	res, err := computeBuffer(set, opt)
	if res == nil || err != nil {
		return "", err
	}
	if res.Only == "" {
		a.Buffer, a.BestBuffer, a.LargestIsBest = res.Points, res.Points[res.BestSmaller], res.LargestIsBest
		a.StaleReturn, a.StaleMSE, a.StaleHurts = res.StaleReturn, res.StaleMSE, res.StaleHurts
	}
	return res.render(r, opt)
}

// computeBuffer returns the section's numbers, nil when there is no
// buffer sweep.
func computeBuffer(set *analysis.Set, opt Options) (*BufferResult, error) {
	s, err := newSweep(set, BufferPre, []string{"BUFFER_SIZE"}, []string{""}, opt)
	if s == nil || err != nil {
		return nil, err
	}
	res := &BufferResult{Sweep: *s}
	if s.Only != "" {
		return res, nil
	}
	pts := res.Points
	mses := make([][]float64, len(pts))
	for i, st := range s.settings {
		if mses[i], err = analysis.RunValues(st.runs, metric.ModelMSEDelta, analysis.Point{Final: opt.Final}); err != nil {
			return nil, fmt.Errorf("buffer sweep: %w (were the runs made with EVAL_MODEL=1?)", err)
		}
		pts[i].Model = estimate.IQMInterval(opt.Boot, "mse/"+st.variant, mses[i])
		if pts[i].Model.Point < pts[res.Lowest].Model.Point {
			res.Lowest = i
		}
	}
	l := len(pts) - 1
	bi := best(pts[:l])
	res.BestSmaller = bi
	res.LargestIsBest = pts[l].Return.Point > pts[bi].Return.Point
	rnd := func(what string) string { return fmt.Sprintf("stale/%s/%s/%s", what, pts[l].Variant, pts[bi].Variant) }
	res.StaleReturn = stats.DifferenceInterval(opt.Boot.Rand(rnd("return")), s.returns[l], s.returns[bi], stats.IQMOf, opt.Boot.Options())
	res.StaleMSE = stats.DifferenceInterval(opt.Boot.Rand(rnd("mse")), mses[l], mses[bi], stats.IQMOf, opt.Boot.Options())
	res.StaleHurts = res.StaleReturn.Hi < 0
	return res, nil
}

// render writes the section: its answer, the table and the two figures.
func (res *BufferResult) render(r *markdown.Report, opt Options) (string, error) {
	const title = "3. Replay buffer size"
	sec, ok := res.section(r, title)
	if !ok {
		return title, nil
	}
	sec.Answer("Does too much stale data in the model's replay buffer hurt?", res.answer(opt))
	t := res.table("Final return and model error by buffer size", "buffer", markdown.Steps, opt, "model MSE", "MSE CI")
	t.Notes = []string{fmt.Sprintf("Model MSE: model_mse_delta (one-step error of the state change on held-out states of the current policy), each run's %s model evaluation%s, IQM over runs. Differences resample the two buffers' runs independently.",
		map[bool]string{true: "last", false: fmt.Sprintf("mean of the last %d", opt.Final)}[opt.Final == 1], map[bool]string{true: "", false: "s"}[opt.Final == 1])}
	sec.Table(t)
	lvl := opt.Boot.Level()
	pts := res.Points
	x := make([]float64, len(pts))
	for i, p := range pts {
		x[i] = math.Log10(p.Value)
	}
	xl := "log10 buffer size (transitions)"
	if err := sec.Figure("buffer-mse", fmt.Sprintf("Final one-step model MSE against buffer size (log scales): IQM over runs with %s bootstrap bands.", lvl), func(p string) error {
		return figure.Lines(p, []figure.Series{pointSeries("model MSE", pts, x, true)}, figure.LineOptions{XLabel: xl, YLabel: metric.ModelMSEDelta, LogY: true})
	}); err != nil {
		return "", err
	}
	err := sec.Figure("buffer-return", fmt.Sprintf("Final return against buffer size (log scale): IQM over runs with %s bootstrap bands.", lvl), func(p string) error {
		return figure.Lines(p, []figure.Series{pointSeries("Dyna-PPO", pts, x, false)}, figure.LineOptions{XLabel: xl, YLabel: "final IQM return"})
	})
	return title, err
}

// answer words the largest buffer against the best smaller one.
func (res *BufferResult) answer(opt Options) string {
	pts := res.Points
	largest, b, lowest := pts[len(pts)-1], pts[res.BestSmaller], pts[res.Lowest]
	var verdict string
	switch {
	case res.StaleHurts:
		verdict = "**Yes, too much stale data hurts**: the whole interval lies below 0."
	case res.LargestIsBest && res.StaleReturn.Lo > 0:
		verdict = "**No**: the largest buffer is the best, the whole interval lies above 0."
	case res.LargestIsBest:
		verdict = "**No evidence that stale data hurts**: the largest buffer has the highest IQM, though the interval includes 0."
	default:
		verdict = "**No clear evidence that stale data hurts**: the interval includes 0."
	}
	mseSide := map[int]string{-1: "lower: the interval lies below 0", 0: "no clear difference: the interval includes 0", 1: "higher: the interval lies above 0"}[side(res.StaleMSE, 0)]
	return fmt.Sprintf("The largest buffer (%s transitions) ends with a final IQM return of %s; the best smaller buffer (%s) with %s. "+
		"Largest minus best smaller: %s. %s Its model error on the current policy's states (model_mse_delta) is %s; minus the %s buffer's, %s (%s). "+
		"The lowest model error is that of the %s buffer, %s.",
		markdown.Steps(largest.Value), answerCI(largest.Return, opt), markdown.Steps(b.Value), answerCI(b.Return, opt),
		answerCI(res.StaleReturn, opt), verdict, answerCI(largest.Model, opt), markdown.Steps(b.Value), answerCI(res.StaleMSE, opt), mseSide,
		markdown.Steps(lowest.Value), answerCI(lowest.Model, opt))
}
