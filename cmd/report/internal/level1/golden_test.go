package level1

import (
	"fmt"
	"math"
	"path/filepath"
	"testing"

	"github.com/dynago/dynago/cmd/report/internal/reporttest"
	"github.com/dynago/dynago/lib/analysis/analysistest"
	"github.com/dynago/dynago/lib/estimate"
)

// goldenRuns are the synthetic run sets of the golden reports: Dyna-PPO
// ahead of PPO with and without an early penalty, level with it, behind
// it (never crossing, compared at given budgets), and Pendulum-v1 with
// CEM MPC runs.
var goldenRuns = []struct {
	name  string
	write func(t *testing.T, dir string)
	at    []float64
}{
	{"ahead", level1Runs(analysistest.Ramp(3000, 0, 3000)), nil},
	{"penalty", level1Runs(analysistest.Ramp(3000, 200, 3000)), nil},
	{"level", level1Runs(analysistest.Ramp(0, 0, 0)), nil},
	{"behind", level1Runs(analysistest.Ramp(-3000, 0, 0)), []float64{5000, 15000, 20000}},
	{"pendulum", writePendulum, nil},
}

func level1Runs(dyna func(float64, int64) float64) func(t *testing.T, dir string) {
	return func(t *testing.T, dir string) {
		if err := analysistest.WriteLevel1(dir, 5, dyna); err != nil {
			t.Fatal(err)
		}
	}
}

// writePendulum writes TestPendulum's runs: PPO gains 1,200 from -1,400 in
// 80,000 of 100,000 steps, Dyna-PPO the same 20,000 steps ahead, and CEM
// MPC (2,000 steps) is at -180 from 1,000 steps on except seed 4 (-300).
func writePendulum(t *testing.T, dir string) {
	ramp := func(shift float64) func(float64, int64) float64 {
		return func(s float64, seed int64) float64 {
			return -1400 + 1200*math.Min((s+shift)/80000, 1) + float64(seed%5) - 2
		}
	}
	mpc := func(s float64, seed int64) float64 {
		switch {
		case s < 1000:
			return -1000
		case seed == 4:
			return -300
		}
		return -180 + float64(seed%5) - 2
	}
	for seed := range int64(5) {
		for _, r := range []analysistest.Run{
			{Variant: "ppo", Steps: 100000, Every: 2000, Return: ramp(0)},
			{Variant: "dyna", Steps: 100000, Every: 2000, Return: ramp(20000), Model: true, MSE: analysistest.DefaultMSE, Growth: analysistest.DefaultGrowth},
			{Variant: "mpc-pendulum", Steps: 2000, Every: 250, Return: mpc, Algo: "mpc"},
		} {
			r.Seed, r.Env = seed, "Pendulum-v1"
			if err := analysistest.Write(filepath.Join(dir, fmt.Sprintf("%s-s%d", r.Variant, seed)), r); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// TestGolden compares the whole report on each of goldenRuns with
// testdata/<name>.golden.md (the runs' directory written as RUNS): the
// sections' computation and rendering are split, and this pins the prose
// and every number they print.
func TestGolden(t *testing.T) {
	if testing.Short() {
		t.Skip("draws figures")
	}
	for _, g := range goldenRuns {
		reporttest.Golden(t, g.name, g.write, func(t *testing.T, dir string) string {
			r, _, err := Build(Options{Runs: dir, Out: filepath.Join(dir, "report.md"), Boot: estimate.Bootstrap{Seed: 1, Reps: 200},
				Fraction: 0.8, EarlyUntil: 3000, EkRatio: 10, At: g.at, Command: "report level1"})
			if err != nil {
				t.Fatal(err)
			}
			return reporttest.Markdown(t, r)
		})
	}
}
