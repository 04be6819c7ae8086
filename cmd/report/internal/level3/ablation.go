package level3

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/dynago/dynago/lib/analysis"
	"github.com/dynago/dynago/lib/figure"
	"github.com/dynago/dynago/lib/format"
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

// ablationSection writes the equal-terms comparison: PPO, Dyna-PPO and
// every MPC and ablation arm at each real-step budget.
func ablationSection(r *markdown.Report, set *analysis.Set, cat catalogue, m int, a *Answers, opt Options) error {
	if cat.MPC == "" {
		return nil // section 4 says which runs are missing
	}
	ref, hasRef := cat.find(m, math.Inf(1), false)
	settings := map[string]map[string]string{}
	for _, v := range set.Variants() {
		s, err := analysis.Settings(set.Of(v)[0])
		if err != nil {
			return err
		}
		settings[v] = s
	}
	preset := settings[cat.MPC]
	var presetPriors []string
	for _, p := range priors {
		if priorOn(preset, p.key) {
			presetPriors = append(presetPriors, p.key)
		}
	}
	hasAblation := len(cat.Ablation) > 0 || len(cat.MPCs) > 1
	x := &AblationAnswers{DynaGain: map[string][]stats.Interval{}, PriorShare: math.NaN()}
	a.Ablation = x

	var arms []*Arm
	if cat.PPO != "" {
		arms = append(arms, &Arm{Variant: cat.PPO, Method: "PPO", Label: "PPO (no model)", rank: 0})
	}
	label := "Dyna-PPO"
	if hasAblation {
		label = "Dyna-PPO as now"
	}
	if hasRef {
		arms = append(arms, &Arm{Variant: ref.Name, Method: "Dyna-PPO", Label: label, Changes: "(reference)", rank: 10})
		x.Dyna = ref.Name
	}
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
	presetName := "preset " + cmp.Or(preset["PRESET"], "?")
	if preset["ALGO"] != "" && preset["PRESET"] != "" {
		presetName = preset["ALGO"] + "-" + preset["PRESET"]
	}
	for _, v := range cat.MPCs {
		s := settings[v]
		skip := append([]string{"SEED", "VARIANT"}, budgetKeys...)
		keys, text := diff(s, preset, skip)
		arm := &Arm{Variant: v, Method: "MPC", Changes: text, rank: 39, Label: "changes " + text}
		var others []string
		for _, k := range keys {
			if k != "CEM_ACTION" && !slices.ContainsFunc(priors, func(p struct{ key, label string }) bool { return p.key == k }) {
				others = append(others, k)
			}
		}
		var kept []string
		for _, p := range priors {
			if slices.Contains(presetPriors, p.key) && priorOn(s, p.key) {
				kept = append(kept, p.label)
			}
		}
		action := ""
		if slices.Contains(keys, "CEM_ACTION") {
			action = ", CEM action = " + cmp.Or(s["CEM_ACTION"], "unset")
		}
		if v == cat.MPC {
			arm.Changes = "(reference)"
		}
		switch {
		case len(others) > 0:
		case len(presetPriors) == 0:
			arm.Label, arm.rank = presetName+action, 30
		case len(kept) == len(presetPriors):
			arm.Label, arm.rank = "all ("+presetName+")"+action, 30
			if action != "" {
				arm.rank = 31
			}
		case len(kept) == 0:
			arm.Label, arm.rank = "learned model only"+action, 20
		default:
			arm.Label = "+ " + strings.Join(kept, " + ") + action
			arm.rank = 20 + len(kept)*4
			for i, p := range priors {
				if slices.Contains(kept, p.label) {
					arm.rank += i
					break
				}
			}
		}
		if len(others) == 0 && len(kept) == 0 && len(presetPriors) > 0 && action == "" && x.Learned == "" {
			x.Learned = v
		}
		if len(others) == 0 && slices.Equal(keys, []string{"CEM_ACTION"}) {
			x.Action, x.ActionValue, x.Default = v, cmp.Or(s["CEM_ACTION"], "unset"), cmp.Or(preset["CEM_ACTION"], "unset")
		}
		arms = append(arms, arm)
	}
	x.All = cat.MPC
	slices.SortStableFunc(arms, func(p, q *Arm) int {
		return cmp.Or(cmp.Compare(methodOrder(p.Method), methodOrder(q.Method)), cmp.Compare(p.rank, q.rank))
	})

	// Budgets: the MPC arms' smallest STEPS, the Dyna-PPO arms' largest,
	// and a budget every decade between.
	var err error
	x.Budgets = opt.Budgets
	if len(x.Budgets) == 0 {
		if x.Budgets, err = ablationBudgets(set, cat, x.Dyna); err != nil {
			return err
		}
	}
	for _, arm := range arms {
		if err := arm.measure(set.Of(arm.Variant), x.Budgets, opt); err != nil {
			return err
		}
		x.Arms = append(x.Arms, *arm)
	}
	byName := func(v string) *Arm {
		for _, arm := range arms {
			if arm.Variant == v {
				return arm
			}
		}
		return nil
	}
	poi := func(p, q *Arm, b int) (stats.Interval, bool) {
		if len(p.values[b]) == 0 || len(q.values[b]) == 0 {
			return stats.Interval{}, false
		}
		return stats.ProbabilityOfImprovementInterval(opt.Boot.Rand(fmt.Sprintf("poi/%s/%s/%g", p.Variant, q.Variant, x.Budgets[b])),
			analysis.Column(p.values[b]), analysis.Column(q.values[b]), opt.Boot.Options()), true
	}
	iqmDiff := func(p, q *Arm, b int) stats.Interval {
		return stats.DifferenceInterval(opt.Boot.Rand(fmt.Sprintf("iqm-diff/%s/%s/%g", p.Variant, q.Variant, x.Budgets[b])),
			p.values[b], q.values[b], stats.IQMOf, opt.Boot.Options())
	}

	sec := r.Section(ablationTitle)
	lvl := opt.Boot.Level()
	budgetList := make([]string, len(x.Budgets))
	for i, b := range x.Budgets {
		budgetList[i] = markdown.Steps(b)
	}
	if !hasAblation {
		sec.Title = "5. PPO, Dyna-PPO and MPC at equal real-step budgets"
	}
	sec.Text("Every arm's IQM evaluation return at %s real steps (the evaluation at exactly that step; \"not run\" where the arm's runs end before it), "+
		"and the fraction of runs with an evaluation at or above %s at any step up to the budget. Budgets: the MPC runs' real steps (their smallest STEPS), the largest of the Dyna-PPO and PPO runs', and every tenfold of the first below the last. "+
		"\"Changes\" are the settings an arm changes against its method's reference arm (from run_settings; budget settings STEPS and EVAL_EVERY left out).",
		strings.Join(budgetList, ", "), markdown.Num(opt.Threshold))
	if len(presetPriors) == 0 {
		sec.Text("MPC's preset (`%s`) uses none of the priors of the CartPole preset (mirror image of the data, density penalty, exact constant reward): "+
			"it plans on the learned model and the learned reward alone, so there is nothing to ablate.", presetName)
	} else {
		sec.Text("MPC's preset (`%s`) adds priors to the learned model: %s. "+
			"With the mirror, the data's mean state is the upright, centred, resting cart, so the density penalty β(1−exp(−½Σ(s_j/σ_j)²)) "+
			"(s_j a predicted state's distance from the data's mean in dimension j, σ_j the data's spread) is a saturating cost centred on the goal: "+
			"**reward shaping**, the PILCO/PETS cartpole cost, which the learned-reward objective (the worst member's predicted return) does not include. "+
			"The exact constant reward predicts a reward that is constant in the data as that constant, so regression noise cannot rank equally long survivals. "+
			"The rows below add these priors one at a time to the learned model, and give Dyna-PPO the mirror and MPC's whole model.",
			presetName, strings.Join(presetPriorLabels(presetPriors), ", "))
		if !hasAblation {
			sec.Text("No ablation arms in the runs: `make level3-mpc OUT=DIR` makes them.")
		}
	}

	t := &markdown.Table{Title: "IQM evaluation return (" + lvl + " CI) and fraction of runs at or above " + markdown.Num(opt.Threshold) + " by each budget",
		Columns: []string{"method", "arm", "variant", "runs"}}
	for _, b := range budgetList {
		t.Columns = append(t.Columns, "IQM at "+b, "reached by "+b)
	}
	t.Columns = append(t.Columns, "changes")
	for _, arm := range arms {
		row := []string{arm.Method, arm.Label, "`" + arm.Variant + "`", fmt.Sprint(arm.Runs)}
		for i := range x.Budgets {
			if arm.N[i] == 0 {
				row = append(row, "not run", "not run")
				continue
			}
			n := ""
			if arm.N[i] < arm.Runs {
				n = fmt.Sprintf(" (%d runs)", arm.N[i])
			}
			row = append(row, ivText(arm.At[i], opt.Boot)+n, fmt.Sprintf("%s (%d of %d)", markdown.Pct(arm.Reached[i]), int(math.Round(arm.Reached[i]*float64(arm.N[i]))), arm.N[i]))
		}
		row = append(row, arm.Changes)
		t.Add(row...)
	}
	sec.Table(t)

	// (a) How much of MPC's lead the priors carry.
	all, learned, dy := byName(x.All), byName(x.Learned), byName(x.Dyna)
	if learned != nil && dy != nil && all.N[0] > 0 && learned.N[0] > 0 && dy.N[0] > 0 {
		x.PriorGain, x.Lead, x.LearnedLead = iqmDiff(all, learned, 0), iqmDiff(all, dy, 0), iqmDiff(learned, dy, 0)
		x.AllVsLearned, _ = poi(all, learned, 0)
		x.LearnedVsDyna, _ = poi(learned, dy, 0)
		x.PriorShare = x.PriorGain.Point / x.Lead.Point
		share := "MPC has no lead to share out"
		if x.Lead.Point > 0 {
			share = fmt.Sprintf("the priors carry **%s** of MPC's lead (point estimates)", markdown.Pct(x.PriorShare))
		}
		tail := ""
		last := len(x.Budgets) - 1
		if last > 0 && learned.N[last] > 0 && dy.N[last] > 0 {
			p, _ := poi(learned, dy, last)
			tail = fmt.Sprintf(" At %s real steps MPC with the learned model only has IQM %s against Dyna-PPO's %s, P(learned only > Dyna-PPO) = %s (CI %s): %s",
				budgetList[last], ivText(learned.At[last], opt.Boot), ivText(dy.At[last], opt.Boot), markdown.Num(p.Point), markdown.CI(p),
				poiVerdict(p, "MPC stays ahead.", "Dyna-PPO is ahead.", "neither is clearly ahead."))
		}
		sec.Answer(fmt.Sprintf("How much of MPC's lead over Dyna-PPO at %s real steps do the priors carry?", budgetList[0]),
			fmt.Sprintf("IQM return at %s: MPC with all priors %s, with the learned model only %s, Dyna-PPO %s. "+
				"MPC's lead over Dyna-PPO is %s (%s CI %s), the learned model's alone %s (CI %s), so the priors add %s (CI %s): %s. "+
				"P(all priors > learned only) = %s (CI %s): %s P(learned only > Dyna-PPO) = %s (CI %s): %s%s",
				budgetList[0], ivText(all.At[0], opt.Boot), ivText(learned.At[0], opt.Boot), ivText(dy.At[0], opt.Boot),
				markdown.Num(x.Lead.Point), lvl, markdown.CI(x.Lead), markdown.Num(x.LearnedLead.Point), markdown.CI(x.LearnedLead),
				markdown.Num(x.PriorGain.Point), markdown.CI(x.PriorGain), share,
				markdown.Num(x.AllVsLearned.Point), markdown.CI(x.AllVsLearned), poiVerdict(x.AllVsLearned, "the priors help.", "the priors hurt.", "no clear difference."),
				markdown.Num(x.LearnedVsDyna.Point), markdown.CI(x.LearnedVsDyna), poiVerdict(x.LearnedVsDyna, "MPC is ahead without its priors too.", "without its priors MPC is behind Dyna-PPO.", "without its priors MPC is not clearly ahead."), tail))
	}
	// (b) Does Dyna-PPO gain from the same priors?
	var gains []string
	for _, arm := range arms {
		if arm.Method != "Dyna-PPO" || arm.Variant == x.Dyna || dy == nil {
			continue
		}
		var at []string
		for b := range x.Budgets {
			p, ok := poi(arm, dy, b)
			x.DynaGain[arm.Variant] = append(x.DynaGain[arm.Variant], p)
			if !ok {
				x.DynaGain[arm.Variant][b] = stats.Interval{Point: math.NaN(), Lo: math.NaN(), Hi: math.NaN()}
				continue
			}
			at = append(at, fmt.Sprintf("at %s IQM %s against %s, P(better) = %s (CI %s)", budgetList[b], markdown.Num(arm.At[b].Point), markdown.Num(dy.At[b].Point),
				markdown.Num(p.Point), markdown.CI(p)))
		}
		if len(at) > 0 {
			gains = append(gains, fmt.Sprintf("%s (`%s`): %s; %s", arm.Label, arm.Variant, strings.Join(at, "; "),
				poiVerdict(x.DynaGain[arm.Variant][len(x.DynaGain[arm.Variant])-1], "it gains.", "it loses.", "no clear gain.")))
		}
	}
	if len(gains) > 0 {
		sec.Answer("Does Dyna-PPO gain from the same priors?", "Against Dyna-PPO as now (the verdict at the last budget both ran): "+strings.Join(gains, " "))
	}
	// (c) The CEM action.
	if act := byName(x.Action); act != nil && act.N[0] > 0 && all.N[0] > 0 {
		x.ActionVsPreset, _ = poi(act, all, 0)
		x.BetterAction = ""
		switch {
		case x.ActionVsPreset.Lo > 0.5:
			x.BetterAction = x.ActionValue
		case x.ActionVsPreset.Hi < 0.5:
			x.BetterAction = x.Default
		}
		lead := x.Default
		if act.At[0].Point > all.At[0].Point {
			lead = x.ActionValue
		}
		verdict := fmt.Sprintf("**%s** measured better (the interval excludes 0.5)", x.BetterAction)
		if x.BetterAction == "" {
			verdict = fmt.Sprintf("**neither** measured better over %d seeds (the interval includes 0.5); the IQMs favour %s", act.N[0], lead)
		}
		sec.Answer(fmt.Sprintf("Which action should CEM take: the first action of the best sequence, or the refitted distribution's mode (the preset's CEM_ACTION = %s)?", x.Default),
			fmt.Sprintf("At %s real steps, CEM_ACTION = %s: IQM %s, %s of runs reach %s; CEM_ACTION = %s: IQM %s, %s reach it. P(%s > %s) = %s (%s CI %s): %s.",
				budgetList[0], x.ActionValue, ivText(act.At[0], opt.Boot), markdown.Pct(act.Reached[0]), markdown.Num(opt.Threshold),
				x.Default, ivText(all.At[0], opt.Boot), markdown.Pct(all.Reached[0]),
				x.ActionValue, x.Default, markdown.Num(x.ActionVsPreset.Point), lvl, markdown.CI(x.ActionVsPreset), verdict))
	}
	if !hasAblation {
		var parts []string
		mpcArm := byName(cat.MPC)
		for b := range x.Budgets {
			var row []string
			for _, arm := range arms {
				if arm.N[b] > 0 {
					row = append(row, fmt.Sprintf("%s %s", arm.Method, ivText(arm.At[b], opt.Boot)))
				} else {
					row = append(row, arm.Method+" not run")
				}
			}
			part := fmt.Sprintf("At %s real steps, IQM %s", budgetList[b], strings.Join(row, ", "))
			var ps []string
			for _, pair := range [][2]*Arm{{mpcArm, dy}, {mpcArm, byName(cat.PPO)}, {dy, byName(cat.PPO)}} {
				if pair[0] == nil || pair[1] == nil {
					continue
				}
				if p, ok := poi(pair[0], pair[1], b); ok {
					ps = append(ps, fmt.Sprintf("P(%s > %s) = %s (CI %s)", pair[0].Method, pair[1].Method, markdown.Num(p.Point), markdown.CI(p)))
				}
			}
			if len(ps) > 0 {
				part += "; " + strings.Join(ps, ", ")
			}
			parts = append(parts, part+".")
		}
		ans := strings.Join(parts, " ")
		if mpcArm.N[0] > 0 {
			ans += fmt.Sprintf(" %s of MPC runs (%d of %d) reach %s within %s real steps.", markdown.Pct(mpcArm.Reached[0]),
				int(math.Round(mpcArm.Reached[0]*float64(mpcArm.N[0]))), mpcArm.N[0], markdown.Num(opt.Threshold), budgetList[0])
		}
		sec.Answer("How do PPO, Dyna-PPO and MPC compare at equal real-step budgets?", ans)
	}

	labels := make([]string, len(arms))
	for i, arm := range arms {
		labels[i] = arm.Method + ": " + arm.Label
		if strings.HasPrefix(arm.Label, arm.Method) {
			labels[i] = arm.Label
		}
		if len(labels[i]) > 45 {
			labels[i] = arm.Method + ": " + arm.Variant
		}
	}
	groups := make([]figure.Panel, len(x.Budgets))
	for b := range x.Budgets {
		groups[b].Metric = "at " + budgetList[b] + " steps"
		for _, arm := range arms {
			groups[b].Estimates = append(groups[b].Estimates, arm.At[b])
		}
	}
	return sec.Figure("mpc-ablation", fmt.Sprintf("IQM evaluation return with its %s interval per arm at each real-step budget (no bar: the arm's runs end before the budget).", lvl),
		func(p string) error {
			return figure.IntervalGroups(p, labels, groups, figure.IntervalOptions{XLabel: "IQM evaluation return"})
		})
}

func methodOrder(m string) int {
	return map[string]int{"PPO": 0, "Dyna-PPO": 1, "MPC": 2}[m]
}

func presetPriorLabels(keys []string) []string {
	var out []string
	for _, p := range priors {
		if slices.Contains(keys, p.key) {
			out = append(out, fmt.Sprintf("%s (%s)", p.label, p.key))
		}
	}
	return out
}

// poiVerdict words P(X > Y)'s interval against 0.5.
func poiVerdict(p stats.Interval, above, below, neither string) string {
	return verdict(stats.Interval{Point: p.Point - 0.5, Lo: p.Lo - 0.5, Hi: p.Hi - 0.5}, above, below, neither)
}

// measure fills the arm's runs, IQM and reach fraction at each budget:
// runs with an evaluation at exactly the budget count.
func (arm *Arm) measure(runs []*analysis.Run, budgets []float64, opt Options) error {
	arm.Runs = len(runs)
	arm.At = make([]stats.Interval, len(budgets))
	arm.N = make([]int, len(budgets))
	arm.Reached = make([]float64, len(budgets))
	arm.values = make([][]float64, len(budgets))
	for i, b := range budgets {
		reached := 0
		for _, r := range runs {
			steps, vals := r.Series(analysis.EvalReturn, format.NoIndex)
			j := slices.Index(steps, b)
			if j < 0 {
				continue
			}
			arm.values[i] = append(arm.values[i], vals[j])
			if s, ok := analysis.FirstAtOrAbove(r, analysis.EvalReturn, opt.Threshold); ok && s <= b {
				reached++
			}
		}
		arm.N[i] = len(arm.values[i])
		if arm.N[i] == 0 {
			nan := math.NaN()
			arm.At[i] = stats.Interval{Point: nan, Lo: nan, Hi: nan}
			arm.Reached[i] = nan
			continue
		}
		arm.At[i] = analysis.IQMInterval(arm.values[i], opt.Boot, fmt.Sprintf("ablation/%s/%g", arm.Variant, b))
		arm.Reached[i] = float64(reached) / float64(arm.N[i])
	}
	return nil
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
			st, _ := r.Series(analysis.EvalReturn, format.NoIndex)
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
