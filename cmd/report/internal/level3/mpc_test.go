package level3

import (
	"math"
	"strings"
	"testing"

	"github.com/dynago/dynago/lib/analysis/analysistest"
	"github.com/dynago/dynago/lib/estimate"
	"github.com/dynago/dynago/lib/stats"
)

// firstAt is the first step on the grid 0, each, ..., last at which the
// curve f of seed reaches thr, NaN when none does.
func firstAt(f func(float64, int64) float64, each, last float64, seed int64, thr float64) float64 {
	for s := 0.0; s <= last; s += each {
		if f(s, seed) >= thr {
			return s
		}
	}
	return math.NaN()
}

func TestComputeMPC(t *testing.T) {
	const seeds = 5
	dynaCurve := analysistest.Ramp(analysistest.DynaShift, 0, 0) // WriteLevel3's dyna-m5: 1,000 to 15,000 steps
	cases := []struct {
		name       string
		rowsMetric bool
		threshold  float64
	}{
		{"rows from settings", false, 475},
		{"rows recorded", true, 475},
		{"both reach it early", false, 100},
		{"neither reaches it", false, 600},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			writeLevel3(t, dir, analysistest.Level3{Seeds: seeds, GateM: 5, MPC: true, RowsMetric: c.rowsMetric})
			set, cat := loadCatalogue(t, dir)
			d, ok := cat.find(5, math.Inf(1), false)
			if !ok || cat.MPC != "mpc" {
				t.Fatalf("fixture lacks dyna-m5 or mpc: %+v", cat)
			}
			res, err := computeMPC(set, cat.MPC, d, Options{Boot: estimate.Bootstrap{Seed: 1, Reps: 200}, Threshold: c.threshold})
			if err != nil {
				t.Fatal(err)
			}
			if res.Budget != 3000 || res.M != 5 || res.Dyna != "dyna-m5" || res.MPC != "mpc" {
				t.Errorf("budget %g, M %d, %s against %s; want 3000, 5, dyna-m5 against mpc", res.Budget, res.M, res.Dyna, res.MPC)
			}
			var dynaAt, mpcAt []float64
			var reachedDyna, reachedMPC float64
			var stepsDyna, stepsMPC []float64 // never: the budget
			for seed := range int64(seeds) {
				dynaAt, mpcAt = append(dynaAt, dynaCurve(3000, seed)), append(mpcAt, mpcCurve(3000, seed))
				wantD, wantM := firstAt(dynaCurve, 1000, 15000, seed, c.threshold), firstAt(mpcCurve, 500, 3000, seed, c.threshold)
				got := res.PerSeed[seed]
				if got.Seed != seed || !same(got.Dyna, wantD) || !same(got.MPC, wantM) {
					t.Errorf("seed %d: %+v, want Dyna-PPO %g, MPC %g", seed, got, wantD, wantM)
				}
				if math.IsNaN(wantD) {
					stepsDyna = append(stepsDyna, 15000)
				} else {
					stepsDyna, reachedDyna = append(stepsDyna, wantD), reachedDyna+1
				}
				if math.IsNaN(wantM) {
					stepsMPC = append(stepsMPC, 3000)
				} else {
					stepsMPC, reachedMPC = append(stepsMPC, wantM), reachedMPC+1
				}
			}
			checkInterval(t, "Dyna-PPO at 3000", res.DynaAt, stats.IQMOf(dynaAt))
			checkInterval(t, "MPC at 3000", res.MPCAt, stats.IQMOf(mpcAt))
			checkInterval(t, "P(MPC > Dyna-PPO)", res.POI, poiPoint(mpcAt, dynaAt))
			if res.StepsDyna.Reached != reachedDyna/seeds || res.StepsMP.Reached != reachedMPC/seeds {
				t.Errorf("reached: Dyna-PPO %g, MPC %g; want %g, %g", res.StepsDyna.Reached, res.StepsMP.Reached, reachedDyna/seeds, reachedMPC/seeds)
			}
			checkInterval(t, "Dyna-PPO's steps to the threshold", res.StepsDyna.Interval, stats.IQMOf(stepsDyna))
			checkInterval(t, "MPC's steps to the threshold", res.StepsMP.Interval, stats.IQMOf(stepsMPC))
			// Dyna-PPO: 100 imagined steps (all kept) every 250 real steps
			// over 15,000, × 5 members: 2 rows per real step. MPC: 100
			// samples × 10 steps × 3 iterations × 5 members.
			checkInterval(t, "Dyna-PPO rows", res.RowsDyna, 2)
			checkInterval(t, "MPC rows", res.RowsMPC, 15000)
			if math.Abs(res.RowsRatio-7500) > 1e-9 || c.rowsMetric != strings.Contains(res.RowsSource, "recorded") {
				t.Errorf("rows ratio %g (want 7500), source %q", res.RowsRatio, res.RowsSource)
			}
			if len(res.Curves) != 2 || res.Curves[0].Variant != "dyna-m5" || res.Curves[1].Variant != "mpc" {
				t.Errorf("curves %+v, want dyna-m5's and mpc's", res.Curves)
			}
		})
	}
}

// same says two steps are equal, NaN equal to NaN.
func same(a, b float64) bool { return a == b || math.IsNaN(a) && math.IsNaN(b) }

// checkInterval checks an interval's point against want (relative
// tolerance 1e-9) and that the interval holds it.
func checkInterval(t *testing.T, what string, iv stats.Interval, want float64) {
	t.Helper()
	if math.Abs(iv.Point-want) > 1e-9*max(1, math.Abs(want)) || !(iv.Lo <= iv.Point && iv.Point <= iv.Hi) {
		t.Errorf("%s: %+v, want %g inside its interval", what, iv, want)
	}
}
