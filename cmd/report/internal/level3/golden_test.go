package level3

import (
	"maps"
	"testing"

	"github.com/dynago/dynago/cmd/report/internal/reporttest"
	"github.com/dynago/dynago/lib/analysis/analysistest"
)

// goldenRuns are the synthetic run directories of the golden reports: every
// section, each experiment alone, Level 3.3's ablation arms, and
// Pendulum-v1 with and without Dyna-PPO runs.
var goldenRuns = []struct {
	name  string
	write func(t *testing.T, dir string)
}{
	{"full", func(t *testing.T, dir string) { writeLevel3(t, dir, full) }},
	{"rows-metric", func(t *testing.T, dir string) {
		l := full
		l.RowsMetric = true
		writeLevel3(t, dir, l)
	}},
	{"ensemble-only", func(t *testing.T, dir string) {
		writeLevel3(t, dir, analysistest.Level3{Seeds: 3, Corr: map[int]float64{3: 0.3, 5: 0.5}, TopRatio: map[int]float64{3: 2, 5: 2}})
	}},
	{"mpc-only", func(t *testing.T, dir string) {
		writeLevel3(t, dir, analysistest.Level3{Seeds: 3, GateM: 5, MPC: true})
	}},
	{"ablation", func(t *testing.T, dir string) {
		l := analysistest.Level3{Seeds: 5, GateM: 5, Shift: map[float64]float64{0.1: 4000}, MPC: true}
		writeLevel3(t, dir, l)
		writeArms(t, dir, l.Seeds, append([]arm{presetMPC}, ablationArms...))
	}},
	{"pendulum", func(t *testing.T, dir string) { writeArms(t, dir, 5, pendulumArms(true)) }},
	{"pendulum-no-dyna", func(t *testing.T, dir string) { writeArms(t, dir, 5, pendulumArms(false)) }},
}

func writeLevel3(t *testing.T, dir string, l analysistest.Level3) {
	t.Helper()
	if err := analysistest.WriteLevel3(dir, l); err != nil {
		t.Fatal(err)
	}
}

// pendulumArms are Pendulum-v1's runs: MPC without priors at 2,000 real
// steps reaching -150 - 10·seed from 500, PPO and (withDyna) Dyna-PPO
// climbing from -1,200 by 5 and 10 per 1,000 steps up to 100,000.
func pendulumArms(withDyna bool) []arm {
	pend := func(s map[string]string) map[string]string {
		s = maps.Clone(s)
		s["ENV"], s["PRESET"] = "Pendulum-v1", "pendulum"
		return s
	}
	mpc := pend(mpcPreset)
	maps.Copy(mpc, map[string]string{"MODEL_MIRROR": "0", "CEM_DENSITY_PENALTY": "0", "MODEL_EXACT_CONST_REWARD": "0", "CEM_ACTION": "best",
		"STEPS": "2000", "EVAL_EVERY": "250", "ENSEMBLE": "3"})
	dyna := pend(dynaPlain)
	maps.Copy(dyna, map[string]string{"STEPS": "100000", "ENSEMBLE": "3", "EVAL_MODEL": "1"})
	ppo := map[string]string{"ALGO": "ppo", "PRESET": "pendulum", "ENV": "Pendulum-v1", "STEPS": "100000"}
	climb := func(per float64) func(float64, int64) float64 {
		return func(s float64, seed int64) float64 { return -1200 + per*s/1000 - float64(seed) }
	}
	arms := []arm{
		{"mpc-pendulum", mpc, nil, 2000, 250, func(s float64, seed int64) float64 {
			if s < 500 {
				return -1400
			}
			return -150 - 10*float64(seed)
		}},
		{"ppo", ppo, nil, 100000, 1000, climb(5)},
	}
	if withDyna {
		arms = append(arms, arm{"dyna", dyna, nil, 100000, 1000, climb(10)})
	}
	return arms
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
			_, report := buildDir(t, dir, Options{})
			return report
		})
	}
}
