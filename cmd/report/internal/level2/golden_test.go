package level2

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dynago/dynago/lib/analysis"
	"github.com/dynago/dynago/lib/analysis/analysistest"
)

var update = flag.Bool("update", false, "rewrite the golden reports in testdata/")

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
		t.Run(g.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := analysistest.WriteLevel2(dir, seeds, g.variants); err != nil {
				t.Fatal(err)
			}
			r, _, err := Build(Options{Runs: dir, Out: filepath.Join(dir, "report.md"), Boot: analysis.Bootstrap{Seed: 1, Reps: 200}, Final: g.final, Fraction: 0.8, Command: "report level2"})
			if err != nil {
				t.Fatal(err)
			}
			var b bytes.Buffer
			if err := r.Markdown(&b); err != nil {
				t.Fatal(err)
			}
			got := []byte(strings.ReplaceAll(b.String(), dir, "RUNS"))
			golden := filepath.Join("testdata", g.name+".golden.md")
			if *update {
				if err := os.MkdirAll("testdata", 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != string(want) {
				t.Errorf("report differs from %s (run with -update to accept):\n%s", golden, firstDiff(string(want), string(got)))
			}
		})
	}
}

// firstDiff returns the first line where want and got differ, both ways.
func firstDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := range max(len(w), len(g)) {
		var a, b string
		if i < len(w) {
			a = w[i]
		}
		if i < len(g) {
			b = g[i]
		}
		if a != b {
			return fmt.Sprintf("line %d:\nwant %s\ngot  %s", i+1, a, b)
		}
	}
	return ""
}
