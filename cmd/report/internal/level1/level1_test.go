package level1

import (
	"math"
	"path/filepath"
	"testing"

	"github.com/dynago/dynago/lib/analysis"
	"github.com/dynago/dynago/lib/analysis/analysistest"
)

// TestAnswers builds the report on synthetic runs whose answers are known:
// PPO gains 500 return in 10,000 steps (80% of its final 500 is 400,
// reached at 8,000 steps), Dyna-PPO the same 3,000 steps ahead (5,000),
// optionally 200 lower at evaluations up to 3,000 steps. Per-seed offsets
// of -2..2 may delay a run by one evaluation, so steps are checked to the
// evaluation interval (1,000).
func TestAnswers(t *testing.T) {
	if testing.Short() {
		t.Skip("draws figures")
	}
	const grid = 1000
	cases := []struct {
		name      string
		penalty   float64
		wantPen   bool
		wantCross float64
	}{
		{"no penalty", 0, false, 1000},
		{"penalty", 200, true, 4000},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := analysistest.WriteLevel1(dir, 5, analysistest.Ramp(3000, c.penalty, 3000)); err != nil {
				t.Fatal(err)
			}
			_, a, err := Build(Options{Runs: dir, Out: filepath.Join(dir, "report.md"), Boot: analysis.Bootstrap{Seed: 1, Reps: 300},
				Fraction: 0.8, EarlyUntil: 3000, EkRatio: 10, Command: "report level1"})
			if err != nil {
				t.Fatal(err)
			}
			if a.PPO != "ppo" || a.Dyna != "dyna" || a.RunsPPO != 5 || a.RunsDyn != 5 {
				t.Errorf("variants %s (%d runs), %s (%d runs), want ppo and dyna, 5 each", a.PPO, a.RunsPPO, a.Dyna, a.RunsDyn)
			}
			if a.Threshold != 400 {
				t.Errorf("threshold %g, want 400 (0.8 × 500)", a.Threshold)
			}
			if math.Abs(a.StepsDiff.Point-(-3000)) > grid || a.StepsDiff.Hi >= 0 {
				t.Errorf("steps difference %+v, want -3000 ± %d, interval below 0", a.StepsDiff, grid)
			}
			if a.StepsDyna.Reached != 1 || a.StepsPPO.Reached != 1 {
				t.Errorf("reached %g and %g, want 1", a.StepsDyna.Reached, a.StepsPPO.Reached)
			}
			if a.Penalty != c.wantPen {
				t.Errorf("penalty %v (early difference %+v), want %v", a.Penalty, a.EarlyDiff, c.wantPen)
			}
			if a.CrossStep != c.wantCross {
				t.Errorf("cross step %g, want %g", a.CrossStep, c.wantCross)
			}
			// model_mse_delta there is DefaultMSE × (1 + 0.01 (seed mod 3)).
			if m := analysistest.DefaultMSE(c.wantCross); math.Abs(a.CrossMSE.Point-m) > 0.02*m {
				t.Errorf("MSE at cross %g, want %g within 2%%", a.CrossMSE.Point, m)
			}
			// E_k = E_1 g^(k-1) exactly, g = 1.3 early and 1.1 late.
			const tol = 1e-9
			if math.Abs(a.GrowthEarly.Point-1.3) > tol || math.Abs(a.GrowthLate.Point-1.1) > tol {
				t.Errorf("growth %g early, %g late; want 1.3 and 1.1", a.GrowthEarly.Point, a.GrowthLate.Point)
			}
			// 1.3^(k-1) <= 10 up to k = 9; 1.1^19 < 10, so all 20.
			if a.HorizonEarly != 9 || a.HorizonLate != 20 {
				t.Errorf("horizon %d early, %d late; want 9 and 20", a.HorizonEarly, a.HorizonLate)
			}
			if a.EarlyAt != 1000 || a.LateAt != 15000 {
				t.Errorf("E_k checkpoints %g and %g, want 1000 and 15000", a.EarlyAt, a.LateAt)
			}
		})
	}
}

func TestHorizon(t *testing.T) {
	k := []float64{1, 2, 3, 4}
	cases := []struct {
		name string
		e    []float64
		want int
	}{
		{"flat", []float64{1, 1, 1, 1}, 4},
		{"jump at 3", []float64{1, 2, 11, 12}, 2},
		{"dip after exceeding", []float64{1, 11, 2, 2}, 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := horizon(k, c.e, 10); got != c.want {
				t.Errorf("horizon %d, want %d", got, c.want)
			}
		})
	}
}
