package app

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dynago/dynago/lib/analysis/analysistest"
	"github.com/dynago/dynago/lib/format"
	"github.com/dynago/dynago/lib/format/metric"
)

// TestLevel3Example runs the level3 help's example on synthetic runs of
// every Level-3 experiment and checks the report's answers and figures.
func TestLevel3Example(t *testing.T) {
	if testing.Short() {
		t.Skip("draws figures")
	}
	dir := t.TempDir()
	l := analysistest.Level3{
		Seeds: 3,
		Corr:  map[int]float64{3: 0.3, 5: 0.5}, TopRatio: map[int]float64{3: 2, 5: 4},
		GateM: 5, Shift: map[float64]float64{0.05: analysistest.DynaShift, 0.1: 4000},
		Stress: true, StressTau: 0.1, MPC: true,
	}
	if err := analysistest.WriteLevel3(filepath.Join(dir, "runs", "level3"), l); err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)
	if code, _, stderr := run(t, Level3Example+" --reps 200"); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	b, err := os.ReadFile("runs/level3/report.md")
	if err != nil {
		t.Fatal(err)
	}
	report := string(b)
	for _, want := range []string{
		"## 1. Ensembles", "## 2. Uncertainty-gated imagination", "## 3. Does gating stabilise", "## 4. CEM MPC against Dyna-PPO",
		"**Gating helps** at τ = 0.1",
		"MPC costs **7,500×** as many model rows per real step",
		"report level3 --runs runs/level3 --out runs/level3/report.md --seed 1 --reps 200",
	} {
		if !strings.Contains(report, want) {
			t.Errorf("report lacks %q", want)
		}
	}
	for _, f := range []string{"ensemble-imagined-variance", "ensemble-heldout-variance", "variance-error-scatter-m5", "variance-error-binned",
		"gating-sample-efficiency", "gating-kept-fraction", "stress-sample-efficiency", "stress-kept-fraction", "mpc-sample-efficiency"} {
		for _, ext := range []string{".png", ".svg"} {
			if _, err := os.Stat(filepath.Join("runs/level3/fig", f+ext)); err != nil {
				t.Error(err)
			}
		}
	}
	if t.Failed() {
		t.Log(report)
	}
}

func TestLevel3Errors(t *testing.T) {
	dir := t.TempDir()
	// A Dyna-PPO run whose settings lack ENSEMBLE, and a run without settings.
	if err := analysistest.Write(filepath.Join(dir, "a"), analysistest.Run{Variant: "dyna-m5", Steps: 2000, Every: 1000, Return: analysistest.Ramp(0, 0, 0),
		Model: true, MSE: analysistest.DefaultMSE, Growth: analysistest.DefaultGrowth}); err != nil {
		t.Fatal(err)
	}
	old := filepath.Join(t.TempDir(), "old")
	if err := os.MkdirAll(old, 0o755); err != nil {
		t.Fatal(err)
	}
	m := &format.Metrics{Rows: []format.MetricRow{{Run: "old", Variant: "dyna-m5", Metric: metric.EvalReturn, Index: format.NoIndex, Value: 1}}}
	if err := format.WriteMetrics(filepath.Join(old, "metrics.arrow"), m); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, cmd string
		code      int
		msg       string
	}{
		{"no runs", "report level3 --runs " + filepath.Join(dir, "none"), 1, "no files match"},
		{"no ensemble size", "report level3 --runs " + dir, 1, "records no ENSEMBLE in its run_settings: rerun it"},
		{"no run_settings", "report level3 --runs " + filepath.Dir(old), 1, "old/metrics.arrow has no run_settings metadata (the run's settings): rerun it"},
		{"bad threshold", "report level3 --runs " + dir + " --threshold inf", 2, "--threshold +Inf: must be finite"},
		{"bad budgets", "report level3 --runs " + dir + " --budgets 3000,x", 2, `--budgets 3000,x: "x" is not a positive number`},
		{"zero budget", "report level3 --runs " + dir + " --budgets 0", 2, `--budgets 0: "0" is not a positive number`},
		{"bad m", "report level3 --runs " + dir + " --m -2", 2, "--m -2"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, _, stderr := run(t, c.cmd)
			if code != c.code || !strings.Contains(stderr, c.msg) || strings.Count(stderr, "\n") != 1 {
				t.Errorf("exit %d, stderr %q; want exit %d and one line with %q", code, stderr, c.code, c.msg)
			}
		})
	}
}
