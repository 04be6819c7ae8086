package level2

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/dynago/dynago/cmd/report/internal/scale"
	"github.com/dynago/dynago/lib/analysis"
	"github.com/dynago/dynago/lib/estimate"
	"github.com/dynago/dynago/lib/format"
	"github.com/dynago/dynago/lib/format/metric"
	"github.com/dynago/dynago/lib/markdown"
	"github.com/dynago/dynago/lib/stats"
)

// Options configures Build.
type Options struct {
	Runs, Out string // the runs' parent directory; the report's path
	Boot      estimate.Bootstrap
	Final     int     // a run's final return (and model error): the mean of its last Final evaluations (1)
	Fraction  float64 // budget: steps to reach this fraction of the best regime's final IQM (0.8)
	Command   string  // the command that made the report, recorded in it
}

// The variants the report looks for (see the package documentation).
const (
	Dyna         = "dyna"
	PPO          = "ppo"
	HorizonPre   = "dyna-h"
	BudgetPre    = "dyna-budget-"
	BufferPre    = "dyna-buf"
	NoisePre     = "dyna-noise"
	VisitsLabel  = "visits" // evalmodel --hist label of the run loop (lib/runloop)
	balancedName = "balanced"
)

// Point is one setting of a sweep: its variant, the swept value and its
// runs' final return and, where the sweep looks at it, model error.
type Point struct {
	Variant string
	Value   float64
	Runs    int
	Return  stats.Interval // IQM over runs of the final eval_return
	Model   stats.Interval // horizon: E_H at the late checkpoint; buffer: final model_mse_delta
}

// Regime is one model and imagination budget.
type Regime struct {
	Name, Variant     string
	Updates, Rollouts float64
	Runs              int
	Area              stats.Interval // IQM over runs of the mean return over training
	Steps             estimate.StepsTo
	Final             stats.Interval
}

// Stage is one checkpoint of the distribution-shift section.
type Stage struct {
	Name     string // early, mid, late
	Step     float64
	TV       stats.Interval // total-variation distance of the visits from the early stage's (IQM over runs)
	Old, New stats.Interval // IQM of model_mse_old and model_mse_new
	Ratio    stats.Interval // IQM over runs of model_mse_new / model_mse_old
	Dyna     stats.Interval // IQM return of Dyna-PPO and PPO (Zero when there are no PPO runs)
	PPO      stats.Interval
	Diff     stats.Interval // Dyna minus PPO IQM return
}

// Answers are the report's numbers, for tests.
type Answers struct {
	Sections []string // the titles of the sections written

	Horizon       []Point
	HorizonLateAt float64 // the checkpoint of E_H
	BestHorizon   Point

	Budget     []Regime
	BestBudget Regime
	Scale      scale.Scale    // the runs' environment: the budget threshold's normalised scale
	BudgetGap  stats.Interval // best minus second-best area
	Threshold  float64
	Improve    []estimate.Comparison

	Buffer        []Point
	StaleReturn   stats.Interval // largest buffer minus the best other buffer, final IQM return
	StaleMSE      stats.Interval // the same for the model error
	StaleHurts    bool           // StaleReturn's interval lies below 0
	BestBuffer    Point          // the best buffer other than the largest
	LargestIsBest bool

	Stages      []Stage
	Degrades    bool      // the late stage's ratio interval lies above 1
	CostStages  []string  // stages whose Diff interval lies below 0
	BehindSteps []float64 // evaluations at which Dyna-PPO's interval lies below PPO's return
	AheadSteps  []float64

	Noise         []Point
	PPOFinal      stats.Interval
	NoiseBelowCI  float64 // first σ whose interval lies below PPO's interval; NaN if none
	NoiseBelowIQM float64 // first σ whose IQM is below PPO's; NaN if none
	NoiseDegrades float64 // first σ whose interval lies below σ = 0's IQM; NaN if none
}

// Build computes the Level-2 answers of the runs in opt.Runs, draws the
// figures beside opt.Out and returns the report (not yet written).
func Build(opt Options) (*markdown.Report, *Answers, error) {
	set, err := analysis.Load([]string{opt.Runs + "/*/metrics.arrow"}, analysis.LoadOptions{})
	if err != nil {
		return nil, nil, err
	}
	if opt.Final < 1 {
		opt.Final = 1
	}
	a := &Answers{Scale: scale.Of(set.Runs)}
	title := "Level 2: hyperparameter sensitivity, distribution shift and failure modes of Dyna-PPO"
	if a.Scale.Env != "" {
		title += " on " + a.Scale.Env
	}
	r := markdown.NewReport(title, opt.Out)
	// Each step adds its section and returns its title, or "" when its
	// runs are missing.
	steps := []func(*markdown.Report, *analysis.Set, *Answers, Options) (string, error){
		horizon, budget, buffer, shift, noise,
	}
	for _, f := range steps {
		title, err := f(r, set, a, opt)
		if err != nil {
			return nil, nil, err
		}
		if title != "" {
			a.Sections = append(a.Sections, title)
		}
	}
	if len(a.Sections) == 0 {
		return nil, nil, fmt.Errorf("no Level-2 runs in %s (variants: %s); want %s*, %s*, %s*, %s* or %s with state-visit histograms",
			opt.Runs, strings.Join(set.Variants(), ", "), HorizonPre, BudgetPre, BufferPre, NoisePre, Dyna)
	}
	r.Intro = []string{fmt.Sprintf("Sections written from the runs in `%s`: %s. Returns are mean evaluation returns; a run's final return is %s. "+
		"\"IQM\" is the interquartile mean over runs, and intervals are %s",
		opt.Runs, strings.Join(a.Sections, "; "), finalWords(opt.Final), strings.TrimPrefix(opt.Boot.Describe(), "Intervals: "))}
	if err := setup(r, set, opt); err != nil {
		return nil, nil, err
	}
	return r, a, nil
}

func finalWords(n int) string {
	if n == 1 {
		return "its last evaluation"
	}
	return fmt.Sprintf("the mean of its last %d evaluations", n)
}

// setting is one variant of a sweep with its swept values.
type setting struct {
	variant string
	values  []float64 // one per parameter
	runs    []*analysis.Run
}

// sweepOf returns "dyna" and the variants called prefix*, each with the
// values of params from its runs' run_settings (def[i] when unset; "" makes
// that an error), sorted by value. It returns nil when no variant has the
// prefix.
func sweepOf(set *analysis.Set, prefix string, params, def []string) ([]setting, error) {
	var out []setting
	own := false
	for _, v := range set.Variants() {
		if v != Dyna && !strings.HasPrefix(v, prefix) {
			continue
		}
		own = own || v != Dyna
		s := setting{variant: v, runs: set.Of(v)}
		for i, p := range params {
			val, err := settingOf(s.runs, p, def[i])
			if err != nil {
				return nil, err
			}
			s.values = append(s.values, val)
		}
		out = append(out, s)
	}
	if !own {
		return nil, nil
	}
	slices.SortStableFunc(out, func(a, b setting) int { return slices.Compare(a.values, b.values) })
	for i := 1; i < len(out); i++ {
		if slices.Equal(out[i].values, out[i-1].values) {
			return nil, fmt.Errorf("variants %s and %s have the same %s", out[i-1].variant, out[i].variant, strings.Join(params, " and "))
		}
	}
	return out, nil
}

// settingOf returns the number param the runs share in their run
// settings, def when none has it ("" for no default: an error).
func settingOf(runs []*analysis.Run, param, def string) (float64, error) {
	val, ok, err := analysis.Setting(runs, param)
	if err != nil {
		return 0, err
	}
	if !ok {
		val = def
	}
	if val == "" {
		return 0, fmt.Errorf("variant %s: %s has no %s in its %s", runs[0].Variant, runs[0].Path, param, format.RunSettingsKey)
	}
	f, err := strconv.ParseFloat(val, 64)
	if err != nil {
		return 0, fmt.Errorf("variant %s: %s = %q is not a number", runs[0].Variant, param, val)
	}
	return f, nil
}

// finalReturns returns each run's final return and their IQM with its
// interval.
func finalReturns(runs []*analysis.Run, opt Options) ([]float64, stats.Interval, error) {
	v, err := analysis.RunValues(runs, metric.EvalReturn, analysis.Point{Final: opt.Final})
	if err != nil {
		return nil, stats.Interval{}, err
	}
	return v, estimate.IQMInterval(opt.Boot, "final/"+runs[0].Variant, v), nil
}

// answerCI formats "**point** (95% CI [lo, hi])".
func answerCI(iv stats.Interval, opt Options) string {
	return fmt.Sprintf("**%s** (%s CI %s)", markdown.Num(iv.Point), opt.Boot.Level(), markdown.CI(iv))
}

// overlaps reports whether two intervals share a point.
func overlaps(a, b stats.Interval) bool { return a.Lo <= b.Hi && b.Lo <= a.Hi }

// verdict says which side of zero (or of ref) an interval lies.
func side(iv stats.Interval, ref float64) int {
	switch {
	case iv.Hi < ref:
		return -1
	case iv.Lo > ref:
		return 1
	}
	return 0
}

// values returns the swept values of points.
func values(p []Point) []string {
	out := make([]string, len(p))
	for i, x := range p {
		out[i] = val(x.Value)
	}
	return out
}

// vals formats swept values.
func vals(v []float64) []string {
	out := make([]string, len(v))
	for i, x := range v {
		out[i] = val(x)
	}
	return out
}

// setup lists the runs with the settings the sweeps vary and the command.
func setup(r *markdown.Report, set *analysis.Set, opt Options) error {
	sec := r.Section("Runs, settings and commands")
	params := []string{"HORIZON", "MODEL_UPDATES", "IMAG_BATCHES", "BUFFER_SIZE", "NOISE_SIGMA", "EVAL_MODEL", "STEPS"}
	t := &markdown.Table{Title: "Runs and the settings the experiments vary (from each run's run_settings)", Columns: append([]string{"variant", "runs", "seeds"}, params...)}
	for _, v := range set.Variants() {
		var seeds []string
		vals := make([][]string, len(params))
		for _, run := range set.Of(v) {
			seeds = append(seeds, fmt.Sprint(run.Seed))
			s, err := analysis.Settings(run)
			if err != nil {
				return err
			}
			for i, p := range params {
				if x := s[p]; !slices.Contains(vals[i], x) {
					vals[i] = append(vals[i], x)
				}
			}
		}
		row := []string{v, fmt.Sprint(len(seeds)), strings.Join(seeds, " ")}
		for _, x := range vals {
			cell := strings.Join(x, ", ")
			if cell == "" {
				cell = "–"
			}
			row = append(row, cell)
		}
		t.Add(row...)
	}
	t.Notes = []string{"– : not set (the tool's default; NOISE_SIGMA unset is 0)."}
	sec.Table(t)
	sec.Text("The report was made by this command:")
	sec.Code(opt.Command)
	return nil
}

// val formats a swept value as written in run_settings (0.3, 50000).
func val(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }
