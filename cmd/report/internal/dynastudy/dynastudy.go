package dynastudy

import (
	"bufio"
	"cmp"
	"fmt"
	"maps"
	"math"
	"os"
	"path/filepath"
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

// Options configures Build.
type Options struct {
	Runs, Out string // the runs' parent directory; the report's path
	Boot      estimate.Bootstrap
	Baseline  string  // the variant every other is compared with (tuned PPO)
	Threshold float64 // eval_return to reach; NaN: the environment's solved return (env.ReturnThresholdOf)
	// Ratio and Prob are the goal: IQM steps at most Ratio × the
	// baseline's with P(sooner) at least Prob.
	Ratio, Prob float64
	Describe    string // optional file of "variant<TAB>what it changes and why" lines
	Command     string // the command that made the report, recorded in it
}

// Row is one variant's answers.
type Row struct {
	Variant string
	Steps   estimate.StepsTo
	// Ratio is the variant's IQM steps over the baseline's; Sooner is
	// P(a run of the variant reaches the threshold in fewer steps than a
	// run of the baseline), ties counting one half, with its interval.
	Ratio  float64
	Sooner stats.Interval
	// ModelRows is the IQM over runs of model predictions (imagined and
	// value-expansion steps) per real step; NaN for a variant without a model.
	ModelRows float64
	Goal      bool // Ratio <= Options.Ratio and Sooner.Point >= Options.Prob
	Describe  string
	Changes   string // settings that differ from the baseline's runs
}

// Result is the report's numbers.
type Result struct {
	Baseline string
	Budget   float64 // real steps that count for a run that never reaches
	Rows     []Row   // the baseline first, then the others by IQM steps
	Best     string  // the variant with the fewest IQM steps other than the baseline
	// Curves are the variants' IQM evaluation returns against real steps
	// on Grid, for the figure.
	Curves []estimate.Curve `json:"-"`
	Grid   analysis.Grid    `json:"-"`
}

// Build computes the study's answers, draws its figure beside opt.Out and
// returns the report (not yet written) and its numbers.
func Build(opt Options) (*markdown.Report, *Result, error) {
	set, err := analysis.Load([]string{filepath.Join(opt.Runs, "*", "metrics.arrow")}, analysis.LoadOptions{})
	if err != nil {
		return nil, nil, err
	}
	if !slices.Contains(set.Variants(), opt.Baseline) {
		return nil, nil, fmt.Errorf("--baseline %q: no runs of that variant (variants: %s)", opt.Baseline, strings.Join(set.Variants(), ", "))
	}
	if err := analysis.CheckMetric(set.Runs, metric.EvalReturn); err != nil {
		return nil, nil, err
	}
	sc := scale.Of(set.Runs)
	if math.IsNaN(opt.Threshold) {
		if !sc.HasSolved {
			return nil, nil, fmt.Errorf("the runs' environment %q declares no solved return: give --threshold", sc.Env)
		}
		opt.Threshold = sc.Solved
	}
	desc, err := readDescribe(opt.Describe)
	if err != nil {
		return nil, nil, err
	}
	res, err := compute(set, desc, opt)
	if err != nil {
		return nil, nil, err
	}
	r, err := render(res, sc.Env, opt)
	if err != nil {
		return nil, nil, err
	}
	return r, res, nil
}

func compute(set *analysis.Set, desc map[string]string, opt Options) (*Result, error) {
	st, err := estimate.StepsToThreshold(set, opt.Threshold, opt.Boot)
	if err != nil {
		return nil, err
	}
	res := &Result{Baseline: opt.Baseline}
	var base estimate.StepsTo
	for _, s := range st {
		if s.Variant == opt.Baseline {
			base = s
		}
	}
	baseSettings, err := variantSettings(set.Of(opt.Baseline))
	if err != nil {
		return nil, err
	}
	for _, s := range st {
		res.Budget = max(res.Budget, budgetOf(set.Of(s.Variant)))
		row := Row{Variant: s.Variant, Steps: s, Ratio: s.Point / base.Point, Describe: desc[s.Variant]}
		// P(sooner): fewer steps is better, so compare negated steps; a
		// run that never reaches counts as the budget (a tie between two
		// such runs counts one half).
		x, y := negCensored(s.Steps), negCensored(base.Steps)
		row.Sooner = stats.ProbabilityOfImprovementInterval(opt.Boot.Rand("sooner/"+s.Variant), x, y, opt.Boot.Options())
		row.Goal = s.Variant != opt.Baseline && row.Ratio <= opt.Ratio && row.Sooner.Point >= opt.Prob
		if row.ModelRows, err = modelRows(set.Of(s.Variant)); err != nil {
			return nil, err
		}
		vs, err := variantSettings(set.Of(s.Variant))
		if err != nil {
			return nil, err
		}
		row.Changes = diff(baseSettings, vs)
		res.Rows = append(res.Rows, row)
	}
	slices.SortStableFunc(res.Rows, func(a, b Row) int {
		switch {
		case a.Variant == opt.Baseline:
			return -1
		case b.Variant == opt.Baseline:
			return 1
		}
		return cmp.Compare(a.Steps.Point, b.Steps.Point)
	})
	if len(res.Rows) > 1 {
		res.Best = res.Rows[1].Variant
	}
	if res.Curves, res.Grid, err = estimate.Curves(set, estimate.CurveOptions{Metric: metric.EvalReturn, Index: format.NoIndex}, opt.Boot); err != nil {
		return nil, err
	}
	return res, nil
}

// budgetOf is the largest evaluation step of the runs.
func budgetOf(runs []*analysis.Run) float64 {
	b := 0.0
	for _, r := range runs {
		steps, _ := r.Series(metric.EvalReturn, format.NoIndex)
		for _, s := range steps {
			b = max(b, s)
		}
	}
	return b
}

// negCensored returns −steps as a one-task score matrix (higher is
// better); a run that never reached counts as later than any run that did
// and ties with any other that did not.
func negCensored(steps []float64) [][]float64 {
	x := make([][]float64, len(steps))
	for i, v := range steps {
		if math.IsInf(v, 1) {
			v = math.MaxFloat64
		}
		x[i] = []float64{-v}
	}
	return x
}

// modelRows returns the IQM over runs of model predictions per real step:
// the sum of the run's imagined (simulated, else kept) and value-expansion
// model steps over its last real-step count (files older than
// imagined_simulated_steps count only the kept steps). NaN when no run used
// a model.
func modelRows(runs []*analysis.Run) (float64, error) {
	var per []float64
	for _, r := range runs {
		sim, kept, mve, last := 0.0, 0.0, 0.0, 0.0
		has := false
		for _, row := range r.Rows {
			last = max(last, float64(row.RealSteps))
			switch row.Metric {
			case metric.ImaginedSimulatedSteps:
				sim += row.Value
				has = true
			case metric.ImaginedSteps:
				kept += row.Value
				has = true
			case metric.MVEModelSteps:
				mve += row.Value
				has = true
			}
		}
		if !has || last == 0 {
			continue
		}
		if sim == 0 {
			sim = kept
		}
		per = append(per, (sim+mve)/last)
	}
	if len(per) == 0 {
		return math.NaN(), nil
	}
	return stats.IQMOf(per), nil
}

// variantSettings returns the settings the runs of a variant share (a
// setting that differs between runs, like SEED and OUT, is left out).
func variantSettings(runs []*analysis.Run) (map[string]string, error) {
	var out map[string]string
	for _, r := range runs {
		s, err := analysis.Settings(r)
		if err != nil {
			return nil, err
		}
		if out == nil {
			out = s
			continue
		}
		for k, v := range out {
			if s[k] != v {
				delete(out, k)
			}
		}
	}
	for _, k := range []string{"SEED", "OUT", "VARIANT"} {
		delete(out, k)
	}
	return out, nil
}

// diff lists the settings of v that the baseline b lacks or sets otherwise.
func diff(b, v map[string]string) string {
	all := maps.Clone(b)
	maps.Copy(all, v)
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(all)) {
		if vk, ok := v[k]; !ok || vk != b[k] {
			parts = append(parts, fmt.Sprintf("%s=%s", k, vk))
		}
	}
	return strings.Join(parts, " ")
}

// readDescribe reads "variant<TAB>text" lines; "" gives an empty map.
func readDescribe(path string) (map[string]string, error) {
	out := map[string]string{}
	if path == "" {
		return out, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("--describe: %w", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		v, text, ok := strings.Cut(line, "\t")
		if !ok {
			return nil, fmt.Errorf("--describe %s:%d: want \"variant<TAB>text\"", path, n)
		}
		out[strings.TrimSpace(v)] = strings.TrimSpace(text)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("--describe %s: %w", path, err)
	}
	return out, nil
}

// render writes the report: the steps to the threshold with its answer,
// table and figure, the variants, and the command.
func render(res *Result, envID string, opt Options) (*markdown.Report, error) {
	title := "Dyna-PPO study: which use of the model saves real steps?"
	if envID != "" {
		title = "Dyna-PPO study on " + envID + ": which use of the model saves real steps?"
	}
	r := markdown.NewReport(title, opt.Out)
	r.Intro = []string{fmt.Sprintf("Every variant against `%s` (the baseline), from the metrics files in `%s`: real steps until the "+
		"mean evaluation return first reaches **%s**. IQM is the interquartile mean over runs; a run that never reaches the "+
		"threshold counts as the budget (%s real steps), so a variant with such runs has a lower bound for its steps. "+
		"Intervals are %s", res.Baseline, opt.Runs, markdown.Num(opt.Threshold), markdown.Steps(res.Budget),
		strings.TrimPrefix(opt.Boot.Describe(), "Intervals: "))}
	if err := res.renderSteps(r.Section("1. Steps to the threshold"), opt); err != nil {
		return nil, err
	}
	res.renderVariants(r.Section("2. The variants"))
	sec := r.Section("Commands")
	sec.Text("The report was made by:")
	sec.Code(opt.Command)
	return r, nil
}

// answer answers whether a variant meets the goal, naming the fastest.
func (res *Result) answer(opt Options) string {
	var base Row
	var goal []string
	for _, row := range res.Rows {
		if row.Variant == res.Baseline {
			base = row
		}
		if row.Goal {
			goal = append(goal, "`"+row.Variant+"`")
		}
	}
	ans := "**No variant does.**"
	if len(goal) > 0 {
		ans = fmt.Sprintf("**Yes**: %s.", strings.Join(goal, ", "))
	}
	if res.Best != "" {
		b := res.Rows[1]
		ans += fmt.Sprintf(" The fewest IQM steps: `%s`, %s real steps (%s CI %s to %s; %s of runs reach), %s× the baseline's %s, "+
			"P(sooner) = %s (CI %s).", b.Variant, markdown.Steps(b.Steps.Point), opt.Boot.Level(), markdown.Steps(b.Steps.Lo), markdown.Steps(b.Steps.Hi),
			markdown.Pct(b.Steps.Reached), markdown.Num(b.Ratio), markdown.Steps(base.Steps.Point), markdown.Num(b.Sooner.Point), markdown.CI(b.Sooner))
	}
	return ans
}

// renderSteps writes section 1: the answer, the table and the figure.
func (res *Result) renderSteps(sec *markdown.Section, opt Options) error {
	sec.Answer(fmt.Sprintf("Does a variant reach %s in at most %s× the baseline's IQM steps, with P(reaches sooner) ≥ %s?",
		markdown.Num(opt.Threshold), markdown.Num(opt.Ratio), markdown.Num(opt.Prob)), res.answer(opt))
	t := &markdown.Table{Title: "Real steps to a return of " + markdown.Num(opt.Threshold),
		Columns: []string{"variant", "runs", "reached", "IQM steps", "CI", "× baseline", "P(sooner)", "CI", "model rows / real step"}}
	for _, row := range res.Rows {
		mr := "-"
		if !math.IsNaN(row.ModelRows) {
			mr = markdown.Num(row.ModelRows)
		}
		t.Add(row.Variant, fmt.Sprint(len(row.Steps.Steps)), markdown.Pct(row.Steps.Reached), markdown.Steps(row.Steps.Point),
			markdown.CI(row.Steps.Interval), markdown.Num(row.Ratio), markdown.Num(row.Sooner.Point), markdown.CI(row.Sooner), mr)
	}
	sec.Table(t)
	sec.Text("Steps are those of the first evaluation at or above the threshold, exact to the evaluation interval. " +
		"P(sooner) is the probability that a random run of the variant reaches the threshold in fewer real steps than a random run " +
		"of the baseline (ties, including two runs that never reach, count one half), with runs of both resampled independently. " +
		"Model rows are the model's predictions (imagined steps, gated ones included, and value-expansion steps) per real step, " +
		"IQM over runs.")
	thr := opt.Threshold
	caption := "IQM evaluation return against real steps, with bootstrap bands; the dashed line is the threshold. " + res.Grid.Note()
	return sec.Figure("sample-efficiency", strings.TrimSpace(caption), func(p string) error {
		return present.CurvesFigure(p, res.Curves, figure.LineOptions{XLabel: "Real environment steps", YLabel: "IQM return", HLine: &thr})
	})
}

// renderVariants writes section 2: each variant's description and its
// settings against the baseline.
func (res *Result) renderVariants(sec *markdown.Section) {
	var items []string
	for _, row := range res.Rows {
		s := "`" + row.Variant + "`"
		if row.Describe != "" {
			s += ": " + row.Describe
		}
		if row.Changes != "" && row.Variant != res.Baseline {
			s += " (settings against the baseline: `" + row.Changes + "`)"
		}
		items = append(items, s)
	}
	sec.Bullets(items...)
}
