package level1

import (
	"fmt"

	"github.com/dynago/dynago/cmd/report/internal/scale"
	"github.com/dynago/dynago/lib/analysis"
	"github.com/dynago/dynago/lib/estimate"
	"github.com/dynago/dynago/lib/figure"
	"github.com/dynago/dynago/lib/format/metric"
	"github.com/dynago/dynago/lib/markdown"
	"github.com/dynago/dynago/lib/present"
	"github.com/dynago/dynago/lib/stats"
)

// OverallResult is the final-returns section computed: RLiable's
// aggregates of the normalised final returns and P(Dyna-PPO > PPO).
type OverallResult struct {
	Norm      *analysis.Normalization // the scores' bounds: the environment's, else the runs' extremes
	Tasks     []string
	Metrics   []stats.Metric
	Estimates []estimate.Estimate // per variant, Metrics with their intervals
	Improve   estimate.Comparison // P(Dyna-PPO's final return > PPO's)
}

// overall computes and renders the final-returns section.
func overall(r *markdown.Report, set *analysis.Set, a *Answers, opt Options) error {
	res, err := computeOverall(set, a.Dyna, a.PPO, a.Scale, opt)
	if err != nil {
		return err
	}
	return res.render(r, opt)
}

// computeOverall returns the section's numbers for variants dyna and ppo.
func computeOverall(set *analysis.Set, dyna, ppo string, sc scale.Scale, opt Options) (*OverallResult, error) {
	// Tasks that are not environment ids get the runs' extreme returns.
	res := &OverallResult{Norm: &analysis.Normalization{Min: sc.Worst, Max: sc.Best}, Tasks: set.Tasks(), Metrics: stats.RliableMetrics(1)}
	if err := res.Norm.SetDataBounds(set, metric.EvalReturn, analysis.Point{Final: 1}); err != nil {
		return nil, err
	}
	scores, err := analysis.VariantScores(set, metric.EvalReturn, analysis.Point{Final: 1}, res.Norm)
	if err != nil {
		return nil, err
	}
	res.Estimates = estimate.IntervalEstimates(scores, res.Metrics, opt.Boot)
	imp, err := estimate.ProbabilityOfImprovement(scores, [][2]string{{dyna, ppo}}, opt.Boot)
	if err != nil {
		return nil, err
	}
	res.Improve = imp[0]
	return res, nil
}

// render writes the section: the aggregates' table and figure, and the
// probability of improvement with its figure.
func (res *OverallResult) render(r *markdown.Report, opt Options) error {
	sec := r.Section("Final returns")
	t := present.EstimatesTable("Aggregate final returns (normalised)", res.Estimates, res.Metrics)
	t.Notes = []string{"Score: each run's last evaluation return.", res.Norm.Describe(res.Tasks)}
	sec.Table(t)
	if err := sec.Figure("interval-estimates", "Median, IQM, mean and optimality gap of normalised final returns with 95% stratified bootstrap intervals.",
		func(p string) error {
			return present.EstimatesFigure(p, res.Estimates, res.Metrics, "Normalized score")
		}); err != nil {
		return err
	}
	p := res.Improve.P
	sec.Answer("How likely is a Dyna-PPO run to end with a higher return than a PPO run?",
		fmt.Sprintf("P(Dyna-PPO > PPO) = **%s** (%s CI %s; 0.5 means neither is better).", markdown.Num(p.Point), opt.Boot.Level(), markdown.CI(p)))
	return sec.Figure("probability-of-improvement", "Probability that a Dyna-PPO run's final return exceeds a PPO run's, with a 95% bootstrap interval.",
		func(path string) error {
			return present.ImprovementFigure(path, []estimate.Comparison{res.Improve}, figure.Options{})
		})
}
