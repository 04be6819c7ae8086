package level3

import (
	"fmt"
	"maps"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/dynago/dynago/lib/analysis/analysistest"
	"github.com/dynago/dynago/lib/estimate"
	"github.com/dynago/dynago/lib/format"
	"github.com/dynago/dynago/lib/format/metric"
	"github.com/dynago/dynago/lib/stats"
)

// The settings of the synthetic MPC preset arm (mpc-tuned's priors) and
// of the plain Dyna-PPO ensemble runs analysistest.WriteLevel3 writes.
var (
	mpcPreset = map[string]string{"ALGO": "mpc", "PRESET": "tuned", "ENV": "CartPole-v1", "STEPS": "3000", "EVAL_EVERY": "500",
		"CEM_SAMPLES": "100", "CEM_HORIZON": "10", "CEM_ITERS": "3", "ENSEMBLE": "5", "MODEL_PRESET": "course", "MODEL_HIDDEN": "64",
		"MODEL_TERM_WEIGHT": "5", "MODEL_EPOCHS": "300", "MODEL_MIRROR": "1", "CEM_DENSITY_PENALTY": "0.5", "MODEL_EXACT_CONST_REWARD": "1", "CEM_ACTION": "mode"}
	dynaPlain = map[string]string{"ALGO": "dyna", "PRESET": "course", "ENV": "CartPole-v1", "STEPS": "15000", "EVAL_EVERY": "1000",
		"MODEL_PRESET": "tuned", "ENSEMBLE": "5", "HORIZON": "5", "GATE_VARIANCE": "inf"}
)

// arm is a synthetic arm: its settings over base, its evaluation steps and
// return curve.
type arm struct {
	variant     string
	base        map[string]string
	set         map[string]string
	steps, each int64
	ret         func(s float64, seed int64) float64
}

// flat is a return of v + 10·seed after step 0 (20 at step 0), long after
// step `from`: v then, long from `from` on.
func flat(v, long, from float64) func(float64, int64) float64 {
	return func(s float64, seed int64) float64 {
		switch {
		case s == 0:
			return 20
		case s >= from:
			return long
		}
		return v + 10*float64(seed)
	}
}

// mpcCurve is analysistest's MPC curve: 500 from 1,500 real steps.
func mpcCurve(s float64, _ int64) float64 {
	if s == 0 {
		return 20
	}
	return math.Min(500, 500*s/1500)
}

// presetMPC rewrites WriteLevel3's mpc runs with the preset's priors in
// their settings (same rows).
var presetMPC = arm{"mpc", mpcPreset, nil, 3000, 500, mpcCurve}

// ablationArms are Level 3.3's arms with known answers at 3,000 and
// 15,000 real steps (seeds 0..4): MPC learned-only 300..340 at 3,000 and
// 490 from 6,000; one prior each 400.., 350.., 320..; CEM action best
// 450..490 (below the mode's 500); Dyna-PPO with the mirror 4,000 steps
// ahead of dyna-m5 (level at 15,000, where both reach 500), with MPC's
// model flat at 100.. (behind at both).
var ablationArms = []arm{
	{"mpc-learned", mpcPreset, map[string]string{"MODEL_MIRROR": "0", "CEM_DENSITY_PENALTY": "0", "MODEL_EXACT_CONST_REWARD": "0", "STEPS": "15000", "EVAL_EVERY": "3000"},
		15000, 3000, flat(300, 490, 6000)},
	{"mpc-mirror", mpcPreset, map[string]string{"CEM_DENSITY_PENALTY": "0", "MODEL_EXACT_CONST_REWARD": "0"}, 3000, 500, flat(400, 0, math.Inf(1))},
	{"mpc-density", mpcPreset, map[string]string{"MODEL_MIRROR": "0", "MODEL_EXACT_CONST_REWARD": "0"}, 3000, 500, flat(350, 0, math.Inf(1))},
	{"mpc-exact", mpcPreset, map[string]string{"MODEL_MIRROR": "0", "CEM_DENSITY_PENALTY": "0"}, 3000, 500, flat(320, 0, math.Inf(1))},
	{"mpc-best", mpcPreset, map[string]string{"CEM_ACTION": "best"}, 3000, 500, flat(450, 0, math.Inf(1))},
	{"dyna-m5-mirror", dynaPlain, map[string]string{"MODEL_MIRROR": "1"}, 15000, 1000, analysistest.Ramp(analysistest.DynaShift+4000, 0, 0)},
	{"dyna-mpcmodel", dynaPlain, map[string]string{"MODEL_PRESET": "course", "MODEL_HIDDEN": "64", "MODEL_TERM_WEIGHT": "5", "MODEL_MIRROR": "1",
		"MODEL_EXACT_CONST_REWARD": "1", "TERMINATION": "model"}, 15000, 1000, flat(100, 100, math.Inf(1))},
}

func writeArms(t *testing.T, dir string, seeds int, arms []arm) {
	t.Helper()
	for _, a := range arms {
		s := maps.Clone(a.base)
		maps.Copy(s, a.set)
		for seed := range int64(seeds) {
			name := fmt.Sprintf("%s-s%d", a.variant, seed)
			rows := &analysistest.Rows{Run: name, Variant: a.variant, Seed: seed}
			for st := int64(0); st <= a.steps; st += a.each {
				rows.Add(st, metric.EvalReturn, format.NoIndex, a.ret(float64(st), seed))
			}
			if s["ALGO"] == "dyna" {
				for st := int64(250); st <= a.steps; st += 250 {
					rows.Add(st, "imagined_steps", format.NoIndex, 100)
					rows.Add(st, "imagined_rollouts", format.NoIndex, 10)
					rows.Add(st, "imagined_kept_fraction", format.NoIndex, 1)
					rows.Add(st, "imagined_var_delta", format.NoIndex, 0.05)
				}
			}
			s["SEED"] = fmt.Sprint(seed)
			if err := analysistest.WriteRows(filepath.Join(dir, name), rows, s); err != nil {
				t.Fatal(err)
			}
		}
	}
}

func buildDir(t *testing.T, dir string, opt Options) (*Answers, string) {
	t.Helper()
	opt.Runs, opt.Out, opt.Boot, opt.Command = dir, filepath.Join(dir, "report.md"), estimate.Bootstrap{Seed: 1, Reps: 300}, "report level3"
	if opt.Threshold == 0 {
		opt.Threshold = math.NaN()
	}
	r, a, err := Build(opt)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Write(); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(opt.Out)
	if err != nil {
		t.Fatal(err)
	}
	return a, string(b)
}

// sections returns the report's sections 1 to 4 (title to the next "## 5.").
func sections(report string) string {
	i, j := strings.Index(report, "\n## 1."), strings.Index(report, "\n## 5.")
	if i < 0 || j < i {
		return ""
	}
	return report[i:j]
}

// TestAblationKeepsOtherSections: adding Level 3.3's ablation runs (Dyna-PPO
// arms with 5 members, ungated, like dyna-m5) changes no number or word
// of the ensemble, gating, stress and MPC sections.
func TestAblationKeepsOtherSections(t *testing.T) {
	if testing.Short() {
		t.Skip("draws figures")
	}
	base, with := t.TempDir(), t.TempDir()
	for _, dir := range []string{base, with} {
		if err := analysistest.WriteLevel3(dir, full); err != nil {
			t.Fatal(err)
		}
		writeArms(t, dir, full.Seeds, []arm{presetMPC})
	}
	writeArms(t, with, full.Seeds, ablationArms)
	a0, r0 := buildDir(t, base, Options{})
	a1, r1 := buildDir(t, with, Options{})
	if a0.Ensemble == nil || a0.Gating == nil || a0.Stress == nil || a0.MPC == nil {
		t.Fatal("the base report lacks a section")
	}
	for name, p := range map[string][2]any{"ensemble": {a0.Ensemble, a1.Ensemble}, "gating": {a0.Gating, a1.Gating},
		"stress": {a0.Stress, a1.Stress}, "mpc": {a0.MPC, a1.MPC}} {
		if !reflect.DeepEqual(p[0], p[1]) {
			t.Errorf("%s answers changed with the ablation runs:\n%+v\n%+v", name, p[0], p[1])
		}
	}
	if s0, s1 := sections(r0), sections(r1); s0 == "" || s0 != s1 {
		t.Errorf("sections 1-4 changed with the ablation runs (or are missing):\n%s\n---\n%s", s0, s1)
	}
}

func TestAblation(t *testing.T) {
	if testing.Short() {
		t.Skip("draws figures")
	}
	dir := t.TempDir()
	// One gate: dyna-m5 and dyna-m5-gate0.1 share their settings but for
	// the gate, so they are the plain runs the arms differ from.
	l := analysistest.Level3{Seeds: 5, GateM: 5, Shift: map[float64]float64{0.1: 4000}, MPC: true}
	if err := analysistest.WriteLevel3(dir, l); err != nil {
		t.Fatal(err)
	}
	writeArms(t, dir, l.Seeds, append([]arm{presetMPC}, ablationArms...))
	a, report := buildDir(t, dir, Options{})
	x := a.Ablation
	if x == nil {
		t.Fatal("no ablation answers")
	}
	if a.Env != "CartPole-v1" || a.Threshold != 475 || !strings.HasPrefix(report, "# Level 3 on CartPole-v1:") {
		t.Errorf("env %s, threshold %g, title %q", a.Env, a.Threshold, report[:strings.Index(report, "\n")])
	}
	if !reflect.DeepEqual(x.Budgets, []float64{3000, 15000}) {
		t.Errorf("budgets %v, want 3000 15000", x.Budgets)
	}
	want := []struct{ variant, method, label string }{
		{"ppo", "PPO", "PPO (no model)"},
		{"dyna-m5", "Dyna-PPO", "Dyna-PPO as now"},
		{"dyna-m5-mirror", "Dyna-PPO", "+ mirror"},
		{"dyna-mpcmodel", "Dyna-PPO", "with MPC's model"},
		{"mpc-learned", "MPC", "learned model only"},
		{"mpc-mirror", "MPC", "+ mirror"},
		{"mpc-density", "MPC", "+ density penalty"},
		{"mpc-exact", "MPC", "+ exact constant reward"},
		{"mpc", "MPC", "all (mpc-tuned)"},
		{"mpc-best", "MPC", "all (mpc-tuned), CEM action = best"},
	}
	if len(x.Arms) != len(want) {
		t.Fatalf("%d arms, want %d: %+v", len(x.Arms), len(want), x.Arms)
	}
	seeds := []float64{0, 10, 20, 30, 40}
	plus := func(v float64) []float64 {
		out := make([]float64, len(seeds))
		for i, s := range seeds {
			out[i] = v + s
		}
		return out
	}
	iqm3k := map[string]float64{"mpc": 500, "mpc-learned": stats.IQMOf(plus(300)), "mpc-mirror": stats.IQMOf(plus(400)),
		"mpc-best": stats.IQMOf(plus(450)), "dyna-mpcmodel": stats.IQMOf(plus(100))}
	for i, w := range want {
		arm := x.Arms[i]
		if arm.Variant != w.variant || arm.Method != w.method || arm.Label != w.label {
			t.Errorf("arm %d: %s %s %q, want %s %s %q", i, arm.Variant, arm.Method, arm.Label, w.variant, w.method, w.label)
		}
		if v, ok := iqm3k[arm.Variant]; ok && math.Abs(arm.At[0].Point-v) > 1e-9 {
			t.Errorf("%s: IQM at 3000 %g, want %g", arm.Variant, arm.At[0].Point, v)
		}
		long := arm.Method != "MPC" || arm.Variant == "mpc-learned"
		if long != (arm.N[1] == 5) || !long && !math.IsNaN(arm.At[1].Point) {
			t.Errorf("%s: %d runs at 15000 (IQM %g); want 5 only for the long arms", arm.Variant, arm.N[1], arm.At[1].Point)
		}
	}
	learned, best := x.Arms[4], x.Arms[9]
	if learned.At[1].Point != 490 || learned.Reached[1] != 1 || learned.Reached[0] != 0 {
		t.Errorf("mpc-learned at 15000: %g reached %g (at 3000 %g); want 490, 1 (0)", learned.At[1].Point, learned.Reached[1], learned.Reached[0])
	}
	if best.Reached[0] != 0.4 { // 480 and 490 of 450..490
		t.Errorf("mpc-best reached %g by 3000, want 0.4", best.Reached[0])
	}
	if !strings.Contains(learned.Changes, "MODEL_MIRROR: 1 → 0") || strings.Contains(learned.Changes, "STEPS") {
		t.Errorf("mpc-learned changes %q", learned.Changes)
	}
	// (a) Dyna-PPO's dyna-m5 is Ramp(2000) at 3000: 250 + seed − 2.
	dyna := x.Arms[1].At[0].Point
	if x.Learned != "mpc-learned" || x.All != "mpc" || x.Dyna != "dyna-m5" {
		t.Errorf("learned %q all %q dyna %q", x.Learned, x.All, x.Dyna)
	}
	if share := (500 - iqm3k["mpc-learned"]) / (500 - dyna); math.Abs(x.PriorShare-share) > 1e-9 {
		t.Errorf("prior share %g, want %g", x.PriorShare, share)
	}
	if x.AllVsLearned.Point != 1 || x.LearnedVsDyna.Point != 1 {
		t.Errorf("P(all > learned) %+v, P(learned > dyna) %+v; want 1, 1", x.AllVsLearned, x.LearnedVsDyna)
	}
	// (b) The mirror is ahead at 3000, level at 15000; MPC's model behind.
	if g := x.DynaGain["dyna-m5-mirror"]; len(g) != 2 || g[0].Point != 1 || g[1].Point != 0.5 {
		t.Errorf("dyna-m5-mirror gains %+v, want P 1 then 0.5", g)
	}
	if g := x.DynaGain["dyna-mpcmodel"]; len(g) != 2 || g[0].Point != 0 || g[1].Point != 0 {
		t.Errorf("dyna-mpcmodel gains %+v, want P 0 at both", g)
	}
	// (c) best is below the mode's 500 on every seed.
	if x.Action != "mpc-best" || x.BetterAction != "mode" || x.ActionVsPreset.Point != 0 {
		t.Errorf("action %s better %q P %+v; want mpc-best, mode, 0", x.Action, x.BetterAction, x.ActionVsPreset)
	}
	for _, s := range []string{"**reward shaping**", "PILCO/PETS cartpole cost", "not run", "fig/mpc-ablation.png",
		"How much of MPC's lead over Dyna-PPO at 3,000 real steps do the priors carry?", "Does Dyna-PPO gain from the same priors?",
		"**mode** measured better", "MPC is ahead without its priors too. At 15,000 real steps MPC with the learned model only has IQM 490"} {
		if !strings.Contains(report, s) {
			t.Errorf("report lacks %q", s)
		}
	}
}

// TestPendulum: the Level-3 report on Pendulum-v1's runs (PPO and Dyna-PPO
// at 100,000 real steps, MPC without priors at 2,000): the title and the
// threshold -200 come from ENV, budgets are 2,000, 20,000 and 100,000,
// and there is nothing to ablate.
func TestPendulum(t *testing.T) {
	if testing.Short() {
		t.Skip("draws figures")
	}
	dir := t.TempDir()
	writeArms(t, dir, 5, pendulumArms(true))
	a, report := buildDir(t, dir, Options{})
	if a.Env != "Pendulum-v1" || a.Threshold != -200 || !strings.HasPrefix(report, "# Level 3 on Pendulum-v1:") {
		t.Errorf("env %s, threshold %g", a.Env, a.Threshold)
	}
	x := a.Ablation
	if x == nil || a.MPC == nil {
		t.Fatal("no MPC or equal-budget answers")
	}
	if !reflect.DeepEqual(x.Budgets, []float64{2000, 20000, 100000}) {
		t.Errorf("budgets %v, want 2000 20000 100000", x.Budgets)
	}
	if len(x.Arms) != 3 || x.Arms[0].Variant != "ppo" || x.Arms[1].Variant != "dyna" || x.Arms[2].Variant != "mpc-pendulum" {
		t.Fatalf("arms %+v", x.Arms)
	}
	m := x.Arms[2]
	if m.Reached[0] != 1 || m.N[1] != 0 || m.N[2] != 0 || m.Label != "mpc-pendulum" {
		t.Errorf("MPC: reached %v, runs %v, label %q", m.Reached, m.N, m.Label)
	}
	if d := x.Arms[1]; math.Abs(d.At[2].Point-(-200-stats.IQMOf([]float64{0, 1, 2, 3, 4}))) > 1e-9 {
		t.Errorf("Dyna-PPO at 100000: %g", d.At[2].Point)
	}
	for _, s := range []string{"nothing to ablate", "How do PPO, Dyna-PPO and MPC compare at equal real-step budgets?",
		"100% of MPC runs (5 of 5) reach -200 within 2,000 real steps", "MPC not run"} {
		if !strings.Contains(report, s) {
			t.Errorf("report lacks %q", s)
		}
	}
	// A given threshold overrides the environment's.
	if _, a, err := Build(Options{Runs: dir, Out: filepath.Join(dir, "r.md"), Threshold: -160, Boot: estimate.Bootstrap{Seed: 1, Reps: 100}}); err != nil || a.Threshold != -160 {
		t.Errorf("given threshold: %v", err)
	} else if r := a.Ablation.Arms[2].Reached[0]; r != 0.4 { // -150 - 10·seed: seeds 0 and 1
		t.Errorf("MPC reached -160 on %g of runs, want 0.4", r)
	}

	// Before the Dyna-PPO runs exist, section 5 compares PPO and MPC.
	noDyna := t.TempDir()
	writeArms(t, noDyna, 5, pendulumArms(false))
	a, report = buildDir(t, noDyna, Options{})
	if a.Ablation == nil || len(a.Ablation.Arms) != 2 || !reflect.DeepEqual(a.Ablation.Budgets, []float64{2000, 20000, 100000}) {
		t.Errorf("without Dyna-PPO: %+v", a.Ablation)
	}
	if !strings.Contains(report, "ungated Dyna-PPO runs (dyna-m<M>)") {
		t.Error("section 4 does not say which runs are missing")
	}
}

// TestOneRunPerSeed: the same run under two directory names (one variant,
// one seed twice) is an error naming both.
func TestOneRunPerSeed(t *testing.T) {
	dir := t.TempDir()
	writeArms(t, dir, 2, []arm{presetMPC})
	rows := &analysistest.Rows{Run: "mpc-again-s1", Variant: "mpc", Seed: 1}
	rows.Add(0, metric.EvalReturn, format.NoIndex, 20)
	if err := analysistest.WriteRows(filepath.Join(dir, "mpc-again-s1"), rows, mpcPreset); err != nil {
		t.Fatal(err)
	}
	_, _, err := Build(Options{Runs: dir, Out: filepath.Join(dir, "r.md"), Threshold: math.NaN(), Boot: estimate.Bootstrap{Seed: 1, Reps: 100}})
	if err == nil || !strings.Contains(err.Error(), "variant mpc has two runs of seed 1") || !strings.Contains(err.Error(), "mpc-again-s1/metrics.arrow") {
		t.Errorf("error %v, want one naming both runs of seed 1", err)
	}
}
