package level2

import (
	"path/filepath"
	"testing"

	"github.com/dynago/dynago/cmd/report/internal/reporttest"
	"github.com/dynago/dynago/lib/analysis/analysistest"
	"github.com/dynago/dynago/lib/estimate"
)

// goldenRuns are the synthetic run sets of the golden reports: every
// section (with one and two final evaluations), each sweep alone, a sweep
// whose best setting is its first or its last, noise that never falls
// below PPO, the largest buffer the best, and every sweep with one setting.
var goldenRuns = []struct {
	name     string
	variants []analysistest.L2Variant
	final    int
}{
	{"full", analysistest.L2Variants, 1},
	{"full-final2", analysistest.L2Variants, 2},
	{"horizon-last-best", pick("dyna", "dyna-h1", "dyna-h3"), 1},
	{"horizon-first-best", pick("dyna", "dyna-h10", "dyna-h20", "ppo"), 1},
	{"noise-without-dyna", pick("ppo", "dyna-noise0.1", "dyna-noise1"), 1},
	{"noise-above-ppo", pick("ppo", "dyna", "dyna-noise0.01"), 1},
	{"budget", pick("dyna-budget-conservative", "dyna-budget-aggressive"), 1},
	{"one-setting-each", pick("dyna-h1", "dyna-buf1000", "dyna-noise1", "dyna-budget-aggressive"), 1},
	{"buffer-largest-best", pick("dyna", "dyna-buf1000", "dyna-buf5000"), 1},
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
		write := func(t *testing.T, dir string) {
			if err := analysistest.WriteLevel2(dir, seeds, g.variants); err != nil {
				t.Fatal(err)
			}
		}
		reporttest.Golden(t, g.name, write, func(t *testing.T, dir string) string {
			r, _, err := Build(Options{Runs: dir, Out: filepath.Join(dir, "report.md"), Boot: estimate.Bootstrap{Seed: 1, Reps: 200}, Final: g.final, Fraction: 0.8, Command: "report level2"})
			if err != nil {
				t.Fatal(err)
			}
			return reporttest.Markdown(t, r)
		})
	}
}
