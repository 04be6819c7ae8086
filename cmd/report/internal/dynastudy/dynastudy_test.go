package dynastudy

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dynago/dynago/cmd/report/internal/reporttest"
	"github.com/dynago/dynago/lib/analysis/analysistest"
	"github.com/dynago/dynago/lib/estimate"
	"github.com/dynago/dynago/lib/format"
	"github.com/dynago/dynago/lib/format/metric"
)

// writeStudy writes 5 seeds of: ppo (Ramp: reaches 475 at 10,000 steps on
// every seed), fast (5,000 steps ahead: reaches at 5,000, with 2 model
// rows per real step), same (ppo's curve under another name) and never
// (never reaches), 20,000 steps evaluated every 1,000.
func writeStudy(t *testing.T, dir string) {
	t.Helper()
	curves := map[string]func(float64, int64) float64{
		"ppo": analysistest.Ramp(0, 0, 0), "fast": analysistest.Ramp(5000, 0, 0),
		"same": analysistest.Ramp(0, 0, 0), "never": func(float64, int64) float64 { return 20 },
	}
	for v, f := range curves {
		for seed := range int64(5) {
			name := fmt.Sprintf("%s-s%d", v, seed)
			rows := &analysistest.Rows{Run: name, Variant: v, Seed: seed}
			for s := int64(0); s <= 20000; s += 1000 {
				rows.Add(s, metric.EvalReturn, format.NoIndex, f(float64(s), seed))
				if v == "fast" && s > 0 {
					rows.Add(s, "imagined_simulated_steps", format.NoIndex, 2000)
				}
			}
			settings := map[string]string{"ALGO": "ppo", "PRESET": "tuned", "ENV": "CartPole-v1", "SEED": fmt.Sprint(seed), "OUT": name}
			if v == "fast" {
				settings["ALGO"], settings["IMAG_ROUNDS"] = "dyna", "3"
			}
			if err := analysistest.WriteRows(filepath.Join(dir, name), rows, settings); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// TestBuild checks the study's numbers on runs with known answers: IQM
// steps, ratios, P(sooner) (1 for a variant always sooner, ½ for the same
// curve, 0 for one that never reaches, which counts as the budget), the
// model rows per real step, the goal and the settings changed.
func TestBuild(t *testing.T) {
	if testing.Short() {
		t.Skip("draws a figure")
	}
	dir := t.TempDir()
	writeStudy(t, dir)
	desc := filepath.Join(dir, "variants.tsv")
	if err := os.WriteFile(desc, []byte("fast\tthree rounds\n same\tppo again\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	opt := Options{Runs: dir, Out: filepath.Join(dir, "report.md"), Boot: estimate.Bootstrap{Seed: 1, Reps: 500, Confidence: 0.95},
		Baseline: "ppo", Threshold: math.NaN(), Ratio: 0.6, Prob: 0.75, Describe: desc} // CartPole-v1's solved return, 475
	r, res, err := Build(opt)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]struct {
		steps, ratio, sooner, rows float64
		goal                       bool
	}{
		"ppo":   {10000, 1, 0.5, math.NaN(), false},
		"fast":  {5000, 0.5, 1, 2, true},
		"same":  {10000, 1, 0.5, math.NaN(), false},
		"never": {20000, 2, 0, math.NaN(), false},
	}
	if len(res.Rows) != 4 || res.Rows[0].Variant != "ppo" || res.Best != "fast" || res.Budget != 20000 {
		t.Fatalf("rows %d, first %q, best %q, budget %v", len(res.Rows), res.Rows[0].Variant, res.Best, res.Budget)
	}
	same := func(a, b float64) bool { return a == b || (math.IsNaN(a) && math.IsNaN(b)) }
	for _, row := range res.Rows {
		w := want[row.Variant]
		if row.Steps.Point != w.steps || row.Ratio != w.ratio || row.Sooner.Point != w.sooner || !same(row.ModelRows, w.rows) || row.Goal != w.goal {
			t.Errorf("%s: steps %v ratio %v sooner %v rows %v goal %v; want %+v", row.Variant, row.Steps.Point, row.Ratio, row.Sooner.Point, row.ModelRows, row.Goal, w)
		}
	}
	for _, row := range res.Rows {
		switch row.Variant {
		case "fast":
			if row.Changes != "ALGO=dyna IMAG_ROUNDS=3" || row.Describe != "three rounds" {
				t.Errorf("fast: changes %q, describe %q", row.Changes, row.Describe)
			}
		case "same":
			if row.Changes != "" || row.Describe != "ppo again" {
				t.Errorf("same: changes %q, describe %q", row.Changes, row.Describe)
			}
		}
	}
	if err := r.Write(); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(opt.Out)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"# Dyna-PPO study on CartPole-v1:", "first reaches **475**", "**Yes**: `fast`", "| fast | 5 | 100% | 5,000 |", "| never | 5 | 0% | 20,000 |", "fig/sample-efficiency.png"} {
		if !strings.Contains(string(b), s) {
			t.Errorf("report lacks %q:\n%s", s, b)
		}
	}
}

// TestDescribeErrors: a line without a tab names the file and line.
func TestDescribeErrors(t *testing.T) {
	p := filepath.Join(t.TempDir(), "d.tsv")
	if err := os.WriteFile(p, []byte("ok\tfine\nbad line\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := readDescribe(p); err == nil || !strings.Contains(err.Error(), "d.tsv:2") {
		t.Errorf("error %v, want one naming d.tsv:2", err)
	}
}

// TestNoSolvedReturn: without --threshold, runs of an environment that
// declares no solved return are an error that says to give one.
func TestNoSolvedReturn(t *testing.T) {
	dir := t.TempDir()
	r := analysistest.Run{Variant: "ppo", Steps: 2000, Every: 1000, Return: analysistest.Ramp(0, 0, 0), Env: "gym:Toy-v0"}
	if err := analysistest.Write(filepath.Join(dir, "ppo-s0"), r); err != nil {
		t.Fatal(err)
	}
	_, _, err := Build(Options{Runs: dir, Out: filepath.Join(dir, "report.md"), Baseline: "ppo", Threshold: math.NaN(), Ratio: 0.6, Prob: 0.75})
	if err == nil || !strings.Contains(err.Error(), `"gym:Toy-v0" declares no solved return: give --threshold`) {
		t.Errorf("error %v", err)
	}
}

// TestGolden compares the whole report on writeStudy's runs with
// testdata/study.golden.md (go test -update rewrites it).
func TestGolden(t *testing.T) {
	if testing.Short() {
		t.Skip("draws a figure")
	}
	reporttest.Golden(t, "study", func(t *testing.T, dir string) {
		writeStudy(t, dir)
		if err := os.WriteFile(filepath.Join(dir, "variants.tsv"), []byte("fast\tthree rounds\nsame\tppo again\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}, func(t *testing.T, dir string) string {
		r, _, err := Build(Options{Runs: dir, Out: filepath.Join(dir, "report.md"), Boot: estimate.Bootstrap{Seed: 1, Reps: 500, Confidence: 0.95},
			Baseline: "ppo", Threshold: math.NaN(), Ratio: 0.6, Prob: 0.75, Describe: filepath.Join(dir, "variants.tsv"), Command: "report dyna-study --runs RUNS"})
		if err != nil {
			t.Fatal(err)
		}
		return reporttest.Markdown(t, r)
	})
}
