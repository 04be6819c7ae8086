package level3

import (
	"cmp"
	"fmt"
	"math"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/dynago/dynago/lib/analysis"
	"github.com/dynago/dynago/lib/env"
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
	Threshold float64   // the return MPC and Dyna-PPO race to; NaN: DefaultThreshold of the runs' ENV
	Budgets   []float64 // real-step budgets of the equal-terms comparison; nil: from the runs (ablationBudgets)
	M         int       // the ensemble size of the gating and MPC comparisons; 0 picks it from the runs
	Command   string    // the command that made the report, recorded in it
}

// Answers are the report's numbers, for tests; a nil part's runs were
// missing.
type Answers struct {
	Env       string  // the runs' ENV
	Threshold float64 // the threshold used
	Ensemble  *EnsembleAnswers
	Gating    *GatingAnswers
	Stress    *StressAnswers
	MPC       *MPCAnswers
	Ablation  *AblationAnswers
}

// dyna is a Dyna-PPO variant as its run settings describe it.
type dyna struct {
	Name   string
	M      int
	Tau    float64 // +Inf: ungated
	Stress bool
}

func (d dyna) gated() bool { return !math.IsInf(d.Tau, 1) }

// StressSuffix ends the names of the stress experiment's variants.
const StressSuffix = "-stress"

// catalogue is the variants of a set by role.
type catalogue struct {
	PPO, MPC string   // "" when missing
	MPCs     []string // every ALGO=mpc variant, MPC among them
	Dyna     []dyna   // ordered by stress, M, tau
	// Ablation is the Dyna-PPO ablation arms (splitAblation), by name.
	Ablation []dyna
}

func classify(set *analysis.Set) (catalogue, error) {
	var c catalogue
	for _, v := range set.Variants() {
		runs := set.Of(v)
		algo, _, err := analysis.Setting(runs, "ALGO")
		if err != nil {
			return c, err
		}
		switch algo {
		case "ppo":
			if c.PPO != "" {
				return c, fmt.Errorf("variants %s and %s are both PPO (ALGO=ppo): keep one in the runs directory", c.PPO, v)
			}
			c.PPO = v
		case "mpc":
			c.MPCs = append(c.MPCs, v)
		case "dyna":
			d, err := dynaOf(v, runs)
			if err != nil {
				return c, err
			}
			c.Dyna = append(c.Dyna, d)
		}
	}
	if err := splitAblation(set, &c); err != nil {
		return c, err
	}
	switch {
	case slices.Contains(c.MPCs, "mpc"):
		c.MPC = "mpc"
	case len(c.MPCs) == 1:
		c.MPC = c.MPCs[0]
	}
	slices.SortFunc(c.Dyna, func(a, b dyna) int {
		return cmp.Or(cmp.Compare(btoi(a.Stress), btoi(b.Stress)), cmp.Compare(a.M, b.M), cmp.Compare(a.Tau, b.Tau))
	})
	return c, nil
}

// dynaOf reads a Dyna-PPO variant's ensemble size and gate from its runs'
// settings.
func dynaOf(v string, runs []*analysis.Run) (dyna, error) {
	d := dyna{Name: v, Tau: math.Inf(1), Stress: strings.HasSuffix(v, StressSuffix)}
	m, ok, err := analysis.Setting(runs, "ENSEMBLE")
	if err != nil {
		return d, err
	}
	if !ok {
		return d, fmt.Errorf("variant %s: %s records no ENSEMBLE in its %s: rerun it with bin/run", v, runs[0].Path, format.RunSettingsKey)
	}
	if d.M, err = strconv.Atoi(m); err != nil || d.M < 1 {
		return d, fmt.Errorf("variant %s: ENSEMBLE = %q is not a positive integer", v, m)
	}
	tau, ok, err := analysis.Setting(runs, "GATE_VARIANCE")
	if err != nil {
		return d, err
	}
	if ok && tau != "" {
		if d.Tau, err = strconv.ParseFloat(tau, 64); err != nil || !(d.Tau > 0) {
			return d, fmt.Errorf("variant %s: GATE_VARIANCE = %q is not a positive number or inf", v, tau)
		}
	}
	return d, nil
}

// oneRunPerSeed refuses a variant with two runs of one seed (the same
// run made twice under two directory names): counted twice, it would
// narrow every interval.
func oneRunPerSeed(set *analysis.Set) error {
	for _, v := range set.Variants() {
		seen := map[int64]*analysis.Run{}
		for _, r := range set.Of(v) {
			if o := seen[r.Seed]; o != nil {
				return fmt.Errorf("variant %s has two runs of seed %d (%s and %s): keep one", v, r.Seed, o.Path, r.Path)
			}
			seen[r.Seed] = r
		}
	}
	return nil
}

// DefaultThreshold returns the return threshold of the environment id
// (env.ReturnThresholdOf: Gymnasium's reward_threshold, -200 for
// Pendulum-v1).
func DefaultThreshold(id string) (float64, bool) { return env.ReturnThresholdOf(id) }

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// find returns the Dyna-PPO variant with m members, gate tau (+Inf for
// none) and the stress flag.
func (c catalogue) find(m int, tau float64, stress bool) (dyna, bool) {
	for _, d := range c.Dyna {
		if d.M == m && d.Tau == tau && d.Stress == stress {
			return d, true
		}
	}
	return dyna{}, false
}

// gateM returns the ensemble size of the gating and MPC comparisons: the
// given one, else that of the gated runs, else the ungated ensemble
// closest to 5 members.
func (c catalogue) gateM(given int) int {
	if given > 0 {
		return given
	}
	for _, d := range c.Dyna {
		if d.gated() {
			return d.M
		}
	}
	best := 0
	for _, d := range c.Dyna {
		if !d.gated() && !d.Stress && d.M > 1 && (best == 0 || abs(d.M-5) < abs(best-5)) {
			best = d.M
		}
	}
	return best
}

func abs(x int) int { return max(x, -x) }

// Build computes the Level-3 answers, draws the figures beside opt.Out and
// returns the report (not yet written).
func Build(opt Options) (*markdown.Report, *Answers, error) {
	set, err := analysis.Load([]string{filepath.Join(opt.Runs, "*", "metrics.arrow")}, analysis.LoadOptions{})
	if err != nil {
		return nil, nil, err
	}
	if err := analysis.CheckMetric(set.Runs, metric.EvalReturn); err != nil {
		return nil, nil, err
	}
	if err := oneRunPerSeed(set); err != nil {
		return nil, nil, err
	}
	cat, err := classify(set)
	if err != nil {
		return nil, nil, err
	}
	if cat.PPO == "" && cat.MPC == "" && len(cat.Dyna) == 0 {
		return nil, nil, fmt.Errorf("no Level-3 variants in %s (found %s; want runs with ALGO ppo, mpc or dyna in their run_settings)",
			opt.Runs, strings.Join(set.Variants(), ", "))
	}
	envID, ok, err := analysis.Setting(set.Runs, "ENV")
	switch {
	case err != nil:
		return nil, nil, fmt.Errorf("the runs' environments: %w", err)
	case !ok:
		return nil, nil, fmt.Errorf("no run in %s records its ENV in run_settings: rerun them with bin/run", opt.Runs)
	}
	if math.IsNaN(opt.Threshold) {
		t, ok := DefaultThreshold(envID)
		if !ok {
			return nil, nil, fmt.Errorf("no default return threshold for %s (the runs' ENV): give --threshold", envID)
		}
		opt.Threshold = t
	}
	r := markdown.NewReport("Level 3 on "+envID+": ensembles, uncertainty-gated imagination and CEM MPC", opt.Out)
	r.Intro = []string{fmt.Sprintf("From the metrics files in `%s` (variants: %s). "+
		"Returns are mean evaluation returns on %s; \"IQM\" is the interquartile mean over runs, and intervals are %s "+
		"Each figure's bands are 95%% bootstrap intervals over runs.",
		opt.Runs, "`"+strings.Join(set.Variants(), "`, `")+"`", envID, strings.TrimPrefix(opt.Boot.Describe(), "Intervals: "))}
	if opt.M > 0 && !slices.ContainsFunc(cat.Dyna, func(d dyna) bool { return d.M == opt.M }) {
		return nil, nil, fmt.Errorf("--m %d: no Dyna-PPO runs with that ensemble size in %s", opt.M, opt.Runs)
	}
	a := &Answers{Env: envID, Threshold: opt.Threshold}
	m := cat.gateM(opt.M)
	steps := []func() error{
		func() error { return ensembleSection(r, set, cat, a, opt) },
		func() error { return gatingSection(r, set, cat, m, a, opt) },
		func() error { return stressSection(r, set, cat, m, a, opt) },
		func() error { return mpcSection(r, set, cat, m, a, opt) },
		func() error { return ablationSection(r, set, cat, m, a, opt) },
		func() error { return setup(r, set, opt) },
	}
	for _, f := range steps {
		if err := f(); err != nil {
			return nil, nil, err
		}
	}
	return r, a, nil
}

// modelPresets returns the runs' model presets (MODEL_PRESET, "unknown"
// when unset), sorted: they say what var_delta is measured on.
func modelPresets(runs []*analysis.Run) ([]string, error) {
	var presets []string
	for _, r := range runs {
		s, err := analysis.Settings(r)
		if err != nil {
			return nil, err
		}
		if p := cmp.Or(s["MODEL_PRESET"], "unknown"); !slices.Contains(presets, p) {
			presets = append(presets, p)
		}
	}
	slices.Sort(presets)
	return presets, nil
}

// scaleText says what var_delta is measured on, from the runs' model
// presets.
func scaleText(presets []string) string {
	const def = "Variances (var_delta, imagined_var_delta, model_var_mean) are the variance across members of the predicted state change s' − s, averaged over the state's dimensions, "
	switch {
	case slices.Equal(presets, []string{"tuned"}):
		return def + "on the model's **standardised targets**: each dimension divided by its standard deviation in the replay buffer when the model was first fitted (model preset `tuned`). " +
			"A variance of 0.1 is thus a disagreement of about √0.1 ≈ 0.3 of a typical state change, in every dimension alike."
	case slices.Equal(presets, []string{"course"}):
		return def + "in **raw units** of the state change (model preset `course`, which does not normalise): a gate's τ then weighs CartPole's dimensions by their scale."
	}
	return def + "on the model's training targets (standardised for model preset `tuned`, raw for `course`; these runs use " + strings.Join(presets, ", ") + ")."
}

// verdict words a difference's interval: above, below or containing 0.
func verdict(d stats.Interval, above, below, neither string) string {
	switch {
	case d.Lo > 0:
		return above
	case d.Hi < 0:
		return below
	}
	return neither
}

// ivText is "x (95% CI [lo, hi])".
func ivText(iv stats.Interval, b estimate.Bootstrap) string {
	return fmt.Sprintf("%s (%s CI %s)", markdown.Num(iv.Point), b.Level(), markdown.CI(iv))
}

// missing adds a section saying which target makes its runs.
func missing(r *markdown.Report, title, what, target string) {
	r.Section(title).Text("Not computed: %s. `make %s OUT=DIR` makes them.", what, target)
}
