package level3

import (
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/dynago/dynago/lib/analysis"
	"github.com/dynago/dynago/lib/analysis/analysistest"
	"github.com/dynago/dynago/lib/estimate"
	"github.com/dynago/dynago/lib/format"
)

func build(t *testing.T, l analysistest.Level3) (*Answers, string) {
	t.Helper()
	dir := t.TempDir()
	if err := analysistest.WriteLevel3(dir, l); err != nil {
		t.Fatal(err)
	}
	r, a, err := Build(Options{Runs: dir, Out: filepath.Join(dir, "report.md"), Boot: estimate.Bootstrap{Seed: 1, Reps: 300},
		Threshold: 475, Command: "report level3"})
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Write(); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(dir, "report.md"))
	if err != nil {
		t.Fatal(err)
	}
	return a, string(b)
}

// full is every experiment: ensembles of 3, 5 and 10 members whose
// variance-error correlation rises with M (0.3, 0.5, 0.7; per-seed offsets
// of -0.01..0.01), gates whose return curves are 2,000 steps behind,
// level with and 2,000 steps ahead of... the ungated run's (shift 0, 2000
// and 4000 against its 2000), a stress setting where the ungated runs
// collapse, and MPC.
var full = analysistest.Level3{
	Seeds: 5,
	Corr:  map[int]float64{3: 0.3, 5: 0.5, 10: 0.7}, TopRatio: map[int]float64{3: 2, 5: 4, 10: 8},
	GateM: 5, Shift: map[float64]float64{0.01: 0, 0.05: analysistest.DynaShift, 0.1: 4000},
	Stress: true, StressTau: 0.1,
	MPC: true,
}

func TestEnsemble(t *testing.T) {
	if testing.Short() {
		t.Skip("draws figures")
	}
	a, report := build(t, full)
	e := a.Ensemble
	if e == nil {
		t.Fatal("no ensemble answers")
	}
	want := []float64{0.3, 0.5, 0.7}
	ratio := []float64{2, 4, 8}
	// Seeds 0..4 add -0.01, 0, 0.01, -0.01, 0: mean -0.002.
	const tolCorr, tolRatio = 1e-9, 1e-9
	for i, m := range []int{3, 5, 10} {
		if e.M[i] != m {
			t.Fatalf("sizes %v, want 3 5 10", e.M)
		}
		if math.Abs(e.Spearman[i].Point-(want[i]-0.002)) > tolCorr || !(e.Spearman[i].Lo > 0) {
			t.Errorf("M=%d: Spearman %+v, want %g with interval above 0", m, e.Spearman[i], want[i]-0.002)
		}
		if math.Abs(e.TopRatio[i].Point-ratio[i]) > tolRatio*ratio[i] {
			t.Errorf("M=%d: top/bottom ratio %g, want %g", m, e.TopRatio[i].Point, ratio[i])
		}
	}
	if math.Abs(e.SpearmanDiff.Point-0.4) > tolCorr || !(e.SpearmanDiff.Lo > 0) {
		t.Errorf("Spearman M=10 minus M=3: %+v, want 0.4 with interval above 0", e.SpearmanDiff)
	}
	for _, s := range []string{"**Yes**: for every ensemble size", "larger ensembles flag error more reliably", "standardised targets",
		"fig/variance-error-scatter-m10.png", "fig/variance-error-binned.png", "fig/ensemble-imagined-variance.png", "fig/ensemble-heldout-variance.png"} {
		if !strings.Contains(report, s) {
			t.Errorf("report lacks %q", s)
		}
	}
}

func TestGatingAndStress(t *testing.T) {
	if testing.Short() {
		t.Skip("draws figures")
	}
	a, report := build(t, full)
	g := a.Gating
	if g == nil {
		t.Fatal("no gating answers")
	}
	if g.M != 5 || g.Ungated != "dyna-m5" || g.PPO != "ppo" || len(g.Tau) != 3 {
		t.Fatalf("gating M %d, ungated %s, ppo %s, taus %v", g.M, g.Ungated, g.PPO, g.Tau)
	}
	// τ = 0.01 is 2,000 steps behind the ungated curve, 0.05 level with it,
	// 0.1 2,000 steps ahead.
	if !(g.EffDiff[0].Hi < 0) || !(g.EffDiff[1].Lo <= 0 && g.EffDiff[1].Hi >= 0) || !(g.EffDiff[2].Lo > 0) {
		t.Errorf("efficiency differences %+v: want below 0, around 0, above 0", g.EffDiff)
	}
	if g.EffDiff[1].Point != 0 {
		t.Errorf("τ = 0.05 difference %g, want exactly 0 (same curves)", g.EffDiff[1].Point)
	}
	if g.Best != 2 || len(g.Helps) != 1 || g.Helps[0] != 0.1 || len(g.Hurts) != 1 || g.Hurts[0] != 0.01 {
		t.Errorf("best %d, helps %v, hurts %v; want 2, [0.1], [0.01]", g.Best, g.Helps, g.Hurts)
	}
	// Kept fraction min(1, 5τ).
	for i, k := range []float64{0.05, 0.25, 0.5} {
		if math.Abs(g.Kept[i].Point-k) > 1e-12 {
			t.Errorf("τ = %g: kept %g, want %g", g.Tau[i], g.Kept[i].Point, k)
		}
	}
	if !strings.Contains(report, "**It depends on τ**: gating helps at τ = 0.1") {
		t.Error("report lacks the gating verdict")
	}
	s := a.Stress
	if s == nil {
		t.Fatal("no stress answers")
	}
	if s.Stress != "HORIZON = 20 (unstressed: 5)" {
		t.Errorf("stress %q, want the horizon change", s.Stress)
	}
	if len(s.Variants) != 3 || !s.Diverges[0] || !s.Diverges[1] || s.Diverges[2] {
		t.Errorf("variants %v diverge %v; want single and ungated to, gated not", s.Variants, s.Diverges)
	}
	if len(s.Stabilises) != 1 || !s.Stabilises[0] || s.Collapsed[1] != 1 || s.Collapsed[2] != 0 {
		t.Errorf("stabilises %v, collapsed %v", s.Stabilises, s.Collapsed)
	}
	if !strings.Contains(report, "**stabilises**") || !strings.Contains(report, "fig/stress-sample-efficiency.png") {
		t.Error("report lacks the stress verdict or figure")
	}
}

func TestMPC(t *testing.T) {
	if testing.Short() {
		t.Skip("draws figures")
	}
	for _, rowsMetric := range []bool{false, true} {
		name := map[bool]string{false: "rows from settings", true: "rows from metric"}[rowsMetric]
		t.Run(name, func(t *testing.T) {
			l := full
			l.RowsMetric = rowsMetric
			a, report := build(t, l)
			x := a.MPC
			if x == nil {
				t.Fatal("no MPC answers")
			}
			if x.Budget != 3000 || x.Dyna != "dyna-m5" {
				t.Errorf("budget %g, dyna %s; want 3000, dyna-m5", x.Budget, x.Dyna)
			}
			// MPC reaches 500 by 1,500 steps; Dyna-PPO is at 500·5000/10000 + (seed mod 5) − 2 at 3,000.
			if x.MPCAt.Point != 500 || math.Abs(x.DynaAt.Point-250) > 2 || x.POI.Point != 1 {
				t.Errorf("returns at 3000: MPC %+v, Dyna %+v, P %+v", x.MPCAt, x.DynaAt, x.POI)
			}
			for _, s := range x.PerSeed {
				if s.MPC != 1500 || s.Dyna != 8000 {
					t.Errorf("seed %d: steps to 475 MPC %g, Dyna %g; want 1500, 8000", s.Seed, s.MPC, s.Dyna)
				}
			}
			// Dyna: 100 simulated steps × 5 members every 250 real steps = 2
			// row per step; MPC: 100 × 10 × 3 × 5 = 15,000.
			if math.Abs(x.RowsDyna.Point-2) > 1e-12 || x.RowsMPC.Point != 15000 || math.Abs(x.RowsRatio-7500) > 1e-9 {
				t.Errorf("rows per step: Dyna %g, MPC %g, ratio %g", x.RowsDyna.Point, x.RowsMPC.Point, x.RowsRatio)
			}
			if rowsMetric != strings.Contains(x.RowsSource, "recorded") {
				t.Errorf("rows source %q", x.RowsSource)
			}
			if !strings.Contains(report, "MPC is ahead.") || !strings.Contains(report, "fig/mpc-sample-efficiency.png") {
				t.Error("report lacks the MPC verdict or figure")
			}
		})
	}
}

// TestPartial checks that each experiment's report can be written alone:
// missing sections name the target that makes their runs.
func TestPartial(t *testing.T) {
	if testing.Short() {
		t.Skip("draws figures")
	}
	cases := []struct {
		name    string
		l       analysistest.Level3
		missing []string
	}{
		{"ensemble only", analysistest.Level3{Seeds: 3, Corr: map[int]float64{3: 0.3, 5: 0.5}, TopRatio: map[int]float64{3: 2, 5: 2}},
			[]string{"make level3-gating", "make level3-mpc"}},
		{"mpc only", analysistest.Level3{Seeds: 3, GateM: 5, MPC: true},
			[]string{"make level3-ensemble", "make level3-gating"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, report := build(t, c.l)
			for _, m := range c.missing {
				if !strings.Contains(report, m) {
					t.Errorf("report lacks %q", m)
				}
			}
		})
	}
}

// TestClassify: roles, ensemble sizes and gates come from run_settings,
// whatever the variants are called.
func TestClassify(t *testing.T) {
	run := func(variant, settings string) *analysis.Run {
		return &analysis.Run{Variant: variant, Path: variant + "/metrics.arrow", Meta: format.Meta{format.RunSettingsKey: settings}}
	}
	cases := []struct {
		name string
		runs []*analysis.Run
		want catalogue
		err  string
	}{
		{"roles", []*analysis.Run{
			run("baseline", `{"ALGO":"ppo"}`),
			run("planner", `{"ALGO":"mpc","ENSEMBLE":"5"}`),
			run("five", `{"ALGO":"dyna","ENSEMBLE":"5","GATE_VARIANCE":"inf"}`),
			run("gated", `{"ALGO":"dyna","ENSEMBLE":"10","GATE_VARIANCE":"0.05"}`),
			run("gated-stress", `{"ALGO":"dyna","ENSEMBLE":"5","GATE_VARIANCE":"1e-3"}`),
			run("nogate", `{"ALGO":"dyna","ENSEMBLE":"3"}`),
		}, catalogue{PPO: "baseline", MPC: "planner", MPCs: []string{"planner"}, Dyna: []dyna{
			{Name: "nogate", M: 3, Tau: math.Inf(1)},
			{Name: "five", M: 5, Tau: math.Inf(1)},
			{Name: "gated", M: 10, Tau: 0.05},
			{Name: "gated-stress", M: 5, Tau: 1e-3, Stress: true},
		}}, ""},
		{"the name does not count", []*analysis.Run{run("dyna-m5-gate0.1", `{"ALGO":"dyna","ENSEMBLE":"3","GATE_VARIANCE":"inf"}`)},
			catalogue{Dyna: []dyna{{Name: "dyna-m5-gate0.1", M: 3, Tau: math.Inf(1)}}}, ""},
		{"mpc preferred among several", []*analysis.Run{run("mpc-mirror", `{"ALGO":"mpc"}`), run("mpc", `{"ALGO":"mpc"}`)},
			catalogue{MPC: "mpc", MPCs: []string{"mpc-mirror", "mpc"}}, ""},
		{"ablation arms: settings beyond the plain runs' ones", []*analysis.Run{
			run("dyna-m5", `{"ALGO":"dyna","ENSEMBLE":"5","GATE_VARIANCE":"inf","EVAL_MODEL":"1","VARIANT":"dyna-m5"}`),
			run("dyna-m5-mirror", `{"ALGO":"dyna","ENSEMBLE":"5","GATE_VARIANCE":"inf","EVAL_MODEL":"0","MODEL_MIRROR":"1","VARIANT":"dyna-m5-mirror"}`),
			run("dyna-mpcmodel", `{"ALGO":"dyna","ENSEMBLE":"3","GATE_VARIANCE":"inf","EVAL_MODEL":"0","TERMINATION":"model","VARIANT":"dyna-mpcmodel"}`),
			run("dyna-m5-stress", `{"ALGO":"dyna","ENSEMBLE":"5","GATE_VARIANCE":"inf","EVAL_MODEL":"0","HORIZON":"20","VARIANT":"dyna-m5-stress"}`),
		}, catalogue{Dyna: []dyna{{Name: "dyna-m5", M: 5, Tau: math.Inf(1)}, {Name: "dyna-m5-stress", M: 5, Tau: math.Inf(1), Stress: true}},
			Ablation: []dyna{{Name: "dyna-m5-mirror", M: 5, Tau: math.Inf(1)}, {Name: "dyna-mpcmodel", M: 3, Tau: math.Inf(1)}}}, ""},
		{"the most common settings are plain", []*analysis.Run{
			run("a", `{"ALGO":"dyna","ENSEMBLE":"5"}`), run("b", `{"ALGO":"dyna","ENSEMBLE":"5","GATE_VARIANCE":"0.1"}`),
			run("c", `{"ALGO":"dyna","ENSEMBLE":"5","MODEL_MIRROR":"1"}`),
		}, catalogue{Dyna: []dyna{{Name: "b", M: 5, Tau: 0.1}, {Name: "a", M: 5, Tau: math.Inf(1)}}, Ablation: []dyna{{Name: "c", M: 5, Tau: math.Inf(1)}}}, ""},
		{"a tie: every variant plain", []*analysis.Run{
			run("a", `{"ALGO":"dyna","ENSEMBLE":"5"}`), run("c", `{"ALGO":"dyna","ENSEMBLE":"5","MODEL_MIRROR":"1"}`),
		}, catalogue{Dyna: []dyna{{Name: "a", M: 5, Tau: math.Inf(1)}, {Name: "c", M: 5, Tau: math.Inf(1)}}}, ""},
		{"no settings", []*analysis.Run{{Variant: "dyna-m5", Path: "runs/dyna-m5-s0/metrics.arrow"}}, catalogue{}, "runs/dyna-m5-s0/metrics.arrow has no run_settings metadata"},
		{"no ensemble", []*analysis.Run{run("d", `{"ALGO":"dyna"}`)}, catalogue{}, "records no ENSEMBLE"},
		{"bad gate", []*analysis.Run{run("d", `{"ALGO":"dyna","ENSEMBLE":"5","GATE_VARIANCE":"-1"}`)}, catalogue{}, `GATE_VARIANCE = "-1"`},
		{"runs disagree", []*analysis.Run{run("d", `{"ALGO":"dyna","ENSEMBLE":"5"}`), run("d", `{"ALGO":"dyna","ENSEMBLE":"3"}`)}, catalogue{}, "ENSEMBLE = 5 and 3"},
		{"two ppo", []*analysis.Run{run("a", `{"ALGO":"ppo"}`), run("b", `{"ALGO":"ppo"}`)}, catalogue{}, "both PPO"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			set := &analysis.Set{Runs: c.runs}
			cat, err := classify(set)
			if c.err != "" {
				if err == nil || !strings.Contains(err.Error(), c.err) {
					t.Fatalf("error %v, want one with %q", err, c.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(cat, c.want) {
				t.Errorf("classified as %+v, want %+v", cat, c.want)
			}
		})
	}
}
