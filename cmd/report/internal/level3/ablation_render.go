package level3

import (
	"fmt"
	"slices"
	"strings"

	"github.com/dynago/dynago/lib/estimate"
	"github.com/dynago/dynago/lib/figure"
	"github.com/dynago/dynago/lib/markdown"
	"github.com/dynago/dynago/lib/stats"
)

// render writes section 5: the setting, the table of every arm at every
// budget, the answers and the figure.
func (res *AblationResult) render(r *markdown.Report, opt Options) error {
	sec := r.Section(ablationTitle)
	if !res.HasAblation {
		sec.Title = "5. PPO, Dyna-PPO and MPC at equal real-step budgets"
	}
	budgets := make([]string, len(res.Budgets))
	for i, b := range res.Budgets {
		budgets[i] = markdown.Steps(b)
	}
	res.intro(sec, budgets)
	sec.Table(res.table(budgets, opt.Boot))
	res.answerPriors(sec, budgets, opt.Boot)
	res.answerGains(sec, budgets)
	res.answerAction(sec, budgets, opt.Boot)
	res.answerEqual(sec, budgets, opt.Boot)
	return res.figure(sec, budgets, opt.Boot)
}

// intro says what the table shows and which priors MPC's preset adds.
func (res *AblationResult) intro(sec *markdown.Section, budgets []string) {
	sec.Text("Every arm's IQM evaluation return at %s real steps (the evaluation at exactly that step; \"not run\" where the arm's runs end before it), "+
		"and the fraction of runs with an evaluation at or above %s at any step up to the budget. Budgets: the MPC runs' real steps (their smallest STEPS), the largest of the Dyna-PPO and PPO runs', and every tenfold of the first below the last. "+
		"\"Changes\" are the settings an arm changes against its method's reference arm (from run_settings; budget settings STEPS and EVAL_EVERY left out).",
		strings.Join(budgets, ", "), markdown.Num(res.Threshold))
	if len(res.PresetPriors) == 0 {
		sec.Text("MPC's preset (`%s`) uses none of the priors of the CartPole preset (mirror image of the data, density penalty, exact constant reward): "+
			"it plans on the learned model and the learned reward alone, so there is nothing to ablate.", res.PresetName)
		return
	}
	sec.Text("MPC's preset (`%s`) adds priors to the learned model: %s. "+
		"With the mirror, the data's mean state is the upright, centred, resting cart, so the density penalty β(1−exp(−½Σ(s_j/σ_j)²)) "+
		"(s_j a predicted state's distance from the data's mean in dimension j, σ_j the data's spread) is a saturating cost centred on the goal: "+
		"**reward shaping**, the PILCO/PETS cartpole cost, which the learned-reward objective (the worst member's predicted return) does not include. "+
		"The exact constant reward predicts a reward that is constant in the data as that constant, so regression noise cannot rank equally long survivals. "+
		"The rows below add these priors one at a time to the learned model, and give Dyna-PPO the mirror and MPC's whole model.",
		res.PresetName, strings.Join(presetPriorLabels(res.PresetPriors), ", "))
	if !res.HasAblation {
		sec.Text("No ablation arms in the runs: `make level3-mpc OUT=DIR` makes them.")
	}
}

// table is every arm's IQM and reach fraction at every budget.
func (res *AblationResult) table(budgets []string, boot estimate.Bootstrap) *markdown.Table {
	t := &markdown.Table{Title: "IQM evaluation return (" + boot.Level() + " CI) and fraction of runs at or above " + markdown.Num(res.Threshold) + " by each budget",
		Columns: []string{"method", "arm", "variant", "runs"}}
	for _, b := range budgets {
		t.Columns = append(t.Columns, "IQM at "+b, "reached by "+b)
	}
	t.Columns = append(t.Columns, "changes")
	for _, arm := range res.Arms {
		row := []string{arm.Method, arm.Label, "`" + arm.Variant + "`", fmt.Sprint(arm.Runs)}
		for i := range res.Budgets {
			if arm.N[i] == 0 {
				row = append(row, "not run", "not run")
				continue
			}
			n := ""
			if arm.N[i] < arm.Runs {
				n = fmt.Sprintf(" (%d runs)", arm.N[i])
			}
			row = append(row, ivText(arm.At[i], boot)+n, fmt.Sprintf("%s (%d of %d)", markdown.Pct(arm.Reached[i]), arm.Hits[i], arm.N[i]))
		}
		row = append(row, arm.Changes)
		t.Add(row...)
	}
	return t
}

// answerPriors answers how much of MPC's lead over Dyna-PPO its priors
// carry.
func (res *AblationResult) answerPriors(sec *markdown.Section, budgets []string, boot estimate.Bootstrap) {
	if !res.HasLead {
		return
	}
	all, learned, dy := res.arm(res.All), res.arm(res.Learned), res.arm(res.Dyna)
	share := "MPC has no lead to share out"
	if res.Lead.Point > 0 {
		share = fmt.Sprintf("the priors carry **%s** of MPC's lead (point estimates)", markdown.Pct(res.PriorShare))
	}
	tail := ""
	if last := len(res.Budgets) - 1; res.HasLast {
		p := res.LastVsDyna
		tail = fmt.Sprintf(" At %s real steps MPC with the learned model only has IQM %s against Dyna-PPO's %s, P(learned only > Dyna-PPO) = %s (CI %s): %s",
			budgets[last], ivText(learned.At[last], boot), ivText(dy.At[last], boot), markdown.Num(p.Point), markdown.CI(p),
			poiVerdict(p, "MPC stays ahead.", "Dyna-PPO is ahead.", "neither is clearly ahead."))
	}
	sec.Answer(fmt.Sprintf("How much of MPC's lead over Dyna-PPO at %s real steps do the priors carry?", budgets[0]),
		fmt.Sprintf("IQM return at %s: MPC with all priors %s, with the learned model only %s, Dyna-PPO %s. "+
			"MPC's lead over Dyna-PPO is %s (%s CI %s), the learned model's alone %s (CI %s), so the priors add %s (CI %s): %s. "+
			"P(all priors > learned only) = %s (CI %s): %s P(learned only > Dyna-PPO) = %s (CI %s): %s%s",
			budgets[0], ivText(all.At[0], boot), ivText(learned.At[0], boot), ivText(dy.At[0], boot),
			markdown.Num(res.Lead.Point), boot.Level(), markdown.CI(res.Lead), markdown.Num(res.LearnedLead.Point), markdown.CI(res.LearnedLead),
			markdown.Num(res.PriorGain.Point), markdown.CI(res.PriorGain), share,
			markdown.Num(res.AllVsLearned.Point), markdown.CI(res.AllVsLearned), poiVerdict(res.AllVsLearned, "the priors help.", "the priors hurt.", "no clear difference."),
			markdown.Num(res.LearnedVsDyna.Point), markdown.CI(res.LearnedVsDyna),
			poiVerdict(res.LearnedVsDyna, "MPC is ahead without its priors too.", "without its priors MPC is behind Dyna-PPO.", "without its priors MPC is not clearly ahead."), tail))
}

// answerGains answers whether Dyna-PPO gains from MPC's priors, arm by
// arm.
func (res *AblationResult) answerGains(sec *markdown.Section, budgets []string) {
	dy := res.arm(res.Dyna)
	var gains []string
	for _, arm := range res.Arms {
		g, ok := res.DynaGain[arm.Variant]
		if !ok {
			continue
		}
		var at []string
		var last stats.Interval // at the last budget both ran
		for b, p := range g {
			if arm.N[b] == 0 || dy.N[b] == 0 {
				continue
			}
			last = p
			at = append(at, fmt.Sprintf("at %s IQM %s against %s, P(better) = %s (CI %s)", budgets[b], markdown.Num(arm.At[b].Point), markdown.Num(dy.At[b].Point),
				markdown.Num(p.Point), markdown.CI(p)))
		}
		if len(at) > 0 {
			gains = append(gains, fmt.Sprintf("%s (`%s`): %s; %s", arm.Label, arm.Variant, strings.Join(at, "; "),
				poiVerdict(last, "it gains.", "it loses.", "no clear gain.")))
		}
	}
	if len(gains) > 0 {
		sec.Answer("Does Dyna-PPO gain from the same priors?", "Against Dyna-PPO as now (the verdict at the last budget both ran): "+strings.Join(gains, " "))
	}
}

// answerAction answers which CEM action measured better.
func (res *AblationResult) answerAction(sec *markdown.Section, budgets []string, boot estimate.Bootstrap) {
	if !res.HasAction {
		return
	}
	act, all := res.arm(res.Action), res.arm(res.All)
	lead := res.Default
	if res.ActionLeads {
		lead = res.ActionValue
	}
	verdict := fmt.Sprintf("**%s** measured better (the interval excludes 0.5)", res.BetterAction)
	if res.BetterAction == "" {
		verdict = fmt.Sprintf("**neither** measured better over %d seeds (the interval includes 0.5); the IQMs favour %s", act.N[0], lead)
	}
	sec.Answer(fmt.Sprintf("Which action should CEM take: the first action of the best sequence, or the refitted distribution's mode (the preset's CEM_ACTION = %s)?", res.Default),
		fmt.Sprintf("At %s real steps, CEM_ACTION = %s: IQM %s, %s of runs reach %s; CEM_ACTION = %s: IQM %s, %s reach it. P(%s > %s) = %s (%s CI %s): %s.",
			budgets[0], res.ActionValue, ivText(act.At[0], boot), markdown.Pct(act.Reached[0]), markdown.Num(res.Threshold),
			res.Default, ivText(all.At[0], boot), markdown.Pct(all.Reached[0]),
			res.ActionValue, res.Default, markdown.Num(res.ActionVsPreset.Point), boot.Level(), markdown.CI(res.ActionVsPreset), verdict))
}

// answerEqual, without ablation arms, compares PPO, Dyna-PPO and MPC at
// every budget.
func (res *AblationResult) answerEqual(sec *markdown.Section, budgets []string, boot estimate.Bootstrap) {
	if res.HasAblation {
		return
	}
	var parts []string
	for b := range res.Budgets {
		var row []string
		for _, arm := range res.Arms {
			if arm.N[b] > 0 {
				row = append(row, fmt.Sprintf("%s %s", arm.Method, ivText(arm.At[b], boot)))
			} else {
				row = append(row, arm.Method+" not run")
			}
		}
		part := fmt.Sprintf("At %s real steps, IQM %s", budgets[b], strings.Join(row, ", "))
		var ps []string
		for _, p := range res.Pairs[b] {
			ps = append(ps, fmt.Sprintf("P(%s > %s) = %s (CI %s)", p.X, p.Y, markdown.Num(p.P.Point), markdown.CI(p.P)))
		}
		if len(ps) > 0 {
			part += "; " + strings.Join(ps, ", ")
		}
		parts = append(parts, part+".")
	}
	ans := strings.Join(parts, " ")
	if mpc := res.arm(res.All); mpc.N[0] > 0 {
		ans += fmt.Sprintf(" %s of MPC runs (%d of %d) reach %s within %s real steps.", markdown.Pct(mpc.Reached[0]),
			mpc.Hits[0], mpc.N[0], markdown.Num(res.Threshold), budgets[0])
	}
	sec.Answer("How do PPO, Dyna-PPO and MPC compare at equal real-step budgets?", ans)
}

// figure draws every arm's IQM interval at every budget.
func (res *AblationResult) figure(sec *markdown.Section, budgets []string, boot estimate.Bootstrap) error {
	labels := make([]string, len(res.Arms))
	for i, arm := range res.Arms {
		labels[i] = arm.Method + ": " + arm.Label
		if strings.HasPrefix(arm.Label, arm.Method) {
			labels[i] = arm.Label
		}
		if len(labels[i]) > 45 {
			labels[i] = arm.Method + ": " + arm.Variant
		}
	}
	groups := make([]figure.Panel, len(res.Budgets))
	for b := range res.Budgets {
		groups[b].Metric = "at " + budgets[b] + " steps"
		for _, arm := range res.Arms {
			groups[b].Estimates = append(groups[b].Estimates, arm.At[b])
		}
	}
	return sec.Figure("mpc-ablation", fmt.Sprintf("IQM evaluation return with its %s interval per arm at each real-step budget (no bar: the arm's runs end before the budget).", boot.Level()),
		func(p string) error {
			return figure.IntervalGroups(p, labels, groups, figure.IntervalOptions{XLabel: "IQM evaluation return"})
		})
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
