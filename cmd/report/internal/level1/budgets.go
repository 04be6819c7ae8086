package level1

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/dynago/dynago/cmd/report/internal/scale"
	"github.com/dynago/dynago/lib/analysis"
	"github.com/dynago/dynago/lib/format"
	"github.com/dynago/dynago/lib/format/metric"
	"github.com/dynago/dynago/lib/markdown"
	"github.com/dynago/dynago/lib/stats"
)

// BudgetsResult is section 5 computed: every variant's return at fixed
// real-step budgets.
type BudgetsResult struct {
	Scale       scale.Scale  // the runs' environment: whether it has a solved return, and which
	Variants    []string     // every variant with evaluation returns, by name
	Runs        []int        // each variant's runs
	Checkpoints []Checkpoint // one per budget
}

// budgets compares every variant of the runs directory (CEM MPC runs
// too) at fixed real-step budgets and renders section 5.
func budgets(r *markdown.Report, all *analysis.Set, a *Answers, opt Options) error {
	res, err := computeBudgets(all, checkpoints(all, a, opt), a.Scale, opt)
	if err != nil {
		return err
	}
	a.At = res.Checkpoints
	res.render(r, opt)
	return nil
}

// computeBudgets returns, at each budget in at, the IQM of each run's last
// evaluation at or before it and, where the environment has a solved
// return, how many runs have reached it by then; a variant whose runs do
// not all reach a budget has no row there.
func computeBudgets(all *analysis.Set, at []float64, sc scale.Scale, opt Options) (*BudgetsResult, error) {
	res := &BudgetsResult{Scale: sc}
	for _, v := range all.Variants() {
		if analysis.CheckMetric(all.Of(v), metric.EvalReturn) == nil {
			res.Variants, res.Runs = append(res.Variants, v), append(res.Runs, len(all.Of(v)))
		}
	}
	for _, step := range at {
		cp := Checkpoint{Step: step}
		for _, v := range res.Variants {
			row, covered := solvedBy(all.Of(v), step, sc)
			if !covered {
				continue
			}
			x, err := analysis.ScoreMatrix(all.Of(v), all.Tasks(), metric.EvalReturn, analysis.Point{AtStep: true, Step: step})
			if err != nil {
				return nil, err
			}
			row.Variant = v
			row.IQM = stats.IntervalEstimates(opt.Boot.Rand(fmt.Sprintf("at/%s/%g", v, step)), x, []stats.Metric{stats.MetricIQM()}, opt.Boot.Options())[0]
			cp.Rows = append(cp.Rows, row)
		}
		res.Checkpoints = append(res.Checkpoints, cp)
	}
	return res, nil
}

// solvedBy returns the runs' count and how many reach the solved return
// at or before step, and whether every run is evaluated up to step.
func solvedBy(runs []*analysis.Run, step float64, sc scale.Scale) (AtStep, bool) {
	row := AtStep{Runs: len(runs)}
	for _, run := range runs {
		steps, vals := run.Series(metric.EvalReturn, format.NoIndex)
		if steps[len(steps)-1] < step {
			return row, false
		}
		for i, st := range steps {
			if st <= step && sc.HasSolved && vals[i] >= sc.Solved {
				row.Solved++
				break
			}
		}
	}
	return row, true
}

// checkpoints returns opt.At; else, when the variants' budgets (each
// one's last evaluation) differ, as with MPC's short runs beside PPO's,
// the shortest, every tenfold of it below the longest, and the longest
// (Level 3's equal-terms budgets); else EarlyUntil and PPO's budget.
func checkpoints(set *analysis.Set, a *Answers, opt Options) []float64 {
	if len(opt.At) > 0 {
		return opt.At
	}
	end := func(v string) float64 {
		e := 0.0
		for _, r := range set.Of(v) {
			steps, _ := r.Series(metric.EvalReturn, format.NoIndex)
			e = max(e, steps[len(steps)-1])
		}
		return e
	}
	short, long := math.Inf(1), 0.0
	for _, v := range set.Variants() {
		short, long = min(short, end(v)), max(long, end(v))
	}
	if short < long {
		at := []float64{short}
		for b := short * 10; b < long; b *= 10 {
			at = append(at, b)
		}
		return append(at, long)
	}
	ppo := end(a.PPO)
	if ppo <= opt.EarlyUntil {
		return []float64{ppo}
	}
	return []float64{opt.EarlyUntil, ppo}
}

// render writes section 5: its answer and the table.
func (res *BudgetsResult) render(r *markdown.Report, opt Options) {
	sec := r.Section("5. Returns at fixed real-step budgets")
	var labels []string
	for _, cp := range res.Checkpoints {
		labels = append(labels, markdown.Steps(cp.Step))
	}
	list := labels[len(labels)-1]
	if len(labels) > 1 {
		list = strings.Join(labels[:len(labels)-1], ", ") + " and " + list
	}
	sc := res.Scale
	var parts []string
	for _, cp := range res.Checkpoints {
		var vs []string
		for _, row := range cp.Rows {
			v := fmt.Sprintf("`%s` **%s** (CI %s", row.Variant, markdown.Num(row.IQM.Point), markdown.CI(row.IQM))
			if sc.HasSolved {
				v += fmt.Sprintf("; %d of %d runs have reached %s", row.Solved, row.Runs, markdown.Num(sc.Solved))
			}
			vs = append(vs, v+")")
		}
		if len(vs) == 0 {
			vs = []string{"no variant's runs all reach this budget"}
		}
		parts = append(parts, fmt.Sprintf("At %s real steps: %s.", markdown.Steps(cp.Step), strings.Join(vs, ", ")))
	}
	sec.Answer(fmt.Sprintf("What return does each variant reach after %s real steps?", list),
		fmt.Sprintf("IQM return over runs (%s CI). %s", opt.Boot.Level(), strings.Join(parts, " ")))
	sec.Table(res.table())
}

// table lists each variant's return (and solved runs) at every budget.
func (res *BudgetsResult) table() *markdown.Table {
	sc := res.Scale
	cols := []string{"variant", "runs"}
	for _, cp := range res.Checkpoints {
		cols = append(cols, "IQM return at "+markdown.Steps(cp.Step), "CI")
		if sc.HasSolved {
			cols = append(cols, "reached "+markdown.Num(sc.Solved)+" by "+markdown.Steps(cp.Step))
		}
	}
	t := &markdown.Table{Title: "Evaluation return at each budget", Columns: cols}
	for vi, v := range res.Variants {
		cells := []string{v, fmt.Sprint(res.Runs[vi])}
		for _, cp := range res.Checkpoints {
			i := slices.IndexFunc(cp.Rows, func(x AtStep) bool { return x.Variant == v })
			switch {
			case i < 0:
				cells = append(cells, "—", "—")
				if sc.HasSolved {
					cells = append(cells, "—")
				}
			default:
				row := cp.Rows[i]
				cells = append(cells, markdown.Num(row.IQM.Point), markdown.CI(row.IQM))
				if sc.HasSolved {
					cells = append(cells, fmt.Sprintf("%d/%d", row.Solved, row.Runs))
				}
			}
		}
		t.Add(cells...)
	}
	t.Notes = []string{"A run's return at a budget is its last evaluation at or before it; a variant whose runs end before a budget has no entry there (—).",
		"Every variant in the runs directory is listed, whatever its algorithm (CEM MPC runs, with their own, shorter budget, included)."}
	if sc.HasSolved {
		t.Notes = append(t.Notes, fmt.Sprintf("\"Reached\": runs with an evaluation return of at least %s, %s's solved return (env.ReturnThresholdOf), at or before the budget.", markdown.Num(sc.Solved), sc.Env))
	}
	return t
}
