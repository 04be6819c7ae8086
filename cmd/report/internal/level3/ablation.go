package level3

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/dynago/dynago/lib/analysis"
	"github.com/dynago/dynago/lib/estimate"
	"github.com/dynago/dynago/lib/format"
	"github.com/dynago/dynago/lib/format/metric"
	"github.com/dynago/dynago/lib/markdown"
	"github.com/dynago/dynago/lib/stats"
)

// roleFree are the settings in which the plain Dyna-PPO variants of the
// ensemble and gating experiments differ from one another (besides the
// seed): a Dyna-PPO variant differing from them in anything else is an
// ablation arm.
var roleFree = []string{"SEED", "VARIANT", "ENSEMBLE", "GATE_VARIANCE", "EVAL_MODEL"}

// splitAblation moves the Dyna-PPO ablation arms from c.Dyna to
// c.Ablation. The stress variants stay (they are their own experiment).
// Of the other variants, those whose settings, without roleFree, are the
// reference ones are plain; the rest are ablation arms. The reference is
// the settings most variants share among those with EVAL_MODEL=1 (the
// ensemble experiment's runs, which level3.mk evaluates; all variants if
// none has it). When no settings are shared by more variants than any
// other, no variant is an ablation arm.
func splitAblation(set *analysis.Set, c *catalogue) error {
	sig := map[string]string{}
	count := map[string]int{}
	var withEval []string
	for _, d := range c.Dyna {
		if d.Stress {
			continue
		}
		s, err := analysis.Settings(set.Of(d.Name)[0])
		if err != nil {
			return err
		}
		sig[d.Name] = signature(s, roleFree)
		if s["EVAL_MODEL"] == "1" {
			withEval = append(withEval, d.Name)
		}
	}
	for _, d := range c.Dyna {
		if _, ok := sig[d.Name]; ok && (len(withEval) == 0 || slices.Contains(withEval, d.Name)) {
			count[sig[d.Name]]++
		}
	}
	keys := make([]string, 0, len(count))
	for k := range count {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	ref, best, tie := "", 0, false
	for _, k := range keys {
		switch n := count[k]; {
		case n > best:
			ref, best, tie = k, n, false
		case n == best:
			tie = true
		}
	}
	if ref == "" || tie {
		return nil
	}
	var plain []dyna
	for _, d := range c.Dyna {
		if s, ok := sig[d.Name]; ok && s != ref {
			c.Ablation = append(c.Ablation, d)
		} else {
			plain = append(plain, d)
		}
	}
	c.Dyna = plain
	slices.SortFunc(c.Ablation, func(a, b dyna) int { return cmp.Compare(a.Name, b.Name) })
	return nil
}

// signature is the settings without the keys in skip, as one string.
func signature(s map[string]string, skip []string) string {
	keys := make([]string, 0, len(s))
	for k := range s {
		if !slices.Contains(skip, k) {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	var b strings.Builder
	for _, k := range keys {
		fmt.Fprintf(&b, "%s=%q;", k, s[k])
	}
	return b.String()
}

// AblationAnswers are section 5's numbers: every arm's IQM evaluation
// return at each budget, and the headline comparisons at Budgets[0] (the
// MPC budget) and, for Dyna-PPO, at every budget both sides ran.
type AblationAnswers struct {
	Budgets []float64
	Arms    []Arm
	// Learned, All and Dyna are the MPC arm without MPC's priors, the MPC
	// preset arm and Dyna-PPO as now ("" when missing). PriorShare is the
	// share of MPC's IQM lead over Dyna-PPO at Budgets[0] that the priors
	// carry: (All − Learned) / (All − Dyna), NaN when an arm is missing.
	Learned, All, Dyna   string
	PriorShare           float64
	PriorGain, Lead      stats.Interval // IQM All − Learned; All − Dyna
	LearnedLead          stats.Interval // IQM Learned − Dyna
	AllVsLearned         stats.Interval // P(All > Learned)
	LearnedVsDyna        stats.Interval // P(Learned > Dyna)
	DynaGain             map[string][]stats.Interval
	Action               string         // the MPC arm differing from All only in CEM_ACTION
	ActionVsPreset       stats.Interval // P(Action > All) at Budgets[0]
	BetterAction         string         // CEM_ACTION value that measured better; "" when neither
	ActionValue, Default string         // CEM_ACTION of Action and of All
}

// Arm is one variant of the equal-terms comparison.
type Arm struct {
	Variant string
	Method  string // "PPO", "Dyna-PPO" or "MPC"
	Label   string // what the arm adds
	Changes string // settings that differ from its method's reference arm
	rank    int
	Runs    int
	At      []stats.Interval // IQM eval_return per budget; NaN: not run
	N       []int            // runs with an evaluation at each budget
	Reached []float64        // fraction of them at or above the threshold by the budget
	Hits    []int            // how many of them that is
	values  [][]float64      // per budget, per run
}

// The priors of MPC's CartPole preset, and what an arm keeping one adds.
var priors = []struct{ key, label string }{
	{"MODEL_MIRROR", "mirror"},
	{"CEM_DENSITY_PENALTY", "density penalty"},
	{"MODEL_EXACT_CONST_REWARD", "exact constant reward"},
}

func priorOn(s map[string]string, key string) bool {
	v, err := strconv.ParseFloat(s[key], 64)
	return err == nil && v != 0
}

// budgetKeys are settings an arm changes only to run longer or evaluate
// more often: they do not change what it is.
var budgetKeys = []string{"STEPS", "EVAL_EVERY"}

// mpcModelKeys says whether a setting is one of MPC's model settings
// that pipelines/level3.mk's dyna-mpcmodel takes from the MPC preset
// (L3_MPC_MODEL): MODEL_* but the refit rhythm, ENSEMBLE, BUFFER_SIZE.
func mpcModelKey(k string) bool {
	switch k {
	case "MODEL_EVERY", "MODEL_EPOCHS", "MODEL_HOLDOUT", "MODEL_PATIENCE", "MODEL_WARM":
		return false
	case "ENSEMBLE", "BUFFER_SIZE":
		return true
	}
	return strings.HasPrefix(k, "MODEL_")
}

// diff lists the settings of s that differ from ref's, "K: a → b",
// without the keys in skip.
func diff(s, ref map[string]string, skip []string) (keys []string, text string) {
	for k := range s {
		keys = append(keys, k)
	}
	for k := range ref {
		if _, ok := s[k]; !ok {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	var out, parts []string
	for _, k := range keys {
		if slices.Contains(skip, k) || s[k] == ref[k] {
			continue
		}
		out = append(out, k)
		parts = append(parts, fmt.Sprintf("%s: %s → %s", k, cmp.Or(ref[k], "unset"), cmp.Or(s[k], "unset")))
	}
	return out, strings.Join(parts, ", ")
}

const ablationTitle = "5. Level 3.3 on equal terms: MPC's priors, the CEM action, and Dyna-PPO with the same priors"

// AblationResult is the computed equal-terms section: its answers and
// every comparison its prose states, before any prose.
type AblationResult struct {
	AblationAnswers
	Threshold    float64
	PresetName   string   // the MPC preset arm's ALGO-PRESET
	PresetPriors []string // the keys of the priors the preset uses
	HasAblation  bool     // there are ablation arms (Dyna-PPO or MPC) besides PPO, Dyna-PPO and MPC
	// HasLead says PriorGain, Lead, LearnedLead, AllVsLearned,
	// LearnedVsDyna and PriorShare were computed (All, Learned and Dyna
	// ran at Budgets[0]); LastVsDyna is P(Learned > Dyna) at the last
	// budget, when HasLast (a later budget both ran).
	HasLead, HasLast bool
	LastVsDyna       stats.Interval
	// HasAction says ActionVsPreset was computed; ActionLeads that the
	// Action arm's IQM at Budgets[0] is above the preset's.
	HasAction, ActionLeads bool
	// Pairs are, without ablation arms, P(X > Y) per budget for MPC,
	// Dyna-PPO and PPO where both ran.
	Pairs [][]Pair
}

// Pair is P(X > Y) between two methods at one budget.
type Pair struct {
	X, Y string // methods
	P    stats.Interval
}

// ablationSection computes and renders section 5, the equal-terms
// comparison; without MPC runs it is left out (section 4 says which runs
// are missing).
func ablationSection(r *markdown.Report, set *analysis.Set, cat catalogue, m int, a *Answers, opt Options) error {
	if cat.MPC == "" {
		return nil
	}
	res, err := computeAblation(set, cat, m, opt)
	if err != nil {
		return err
	}
	a.Ablation = &res.AblationAnswers
	return res.render(r, opt)
}

// computeAblation returns section 5's numbers: PPO, Dyna-PPO with m
// members and every MPC and ablation arm at each real-step budget
// (opt.Budgets, or ablationBudgets), and the comparisons between them.
func computeAblation(set *analysis.Set, cat catalogue, m int, opt Options) (*AblationResult, error) {
	settings := map[string]map[string]string{}
	for _, v := range set.Variants() {
		s, err := analysis.Settings(set.Of(v)[0])
		if err != nil {
			return nil, err
		}
		settings[v] = s
	}
	preset := settings[cat.MPC]
	res := &AblationResult{AblationAnswers: AblationAnswers{DynaGain: map[string][]stats.Interval{}, PriorShare: math.NaN(), All: cat.MPC},
		Threshold: opt.Threshold, PresetName: presetName(preset), HasAblation: len(cat.Ablation) > 0 || len(cat.MPCs) > 1}
	for _, p := range priors {
		if priorOn(preset, p.key) {
			res.PresetPriors = append(res.PresetPriors, p.key)
		}
	}
	arms := res.dynaArms(cat, m, settings)
	if cat.PPO != "" {
		arms = append(arms, &Arm{Variant: cat.PPO, Method: "PPO", Label: "PPO (no model)", rank: 0})
	}
	for _, v := range cat.MPCs {
		arms = append(arms, res.mpcArm(v, settings[v], preset, v == cat.MPC))
	}
	slices.SortStableFunc(arms, func(p, q *Arm) int {
		return cmp.Or(cmp.Compare(methodOrder(p.Method), methodOrder(q.Method)), cmp.Compare(p.rank, q.rank))
	})
	x := &res.AblationAnswers
	x.Budgets = opt.Budgets
	if len(x.Budgets) == 0 {
		var err error
		if x.Budgets, err = ablationBudgets(set, cat, x.Dyna); err != nil {
			return nil, err
		}
	}
	for _, arm := range arms {
		arm.measure(set.Of(arm.Variant), x.Budgets, opt)
		x.Arms = append(x.Arms, *arm)
	}
	res.compare(cat, opt)
	return res, nil
}

// presetName is the MPC preset arm's name, ALGO-PRESET.
func presetName(preset map[string]string) string {
	if preset["ALGO"] != "" && preset["PRESET"] != "" {
		return preset["ALGO"] + "-" + preset["PRESET"]
	}
	return "preset " + cmp.Or(preset["PRESET"], "?")
}

// dynaArms returns the Dyna-PPO arms: the plain m-member ensemble (the
// reference, res.Dyna) and the ablation arms, each labelled by what it
// changes against the reference.
func (res *AblationResult) dynaArms(cat catalogue, m int, settings map[string]map[string]string) []*Arm {
	ref, hasRef := cat.find(m, math.Inf(1), false)
	var arms []*Arm
	if hasRef {
		label := "Dyna-PPO"
		if res.HasAblation {
			label = "Dyna-PPO as now"
		}
		arms = append(arms, &Arm{Variant: ref.Name, Method: "Dyna-PPO", Label: label, Changes: "(reference)", rank: 10})
		res.Dyna = ref.Name
	}
	preset := settings[cat.MPC]
	for _, d := range cat.Ablation {
		s := settings[d.Name]
		keys, text := diff(s, settings[ref.Name], append([]string{"SEED", "VARIANT", "EVAL_MODEL"}, budgetKeys...))
		if !hasRef {
			keys, text = []string{"?"}, "(no plain Dyna-PPO runs to compare with)"
		}
		arm := &Arm{Variant: d.Name, Method: "Dyna-PPO", Changes: text, rank: 19, Label: "changes " + text}
		mpcModel := true
		for k, v := range preset {
			if mpcModelKey(k) && s[k] != v {
				mpcModel = false
			}
		}
		switch {
		case len(keys) == 1 && keys[0] == "MODEL_MIRROR" && priorOn(s, "MODEL_MIRROR"):
			arm.Label, arm.rank = "+ mirror", 11
		case mpcModel:
			arm.Label, arm.rank = "with MPC's model", 12
		}
		arms = append(arms, arm)
	}
	return arms
}

// mpcArm returns the MPC arm of variant v with settings s, labelled by the
// preset's priors it keeps and its CEM action; it records v as res.Learned
// (the first arm without priors) or res.Action (an arm changing only
// CEM_ACTION).
func (res *AblationResult) mpcArm(v string, s, preset map[string]string, isPreset bool) *Arm {
	keys, text := diff(s, preset, append([]string{"SEED", "VARIANT"}, budgetKeys...))
	arm := &Arm{Variant: v, Method: "MPC", Changes: text, rank: 39, Label: "changes " + text}
	if isPreset {
		arm.Changes = "(reference)"
	}
	var others []string
	for _, k := range keys {
		if k != "CEM_ACTION" && !slices.ContainsFunc(priors, func(p struct{ key, label string }) bool { return p.key == k }) {
			others = append(others, k)
		}
	}
	var kept []string
	for _, p := range priors {
		if slices.Contains(res.PresetPriors, p.key) && priorOn(s, p.key) {
			kept = append(kept, p.label)
		}
	}
	action := ""
	if slices.Contains(keys, "CEM_ACTION") {
		action = ", CEM action = " + cmp.Or(s["CEM_ACTION"], "unset")
	}
	if len(others) == 0 {
		arm.Label, arm.rank = mpcLabel(kept, len(res.PresetPriors), res.PresetName, action)
	}
	if len(others) == 0 && len(kept) == 0 && len(res.PresetPriors) > 0 && action == "" && res.Learned == "" {
		res.Learned = v
	}
	if len(others) == 0 && slices.Equal(keys, []string{"CEM_ACTION"}) {
		res.Action, res.ActionValue, res.Default = v, cmp.Or(s["CEM_ACTION"], "unset"), cmp.Or(preset["CEM_ACTION"], "unset")
	}
	return arm
}

// mpcLabel is the label and rank of an MPC arm that changes only priors
// (kept: the labels of the nPreset preset priors it keeps) and the CEM
// action (action: ", CEM action = X" or "").
func mpcLabel(kept []string, nPreset int, presetName, action string) (string, int) {
	switch {
	case nPreset == 0:
		return presetName + action, 30
	case len(kept) == nPreset:
		return "all (" + presetName + ")" + action, 30 + btoi(action != "")
	case len(kept) == 0:
		return "learned model only" + action, 20
	}
	rank := 20 + len(kept)*4
	for i, p := range priors {
		if slices.Contains(kept, p.label) {
			rank += i
			break
		}
	}
	return "+ " + strings.Join(kept, " + ") + action, rank
}

// arm returns the arm of variant v, nil when there is none.
func (x *AblationAnswers) arm(v string) *Arm {
	for i := range x.Arms {
		if x.Arms[i].Variant == v {
			return &x.Arms[i]
		}
	}
	return nil
}

// poi is P(p > q) at budget b, false when either arm has no run there.
func (x *AblationAnswers) poi(p, q *Arm, b int, boot estimate.Bootstrap) (stats.Interval, bool) {
	if len(p.values[b]) == 0 || len(q.values[b]) == 0 {
		return stats.Interval{}, false
	}
	return stats.ProbabilityOfImprovementInterval(boot.Rand(fmt.Sprintf("poi/%s/%s/%g", p.Variant, q.Variant, x.Budgets[b])),
		stats.Column(p.values[b]), stats.Column(q.values[b]), boot.Options()), true
}

// iqmDiff is IQM p − IQM q at budget b.
func (x *AblationAnswers) iqmDiff(p, q *Arm, b int, boot estimate.Bootstrap) stats.Interval {
	return stats.DifferenceInterval(boot.Rand(fmt.Sprintf("iqm-diff/%s/%s/%g", p.Variant, q.Variant, x.Budgets[b])),
		p.values[b], q.values[b], stats.IQMOf, boot.Options())
}

// compare computes the section's comparisons from the measured arms: how
// much of MPC's lead its priors carry, Dyna-PPO's gain from each of its
// ablation arms, the CEM action, and (without ablation arms) every pair
// of methods at every budget.
func (res *AblationResult) compare(cat catalogue, opt Options) {
	x := &res.AblationAnswers
	all, learned, dy := x.arm(x.All), x.arm(x.Learned), x.arm(x.Dyna)
	if learned != nil && dy != nil && all.N[0] > 0 && learned.N[0] > 0 && dy.N[0] > 0 {
		res.HasLead = true
		x.PriorGain, x.Lead, x.LearnedLead = x.iqmDiff(all, learned, 0, opt.Boot), x.iqmDiff(all, dy, 0, opt.Boot), x.iqmDiff(learned, dy, 0, opt.Boot)
		x.AllVsLearned, _ = x.poi(all, learned, 0, opt.Boot)
		x.LearnedVsDyna, _ = x.poi(learned, dy, 0, opt.Boot)
		x.PriorShare = x.PriorGain.Point / x.Lead.Point
		if last := len(x.Budgets) - 1; last > 0 && learned.N[last] > 0 && dy.N[last] > 0 {
			res.HasLast = true
			res.LastVsDyna, _ = x.poi(learned, dy, last, opt.Boot)
		}
	}
	for _, arm := range x.Arms {
		if arm.Method != "Dyna-PPO" || arm.Variant == x.Dyna || dy == nil {
			continue
		}
		for b := range x.Budgets {
			p, ok := x.poi(&arm, dy, b, opt.Boot)
			if !ok {
				p = stats.Interval{Point: math.NaN(), Lo: math.NaN(), Hi: math.NaN()}
			}
			x.DynaGain[arm.Variant] = append(x.DynaGain[arm.Variant], p)
		}
	}
	if act := x.arm(x.Action); act != nil && act.N[0] > 0 && all.N[0] > 0 {
		res.HasAction, res.ActionLeads = true, act.At[0].Point > all.At[0].Point
		x.ActionVsPreset, _ = x.poi(act, all, 0, opt.Boot)
		switch {
		case x.ActionVsPreset.Lo > 0.5:
			x.BetterAction = x.ActionValue
		case x.ActionVsPreset.Hi < 0.5:
			x.BetterAction = x.Default
		}
	}
	if !res.HasAblation {
		res.pairs(x.arm(cat.MPC), dy, x.arm(cat.PPO), opt)
	}
}

// pairs sets Pairs: P(MPC > Dyna-PPO), P(MPC > PPO) and P(Dyna-PPO > PPO)
// at each budget, those whose arms both ran.
func (res *AblationResult) pairs(mpc, dy, ppo *Arm, opt Options) {
	res.Pairs = make([][]Pair, len(res.Budgets))
	for b := range res.Budgets {
		for _, pair := range [][2]*Arm{{mpc, dy}, {mpc, ppo}, {dy, ppo}} {
			if pair[0] == nil || pair[1] == nil {
				continue
			}
			if p, ok := res.poi(pair[0], pair[1], b, opt.Boot); ok {
				res.Pairs[b] = append(res.Pairs[b], Pair{X: pair[0].Method, Y: pair[1].Method, P: p})
			}
		}
	}
}

func methodOrder(m string) int {
	return map[string]int{"PPO": 0, "Dyna-PPO": 1, "MPC": 2}[m]
}

// measure fills the arm's runs, IQM and reach fraction at each budget:
// runs with an evaluation at exactly the budget count.
func (arm *Arm) measure(runs []*analysis.Run, budgets []float64, opt Options) {
	arm.Runs = len(runs)
	arm.At = make([]stats.Interval, len(budgets))
	arm.N = make([]int, len(budgets))
	arm.Reached = make([]float64, len(budgets))
	arm.Hits = make([]int, len(budgets))
	arm.values = make([][]float64, len(budgets))
	for i, b := range budgets {
		for _, r := range runs {
			steps, vals := r.Series(metric.EvalReturn, format.NoIndex)
			j := slices.Index(steps, b)
			if j < 0 {
				continue
			}
			arm.values[i] = append(arm.values[i], vals[j])
			if s, ok := analysis.FirstAtOrAbove(r, metric.EvalReturn, opt.Threshold); ok && s <= b {
				arm.Hits[i]++
			}
		}
		arm.N[i] = len(arm.values[i])
		if arm.N[i] == 0 {
			nan := math.NaN()
			arm.At[i] = stats.Interval{Point: nan, Lo: nan, Hi: nan}
			arm.Reached[i] = nan
			continue
		}
		arm.At[i] = estimate.IQMInterval(opt.Boot, fmt.Sprintf("ablation/%s/%g", arm.Variant, b), arm.values[i])
		arm.Reached[i] = float64(arm.Hits[i]) / float64(arm.N[i])
	}
}

// ablationBudgets returns the comparison's real-step budgets: the MPC
// arms' smallest STEPS, then every tenfold of it below the largest STEPS
// of the Dyna-PPO arms (ref, "" for none, and the ablation arms) and PPO,
// then that. A variant without STEPS in its settings counts its runs'
// last evaluation.
func ablationBudgets(set *analysis.Set, cat catalogue, ref string) ([]float64, error) {
	steps := func(v string) (float64, error) {
		s, ok, err := analysis.Setting(set.Of(v), "STEPS")
		if err != nil {
			return 0, err
		}
		if ok {
			n, err := strconv.ParseFloat(s, 64)
			if err != nil || !(n > 0) {
				return 0, fmt.Errorf("variant %s: STEPS = %q is not a positive number", v, s)
			}
			return n, nil
		}
		last := 0.0
		for _, r := range set.Of(v) {
			st, _ := r.Series(metric.EvalReturn, format.NoIndex)
			last = max(last, st[len(st)-1])
		}
		return last, nil
	}
	short := math.Inf(1)
	for _, v := range cat.MPCs {
		n, err := steps(v)
		if err != nil {
			return nil, err
		}
		short = min(short, n)
	}
	long := 0.0
	var dynas []string
	for _, v := range []string{ref, cat.PPO} {
		if v != "" {
			dynas = append(dynas, v)
		}
	}
	for _, d := range cat.Ablation {
		dynas = append(dynas, d.Name)
	}
	for _, v := range dynas {
		n, err := steps(v)
		if err != nil {
			return nil, err
		}
		long = max(long, n)
	}
	out := []float64{short}
	for b := short * 10; b < long; b *= 10 {
		out = append(out, b)
	}
	if long > short {
		out = append(out, long)
	}
	return out, nil
}
