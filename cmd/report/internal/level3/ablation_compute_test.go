package level3

import (
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/dynago/dynago/lib/analysis"
	"github.com/dynago/dynago/lib/analysis/analysistest"
	"github.com/dynago/dynago/lib/estimate"
	"github.com/dynago/dynago/lib/markdown"
	"github.com/dynago/dynago/lib/stats"
)

// loadCatalogue loads the runs under dir and classifies them, as Build
// does.
func loadCatalogue(t *testing.T, dir string) (*analysis.Set, catalogue) {
	t.Helper()
	set, err := analysis.Load([]string{filepath.Join(dir, "*", "metrics.arrow")}, analysis.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	cat, err := classify(set)
	if err != nil {
		t.Fatal(err)
	}
	return set, cat
}

// expected returns an arm's returns at exactly budget b (one per seed that
// evaluates there) and how many of those seeds reach thr at or before b,
// from the arm's own curve: what Arm.measure should find in the files.
func (a arm) expected(seeds int, b, thr float64) (vals []float64, hits int) {
	if b > float64(a.steps) || math.Mod(b, float64(a.each)) != 0 {
		return nil, 0
	}
	for seed := range int64(seeds) {
		vals = append(vals, a.ret(b, seed))
		for s := 0.0; s <= b; s += float64(a.each) {
			if a.ret(s, seed) >= thr {
				hits++
				break
			}
		}
	}
	return vals, hits
}

// poiPoint is P(X > Y) counted over every pair of x and y, ties half.
func poiPoint(x, y []float64) float64 {
	var n float64
	for _, a := range x {
		for _, b := range y {
			switch {
			case a > b:
				n++
			case a == b:
				n += 0.5
			}
		}
	}
	return n / float64(len(x)*len(y))
}

// cartPolePPO and the plain Dyna-PPO runs of the ablation case: two plain
// variants (ungated and gated) so that the arms differing from them are
// ablation arms.
var (
	cartPolePPO = arm{"ppo", map[string]string{"ALGO": "ppo", "PRESET": "course", "ENV": "CartPole-v1", "STEPS": "15000", "EVAL_EVERY": "1000"}, nil,
		15000, 1000, analysistest.Ramp(0, 0, 0)}
	plainDyna = []arm{
		{"dyna-m5", dynaPlain, nil, 15000, 1000, analysistest.Ramp(analysistest.DynaShift, 0, 0)},
		{"dyna-m5-gate0.1", dynaPlain, map[string]string{"GATE_VARIANCE": "0.1"}, 15000, 1000, analysistest.Ramp(4000, 0, 0)},
	}
)

func TestComputeAblation(t *testing.T) {
	const seeds = 5
	pendulum, pendulumNoDyna := pendulumArms(true), pendulumArms(false)
	cases := []struct {
		name      string
		arms      []arm
		threshold float64
		budgets   []float64
		order     []string // the arms' variants in table order
		ablation  bool
		learned   string
		action    string
		better    string
	}{
		{"ablation arms", append(append([]arm{cartPolePPO, presetMPC}, plainDyna...), ablationArms...), 475, []float64{3000, 15000},
			[]string{"ppo", "dyna-m5", "dyna-m5-mirror", "dyna-mpcmodel", "mpc-learned", "mpc-mirror", "mpc-density", "mpc-exact", "mpc", "mpc-best"},
			true, "mpc-learned", "mpc-best", "mode"},
		{"ablation arms, threshold 300", append(append([]arm{cartPolePPO, presetMPC}, plainDyna...), ablationArms...), 300, []float64{3000, 15000},
			[]string{"ppo", "dyna-m5", "dyna-m5-mirror", "dyna-mpcmodel", "mpc-learned", "mpc-mirror", "mpc-density", "mpc-exact", "mpc", "mpc-best"},
			true, "mpc-learned", "mpc-best", "mode"},
		{"pendulum", pendulum, -200, []float64{2000, 20000, 100000}, []string{"ppo", "dyna", "mpc-pendulum"}, false, "", "", ""},
		{"pendulum, no Dyna-PPO", pendulumNoDyna, -200, []float64{2000, 20000, 100000}, []string{"ppo", "mpc-pendulum"}, false, "", "", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			writeArms(t, dir, seeds, c.arms)
			set, cat := loadCatalogue(t, dir)
			opt := Options{Boot: estimate.Bootstrap{Seed: 1, Reps: 200}, Threshold: c.threshold}
			res, err := computeAblation(set, cat, cat.gateM(0), opt)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(res.Budgets, c.budgets) {
				t.Errorf("budgets %v, want %v", res.Budgets, c.budgets)
			}
			var order []string
			for _, a := range res.Arms {
				order = append(order, a.Variant)
			}
			if !slices.Equal(order, c.order) {
				t.Fatalf("arms %v, want %v", order, c.order)
			}
			if res.HasAblation != c.ablation || res.Learned != c.learned || res.Action != c.action || res.BetterAction != c.better {
				t.Errorf("ablation %v learned %q action %q better %q; want %v %q %q %q",
					res.HasAblation, res.Learned, res.Action, res.BetterAction, c.ablation, c.learned, c.action, c.better)
			}
			// Here the ablation cases have every arm of the headline
			// comparisons at the first budget, and the others none.
			if res.HasLead != c.ablation || res.HasAction != c.ablation {
				t.Errorf("lead computed %v, action computed %v; want %v", res.HasLead, res.HasAction, c.ablation)
			}
			values := checkArms(t, res, c.arms, seeds)
			checkComparisons(t, res, values)
		})
	}
}

// checkArms compares every arm's counts, reach fractions and IQMs with
// those expected from its curve, and returns the expected values per
// variant and budget.
func checkArms(t *testing.T, res *AblationResult, arms []arm, seeds int) map[string][][]float64 {
	t.Helper()
	values := map[string][][]float64{}
	methods := map[string]int{"PPO": 0, "Dyna-PPO": 1, "MPC": 2}
	for i, got := range res.Arms {
		if i > 0 && methods[got.Method] < methods[res.Arms[i-1].Method] {
			t.Errorf("arm %s (%s) after %s (%s)", got.Variant, got.Method, res.Arms[i-1].Variant, res.Arms[i-1].Method)
		}
		spec := arms[slices.IndexFunc(arms, func(a arm) bool { return a.variant == got.Variant })]
		if got.Runs != seeds {
			t.Errorf("%s: %d runs, want %d", got.Variant, got.Runs, seeds)
		}
		for b, budget := range res.Budgets {
			vals, hits := spec.expected(seeds, budget, res.Threshold)
			values[got.Variant] = append(values[got.Variant], vals)
			if got.N[b] != len(vals) || got.Hits[b] != hits {
				t.Errorf("%s at %g: %d runs, %d reach %g; want %d, %d", got.Variant, budget, got.N[b], got.Hits[b], res.Threshold, len(vals), hits)
				continue
			}
			if len(vals) == 0 {
				if !math.IsNaN(got.At[b].Point) || !math.IsNaN(got.Reached[b]) {
					t.Errorf("%s at %g: not run, but IQM %g reached %g", got.Variant, budget, got.At[b].Point, got.Reached[b])
				}
				continue
			}
			iv := got.At[b]
			if want := stats.IQMOf(vals); math.Abs(iv.Point-want) > 1e-9*math.Abs(want) || !(iv.Lo <= iv.Point && iv.Point <= iv.Hi) {
				t.Errorf("%s at %g: IQM %+v, want %g inside its interval", got.Variant, budget, iv, want)
			}
			if want := float64(hits) / float64(len(vals)); got.Reached[b] != want {
				t.Errorf("%s at %g: reached %g, want %g", got.Variant, budget, got.Reached[b], want)
			}
		}
	}
	return values
}

// checkComparisons checks the comparisons' point estimates against the
// expected returns, and that each interval holds its point.
func checkComparisons(t *testing.T, res *AblationResult, values map[string][][]float64) {
	t.Helper()
	inside := func(what string, iv stats.Interval, want float64) {
		t.Helper()
		if math.Abs(iv.Point-want) > 1e-9*max(1, math.Abs(want)) || !(iv.Lo <= iv.Point && iv.Point <= iv.Hi) {
			t.Errorf("%s: %+v, want %g inside its interval", what, iv, want)
		}
	}
	iqm := func(v string, b int) float64 { return stats.IQMOf(values[v][b]) }
	if res.HasLead {
		inside("IQM all − learned", res.PriorGain, iqm(res.All, 0)-iqm(res.Learned, 0))
		inside("IQM all − Dyna-PPO", res.Lead, iqm(res.All, 0)-iqm(res.Dyna, 0))
		inside("P(all > learned)", res.AllVsLearned, poiPoint(values[res.All][0], values[res.Learned][0]))
		inside("P(learned > Dyna-PPO)", res.LearnedVsDyna, poiPoint(values[res.Learned][0], values[res.Dyna][0]))
		if last := len(res.Budgets) - 1; res.HasLast {
			inside("P(learned > Dyna-PPO) at the last budget", res.LastVsDyna, poiPoint(values[res.Learned][last], values[res.Dyna][last]))
		}
		if want := res.PriorGain.Point / res.Lead.Point; res.PriorShare != want {
			t.Errorf("prior share %g, want %g", res.PriorShare, want)
		}
	} else if res.Learned != "" {
		t.Error("an MPC arm without priors, but no lead computed")
	}
	for v, g := range res.DynaGain {
		for b, p := range g {
			x, y := values[v][b], values[res.Dyna][b]
			if len(x) == 0 || len(y) == 0 {
				if !math.IsNaN(p.Point) {
					t.Errorf("%s at %g: gain %+v where one side did not run", v, res.Budgets[b], p)
				}
				continue
			}
			inside("gain of "+v, p, poiPoint(x, y))
		}
	}
	if res.HasAction {
		inside("P(action > preset)", res.ActionVsPreset, poiPoint(values[res.Action][0], values[res.All][0]))
	}
	if res.HasAblation != (res.Pairs == nil) {
		t.Errorf("ablation %v but pairs %v", res.HasAblation, res.Pairs)
	}
	variant := map[string]string{}
	for _, a := range res.Arms {
		variant[a.Method] = a.Variant
	}
	for b, ps := range res.Pairs {
		want := 0
		for _, pair := range [][2]string{{"MPC", "Dyna-PPO"}, {"MPC", "PPO"}, {"Dyna-PPO", "PPO"}} {
			x, y := values[variant[pair[0]]], values[variant[pair[1]]]
			if x != nil && y != nil && len(x[b]) > 0 && len(y[b]) > 0 {
				want++
			}
		}
		if len(ps) != want {
			t.Errorf("at %g: %d pairs, want %d", res.Budgets[b], len(ps), want)
		}
		for _, p := range ps {
			inside("P("+p.X+" > "+p.Y+")", p.P, poiPoint(values[variant[p.X]][b], values[variant[p.Y]][b]))
		}
	}
}

// TestMPCLabel: an MPC arm's label and rank from the preset priors it
// keeps and its CEM action.
func TestMPCLabel(t *testing.T) {
	cases := []struct {
		name    string
		kept    []string
		nPreset int
		action  string
		label   string
		rank    int
	}{
		{"no priors in the preset", nil, 0, "", "mpc-pendulum", 30},
		{"no priors, other action", nil, 0, ", CEM action = best", "mpc-pendulum, CEM action = best", 30},
		{"all priors", []string{"mirror", "density penalty", "exact constant reward"}, 3, "", "all (mpc-pendulum)", 30},
		{"all priors, other action", []string{"mirror", "density penalty", "exact constant reward"}, 3, ", CEM action = best", "all (mpc-pendulum), CEM action = best", 31},
		{"none kept", nil, 3, "", "learned model only", 20},
		{"mirror", []string{"mirror"}, 3, "", "+ mirror", 24},
		{"density penalty", []string{"density penalty"}, 3, "", "+ density penalty", 25},
		{"two", []string{"density penalty", "exact constant reward"}, 3, "", "+ density penalty + exact constant reward", 29},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			label, rank := mpcLabel(c.kept, c.nPreset, "mpc-pendulum", c.action)
			if label != c.label || rank != c.rank {
				t.Errorf("mpcLabel = %q, %d; want %q, %d", label, rank, c.label, c.rank)
			}
		})
	}
}

// TestAnswerGains: Dyna-PPO's gain from a prior is judged at the last
// budget both arms ran, not at the last budget of the report.
func TestAnswerGains(t *testing.T) {
	nan := stats.Interval{Point: math.NaN(), Lo: math.NaN(), Hi: math.NaN()}
	clear := stats.Interval{Point: 0.9, Lo: 0.8, Hi: 1}
	level := stats.Interval{Point: 0.5, Lo: 0.3, Hi: 0.7}
	at := []stats.Interval{{Point: 100}, {Point: 200}}
	cases := []struct {
		name   string
		n      []int // the mirror arm's runs at each budget
		gain   []stats.Interval
		want   string
		absent string
	}{
		{"both budgets", []int{5, 5}, []stats.Interval{clear, level}, "P(better) = 0.500 (CI [0.300, 0.700]); no clear gain.", "it gains."},
		{"first budget only", []int{5, 0}, []stats.Interval{clear, nan}, "P(better) = 0.900 (CI [0.800, 1]); it gains.", "no clear gain."},
		{"second budget only", []int{0, 5}, []stats.Interval{nan, level}, "at 15,000 IQM 200 against 200, P(better) = 0.500 (CI [0.300, 0.700]); no clear gain.", "at 3,000"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res := &AblationResult{AblationAnswers: AblationAnswers{
				Dyna: "dyna-m5",
				Arms: []Arm{
					{Variant: "dyna-m5", Method: "Dyna-PPO", Label: "Dyna-PPO as now", At: at, N: []int{5, 5}},
					{Variant: "dyna-m5-mirror", Method: "Dyna-PPO", Label: "+ mirror", At: at, N: c.n},
				},
				DynaGain: map[string][]stats.Interval{"dyna-m5-mirror": c.gain},
			}}
			path := filepath.Join(t.TempDir(), "report.md")
			r := markdown.NewReport("t", path)
			res.answerGains(r.Section("gains"), []string{"3,000", "15,000"})
			if err := r.Write(); err != nil {
				t.Fatal(err)
			}
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(b), c.want) || strings.Contains(string(b), c.absent) {
				t.Errorf("report lacks %q or has %q:\n%s", c.want, c.absent, b)
			}
		})
	}
}
