package level2

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
)

const (
	seeds  = 5
	growth = analysistest.L2Growth
	steps  = analysistest.L2Steps
)

// pick returns the synthetic variants of the given names.
func pick(names ...string) []analysistest.L2Variant {
	var out []analysistest.L2Variant
	for _, v := range analysistest.L2Variants {
		if slices.Contains(names, v.Name) {
			out = append(out, v)
		}
	}
	return out
}

func build(t *testing.T, vs []analysistest.L2Variant) (string, *Answers) {
	t.Helper()
	dir := t.TempDir()
	if err := analysistest.WriteLevel2(dir, seeds, vs); err != nil {
		t.Fatal(err)
	}
	r, a, err := Build(Options{Runs: dir, Out: filepath.Join(dir, "report.md"), Boot: estimate.Bootstrap{Seed: 1, Reps: 300}, Final: 1, Fraction: 0.8, Command: "report level2"})
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
	return string(b), a
}

// near reports whether got is within tol of want.
func near(got, want, tol float64) bool { return math.Abs(got-want) <= tol }

// TestAnswers checks every answer on runs whose answers are known. The
// per-seed offsets (-2..2) move IQMs by less than offTol; model metrics
// are the same in every run, so their IQMs are exact.
func TestAnswers(t *testing.T) {
	if testing.Short() {
		t.Skip("draws figures")
	}
	const offTol, exact = 2.0, 1e-9
	report, a := build(t, analysistest.L2Variants)
	if len(a.Sections) != 5 {
		t.Fatalf("sections %q, want all five", a.Sections)
	}
	t.Run("horizon", func(t *testing.T) {
		if got := values(a.Horizon); !slices.Equal(got, []string{"1", "3", "5", "10", "20"}) {
			t.Errorf("horizons %v", got)
		}
		b := a.BestHorizon
		if b.Value != 5 || b.Variant != "dyna" || !near(b.Return.Point, 450, offTol) {
			t.Errorf("best horizon %+v, want 5 (dyna) with return 450", b)
		}
		// E_5 = 0.002 × 1.1^4 at the last checkpoint.
		if want := 0.002 * math.Pow(growth, 4); !near(b.Model.Point, want, exact) || a.HorizonLateAt != steps {
			t.Errorf("E_5 %g at %g, want %g at %d", b.Model.Point, a.HorizonLateAt, want, steps)
		}
	})
	t.Run("budget", func(t *testing.T) {
		if a.BestBudget.Name != "aggressive" || a.BestBudget.Updates != 5 || a.BestBudget.Rollouts != 20 {
			t.Errorf("best budget %+v, want aggressive 5/20", a.BestBudget)
		}
		// Linear ramps: the mean return over training is final/2, so the
		// gap to balanced is (480 - 450)/2 = 15 plus balanced's early
		// penalty, 60 at 1,000-3,000 steps: a trapezoidal area of 60 ×
		// 3,000 over 15,000 steps, 12.
		if !near(a.BestBudget.Area.Point, 240, offTol) || !near(a.BudgetGap.Point, 27, offTol) || a.BudgetGap.Lo <= 0 {
			t.Errorf("area %+v, gap %+v; want 240 and 27 with the gap's interval above 0", a.BestBudget.Area, a.BudgetGap)
		}
		if !near(a.Threshold, 0.8*480, offTol) || len(a.Improve) != 3 {
			t.Errorf("threshold %g, %d pairs; want 384 and 3", a.Threshold, len(a.Improve))
		}
		for _, c := range a.Improve {
			if c.X == "dyna-budget-aggressive" && c.P.Point != 1 {
				t.Errorf("P(%s > %s) = %g, want 1", c.X, c.Y, c.P.Point)
			}
		}
	})
	t.Run("buffer", func(t *testing.T) {
		if !a.StaleHurts || a.BestBuffer.Value != 10000 || !near(a.StaleReturn.Point, -100, 2*offTol) {
			t.Errorf("stale hurts %v, best %g, difference %+v; want true, 10000, -100", a.StaleHurts, a.BestBuffer.Value, a.StaleReturn)
		}
		if !near(a.StaleMSE.Point, 0.002, exact) {
			t.Errorf("MSE difference %+v, want 0.004 - 0.002", a.StaleMSE)
		}
	})
	t.Run("shift", func(t *testing.T) {
		if len(a.Stages) != 3 || a.Stages[0].Step != 1000 || a.Stages[1].Step != 8000 || a.Stages[2].Step != 15000 {
			t.Fatalf("stages %+v, want 1,000, 8,000 and 15,000", a.Stages)
		}
		// new/old = 1 + (s - 1000)/5000; visits move from bin 3 to bins 4
		// and 6, a total-variation distance of 1.
		for i, want := range []float64{1, 2.4, 3.8} {
			if st := a.Stages[i]; !near(st.Ratio.Point, want, exact) || !near(st.TV.Point, min(float64(i), 1), exact) {
				t.Errorf("stage %s: ratio %g, TV %g; want %g and %g", st.Name, st.Ratio.Point, st.TV.Point, want, min(float64(i), 1))
			}
		}
		if !a.Degrades || !slices.Equal(a.CostStages, []string{"early"}) {
			t.Errorf("degrades %v, cost at %v; want true, early", a.Degrades, a.CostStages)
		}
		if !slices.Equal(a.BehindSteps, []float64{1000, 2000, 3000}) || len(a.AheadSteps) != 12 || a.AheadSteps[0] != 4000 {
			t.Errorf("behind at %v, ahead at %v; want 1,000-3,000 and 4,000-15,000", a.BehindSteps, a.AheadSteps)
		}
	})
	t.Run("noise", func(t *testing.T) {
		if a.NoiseDegrades != 0.03 || a.NoiseBelowIQM != 0.3 || a.NoiseBelowCI != 0.3 || !near(a.PPOFinal.Point, 350, offTol) {
			t.Errorf("degrades at %g, below PPO at %g (IQM) and %g (CI), PPO %+v; want 0.03, 0.3, 0.3, 350",
				a.NoiseDegrades, a.NoiseBelowIQM, a.NoiseBelowCI, a.PPOFinal)
		}
	})
	for _, want := range []string{
		"The best horizon is **H = 5**",
		"The **aggressive** regime (model updates / imagined rollouts per iteration = 5/20) is the most sample-efficient",
		"**Yes, too much stale data hurts**",
		"**Yes, accuracy degrades on fresh states**",
		"**The model's cost outweighs its benefit early**",
		"clearly behind PPO at 1,000–3,000 real steps",
		"its interval first lies wholly below PPO's at **σ = 0.3**",
		"![state-visits](fig/state-visits.png)",
		"| dyna-noise1 | 5 | 0 1 2 3 4 | 5 | 3 | 10 | 10000 | 1 | 0 | 15000 |",
	} {
		if !strings.Contains(report, want) {
			t.Errorf("report lacks %q", want)
		}
	}
	if t.Failed() {
		t.Log(report)
	}
}

// TestPartial checks that the report holds the sections whose runs exist.
func TestPartial(t *testing.T) {
	if testing.Short() {
		t.Skip("draws figures")
	}
	cases := []struct {
		name     string
		variants []analysistest.L2Variant
		want     []string
	}{
		{"horizon", pick("dyna", "dyna-h1", "dyna-h3"), []string{"1. Imagination horizon", "4. Distribution shift"}},
		{"noise without dyna", pick("ppo", "dyna-noise0.1", "dyna-noise1"), []string{"5. Failure mode: noise in the model's predictions"}},
		{"budget", pick("dyna-budget-conservative", "dyna-budget-aggressive"), []string{"2. Model and imagination budget"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			report, a := build(t, c.variants)
			if !slices.Equal(a.Sections, c.want) {
				t.Errorf("sections %q, want %q", a.Sections, c.want)
			}
			if c.name == "horizon" && !strings.Contains(report, "There are no PPO runs") {
				t.Errorf("report does not say PPO is missing:\n%s", report)
			}
		})
	}
}

func TestNoRuns(t *testing.T) {
	dir := t.TempDir()
	if err := analysistest.WriteLevel2(dir, 1, pick("ppo")); err != nil {
		t.Fatal(err)
	}
	_, _, err := Build(Options{Runs: dir, Out: filepath.Join(dir, "report.md"), Boot: estimate.Bootstrap{Reps: 10}})
	if err == nil || !strings.Contains(err.Error(), "no Level-2 runs") {
		t.Errorf("error %v, want one saying there are no Level-2 runs", err)
	}
}

func TestStepRanges(t *testing.T) {
	grid := []float64{0, 1000, 2000, 3000, 4000, 5000}
	cases := []struct {
		steps []float64
		want  string
	}{
		{[]float64{1000, 2000, 3000}, "1,000–3,000"},
		{[]float64{0, 2000, 3000, 5000}, "0, 2,000–3,000, 5,000"},
		{nil, ""},
	}
	for _, c := range cases {
		if got := stepRanges(c.steps, grid); got != c.want {
			t.Errorf("stepRanges(%v) = %q, want %q", c.steps, got, c.want)
		}
	}
}

// TestComputeShift checks the distribution-shift section's computed
// result without rendering or drawing it: with and without PPO runs, and
// with no histograms (the section is left out).
func TestComputeShift(t *testing.T) {
	const exact = 1e-9
	cases := []struct {
		name     string
		variants []analysistest.L2Variant
		nil      bool
		ppo      bool
	}{
		{"with ppo", pick("dyna", "ppo"), false, true},
		{"without ppo", pick("dyna"), false, false},
		{"no histograms", pick("dyna-budget-aggressive"), true, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := analysistest.WriteLevel2(dir, 3, c.variants); err != nil {
				t.Fatal(err)
			}
			set, err := analysis.Load([]string{filepath.Join(dir, "*", "metrics.arrow")}, analysis.LoadOptions{})
			if err != nil {
				t.Fatal(err)
			}
			res, err := computeShift(set, Options{Boot: estimate.Bootstrap{Seed: 1, Reps: 100}})
			if err != nil {
				t.Fatal(err)
			}
			if c.nil {
				if res != nil {
					t.Errorf("result %+v, want none", res)
				}
				return
			}
			if len(res.Stages) != 3 || res.Stages[2].Step != analysistest.L2Steps || !res.Degrades {
				t.Errorf("stages %+v, degrades %v; want 3 up to %d, degrading", res.Stages, res.Degrades, analysistest.L2Steps)
			}
			// new/old = 1 + (s - 1000)/5000 at the late stage.
			if r := res.Stages[2].Ratio.Point; math.Abs(r-3.8) > exact {
				t.Errorf("late ratio %g, want 3.8", r)
			}
			if res.HasPPO != c.ppo || (len(res.Evals) > 0) != c.ppo || slices.Equal(res.CostStages, []string{"early"}) != c.ppo {
				t.Errorf("has PPO %v, %d evaluations compared, cost at %v; want PPO %v", res.HasPPO, len(res.Evals), res.CostStages, c.ppo)
			}
			if len(res.Visits) != 3 || len(res.Dims) != 4 || res.Bins != analysistest.L2Bins || !res.EdgesFound || len(res.MSE) != 2 {
				t.Errorf("figure inputs: %d visit sets, dims %v, %d bins, edges %v, %d MSE curves", len(res.Visits), res.Dims, res.Bins, res.EdgesFound, len(res.MSE))
			}
		})
	}
}
