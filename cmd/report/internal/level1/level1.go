package level1

import (
	"fmt"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/dynago/dynago/cmd/report/internal/scale"
	"github.com/dynago/dynago/lib/analysis"
	"github.com/dynago/dynago/lib/estimate"
	"github.com/dynago/dynago/lib/format/metric"
	"github.com/dynago/dynago/lib/markdown"
	"github.com/dynago/dynago/lib/stats"
)

// Options configures Build.
type Options struct {
	Runs, Out  string // the runs' parent directory; the report's path
	Boot       estimate.Bootstrap
	PPO, Dyna  string  // variant names; "" finds "ppo"/"ppo-*" and "dyna"/"dyna-*"
	Fraction   float64 // threshold: this fraction of PPO's final IQM (0.8)
	EarlyUntil float64 // early penalty: evaluations in (0, EarlyUntil] (3000)
	EkRatio    float64 // horizon: largest k with E_k <= EkRatio × E_1 (10)
	// At are the real-step budgets at which every variant's return is
	// compared; nil: from the variants' budgets (checkpoints).
	At      []float64
	Command string // the command that made the report, recorded in it
}

// Answers are the report's numbers, for tests and later levels.
type Answers struct {
	PPO, Dyna        string
	Scale            scale.Scale // the runs' environment, its return bounds and solved return
	Threshold        float64
	PPOFinal         stats.Interval // IQM of PPO's last eval_return
	StepsPPO         estimate.StepsTo
	StepsDyna        estimate.StepsTo
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
	if err := analysis.CheckMetric(set.Runs, metric.EvalReturn); err != nil {
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
