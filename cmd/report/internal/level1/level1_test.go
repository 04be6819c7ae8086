package level1

import (
	"bytes"
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dynago/dynago/lib/analysis/analysistest"
	"github.com/dynago/dynago/lib/estimate"
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
			_, a, err := Build(Options{Runs: dir, Out: filepath.Join(dir, "report.md"), Boot: estimate.Bootstrap{Seed: 1, Reps: 300},
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

// TestPendulum builds the report on synthetic Pendulum-v1 runs with
// negative returns: PPO gains 1,200 from -1,400 in 80,000 of 100,000
// steps, Dyna-PPO the same 20,000 steps ahead, and CEM MPC (2,000 steps)
// is at -180 from 1,000 steps on except seed 4 (-300); every seed is
// offset by -2..2. The threshold is 80% of the way from Pendulum's worst
// return to PPO's final -200, the budgets are 2k, 20k and 100k, and no
// text names CartPole.
func TestPendulum(t *testing.T) {
	if testing.Short() {
		t.Skip("draws figures")
	}
	dir := t.TempDir()
	writePendulum(t, dir)
	rep, a, err := Build(Options{Runs: dir, Out: filepath.Join(dir, "report.md"), Boot: estimate.Bootstrap{Seed: 1, Reps: 300},
		Fraction: 0.8, EarlyUntil: 3000, EkRatio: 10, Command: "report level1"})
	if err != nil {
		t.Fatal(err)
	}
	worst := -200 * (math.Pi*math.Pi + 0.1*8*8 + 0.001*2*2)
	if sc := a.Scale; sc.Env != "Pendulum-v1" || sc.Worst != worst || sc.Best != 0 || sc.FromData || !sc.HasSolved || sc.Solved != -200 {
		t.Errorf("scale %+v", sc)
	}
	if want := worst + 0.8*(-200-worst); math.Abs(a.PPOFinal.Point+200) > 1e-9 || math.Abs(a.Threshold-want) > 1e-9 {
		t.Errorf("PPO final %g, threshold %g; want -200 and %g", a.PPOFinal.Point, a.Threshold, want)
	}
	// PPO crosses -810.9 at 39,273 steps (first evaluation 40,000 ± one), Dyna-PPO 20,000 sooner.
	if math.Abs(a.StepsDiff.Point+20000) > 2000 || a.StepsDiff.Hi >= 0 {
		t.Errorf("steps difference %+v, want -20,000 ± 2,000", a.StepsDiff)
	}
	type cell struct {
		variant string
		iqm     float64
		solved  int
	}
	want := map[float64][]cell{
		2000:   {{"dyna", -1400 + 1200*22000.0/80000, 0}, {"mpc-pendulum", -180, 4}, {"ppo", -1400 + 1200*2000.0/80000, 0}},
		20000:  {{"dyna", -1400 + 1200*40000.0/80000, 0}, {"ppo", -1400 + 1200*20000.0/80000, 0}},
		100000: {{"dyna", -200, 3}, {"ppo", -200, 3}},
	}
	if len(a.At) != 3 {
		t.Fatalf("checkpoints %+v, want 2,000, 20,000 and 100,000", a.At)
	}
	for _, cp := range a.At {
		w := want[cp.Step]
		if len(cp.Rows) != len(w) {
			t.Errorf("at %g: %+v, want %+v", cp.Step, cp.Rows, w)
			continue
		}
		for i, row := range cp.Rows {
			// IQM of 5 runs offset by -2..2 (mpc: 4 at -180 ± 2 and one at -300) is the middle ±1.
			if row.Variant != w[i].variant || math.Abs(row.IQM.Point-w[i].iqm) > 1.5 || row.Solved != w[i].solved || row.Runs != 5 {
				t.Errorf("at %g: %+v, want %+v", cp.Step, row, w[i])
			}
		}
	}
	var b bytes.Buffer
	if err := rep.Markdown(&b); err != nil {
		t.Fatal(err)
	}
	text := strings.ReplaceAll(b.String(), dir, "RUNS") // a temporary directory's digits may hold "475"
	for _, bad := range []string{"CartPole", "475", "500]"} {
		if strings.Contains(text, bad) {
			t.Errorf("report mentions %q", bad)
		}
	}
	for _, good := range []string{"on Pendulum-v1?", "with Pendulum-v1's return bounds [-3254.7, 0]", "What return does each variant reach after 2,000, 20,000 and 100,000 real steps?",
		"`mpc-pendulum` **-181", "4 of 5 runs have reached -200"} {
		if !strings.Contains(text, good) {
			t.Errorf("report lacks %q", good)
		}
	}
	if t.Failed() {
		t.Log(text)
	}
}
