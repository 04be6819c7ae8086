package app

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dynago/dynago/lib/analysis/analysistest"
	"github.com/dynago/dynago/lib/markdown"
	"github.com/dynago/dynago/lib/tool"
)

func run(t *testing.T, cmdline string) (int, string, string) {
	t.Helper()
	var o, e bytes.Buffer
	code := tool.Run(New(), strings.Fields(cmdline), &o, &e)
	return code, o.String(), e.String()
}

// TestExample runs the help's example on synthetic runs (Dyna-PPO 3,000
// steps ahead of PPO, 200 lower up to 3,000 steps) and checks the report's
// answers and figures.
func TestExample(t *testing.T) {
	if testing.Short() {
		t.Skip("draws figures")
	}
	dir := t.TempDir()
	if err := analysistest.WriteLevel1(filepath.Join(dir, "runs", "level1"), 5, analysistest.Ramp(3000, 200, 3000)); err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)
	if code, _, stderr := run(t, Level1Example+" --reps 200"); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	b, err := os.ReadFile("runs/level1/report.md")
	if err != nil {
		t.Fatal(err)
	}
	report := string(b)
	for _, want := range []string{
		"Dyna-PPO reaches it **3,000 real steps sooner**",
		"**Yes, there is an early penalty**",
		"From **4,000 real steps** on",
		"**g = 1.300 per step early**",
		"![sample-efficiency](fig/sample-efficiency.png)",
		"report level1 --runs runs/level1 --out runs/level1/report.md --seed 1 --reps 200",
		"| dyna | ALGO | dyna |",
	} {
		if !strings.Contains(report, want) {
			t.Errorf("report lacks %q", want)
		}
	}
	for _, f := range []string{"sample-efficiency", "model-mse", "model-ek", "interval-estimates", "probability-of-improvement"} {
		for _, ext := range []string{".png", ".svg"} {
			if _, err := os.Stat(filepath.Join("runs/level1/fig", f+ext)); err != nil {
				t.Error(err)
			}
		}
	}
	a, err := markdown.ReadAnswers("runs/level1/answers.json")
	if err != nil {
		t.Fatal(err)
	}
	if a.Report != "level1" || len(a.Answers) != 6 || a.Env != "CartPole-v1" || a.Command != Level1Example+" --reps 200" || a.Runs != "runs/level1" ||
		!strings.Contains(a.Answers[0].Answer, "**3,000 real steps sooner**") || len(a.Figures) != 3 || a.Figures[0].Name != "sample-efficiency" {
		t.Errorf("answers.json: %+v", a)
	}
	// report results gathers it into a new RESULTS.md with its figures.
	if code, _, stderr := run(t, "report results --runs runs --out docs/RESULTS.md"); code != 0 {
		t.Fatalf("results: exit %d: %s", code, stderr)
	}
	res, err := os.ReadFile("docs/RESULTS.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"# Results\n\n<!-- BEGIN make results -->", "Dyna-PPO reaches it **3,000 real steps sooner**", "](results/level1/sample-efficiency.png)"} {
		if !strings.Contains(string(res), want) {
			t.Errorf("RESULTS.md lacks %q:\n%s", want, res)
		}
	}
	if _, err := os.Stat("docs/results/level1/model-ek.svg"); err != nil {
		t.Error(err)
	}
	if t.Failed() {
		t.Log(report)
	}
}

func TestErrors(t *testing.T) {
	dir := t.TempDir()
	if err := analysistest.Write(filepath.Join(dir, "a"), analysistest.Run{Variant: "ppo", Steps: 2000, Every: 1000, Return: analysistest.Ramp(0, 0, 0)}); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, cmd string
		code      int
		msg       string
	}{
		{"no runs", "report level1 --runs " + filepath.Join(dir, "none"), 1, "no files match"},
		{"no dyna", "report level1 --runs " + dir, 1, "find the dyna variant"},
		{"bad fraction", "report level1 --runs " + dir + " --fraction 2", 2, "--fraction 2"},
		{"bad at", "report level1 --runs " + dir + " --at 2000,x", 2, `"x" is not a positive number`},
		{"bad flag", "report level1 --bogus", 2, "bogus"},
		{"no arguments", "report", 2, "missing subcommand"},
		{"unknown subcommand", "report level9 --runs " + dir, 2, `unknown subcommand "level9"`},
		{"reps 1e18", "report level1 --runs " + dir + " --reps 1000000000000000000", 2, "--reps 1000000000000000000: must be in [1, 1000000]"},
		{"reps 0", "report level2 --runs " + dir + " --reps 0", 2, "--reps 0"},
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

// TestSmallInputs: valid small sets of Level-1 runs (one seed; one
// evaluation after the untrained policy's, where every curve is one
// point) give the whole report; a model error of 0 is drawn on a linear
// axis.
func TestSmallInputs(t *testing.T) {
	if testing.Short() {
		t.Skip("draws figures")
	}
	// A model error of exactly 0 at one evaluation, on the log axis of the MSE figure.
	zeroAt2000 := func(s float64) float64 {
		if s == 2000 {
			return 0
		}
		return analysistest.DefaultMSE(s)
	}
	cases := []struct {
		name         string
		seeds        int
		steps, every int64
		mse          func(float64) float64
	}{
		{"one seed", 1, 15000, 1000, analysistest.DefaultMSE},
		{"one evaluation", 3, 1000, 1000, analysistest.DefaultMSE},
		{"zero model error", 2, 3000, 1000, zeroAt2000},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			for seed := range int64(c.seeds) {
				for _, r := range []analysistest.Run{
					{Variant: "ppo", Seed: seed, Steps: c.steps, Every: c.every, Return: analysistest.Ramp(0, 0, 0)},
					{Variant: "dyna", Seed: seed, Steps: c.steps, Every: c.every, Return: analysistest.Ramp(1000, 0, 0), Model: true, MSE: c.mse, Growth: analysistest.DefaultGrowth},
				} {
					if err := analysistest.Write(filepath.Join(dir, fmt.Sprintf("%s-s%d", r.Variant, seed)), r); err != nil {
						t.Fatal(err)
					}
				}
			}
			code, _, stderr := run(t, "report level1 --reps 100 --runs "+dir)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			if _, err := os.Stat(filepath.Join(dir, "report.md")); err != nil {
				t.Error(err)
			}
		})
	}
}

// TestNoPartialOutput: a report that fails part-way (Dyna-PPO runs
// without model metrics: the first sections' figures are drawn before the
// model-error section fails) leaves neither report nor figures.
func TestNoPartialOutput(t *testing.T) {
	dir := t.TempDir()
	for seed := range int64(3) {
		for _, r := range []analysistest.Run{
			{Variant: "ppo", Seed: seed, Steps: 5000, Every: 1000, Return: analysistest.Ramp(0, 0, 0)},
			{Variant: "dyna", Seed: seed, Steps: 5000, Every: 1000, Return: analysistest.Ramp(1000, 0, 0)},
		} {
			if err := analysistest.Write(filepath.Join(dir, fmt.Sprintf("%s-s%d", r.Variant, seed)), r); err != nil {
				t.Fatal(err)
			}
		}
	}
	code, _, stderr := run(t, "report level1 --reps 50 --runs "+dir)
	if code != 1 || strings.Count(stderr, "\n") != 1 {
		t.Fatalf("exit %d, stderr %q; want exit 1 and one line", code, stderr)
	}
	for _, p := range []string{"report.md", "fig"} {
		if _, err := os.Stat(filepath.Join(dir, p)); err == nil {
			t.Errorf("failed report (%s) left %s", strings.TrimSpace(stderr), p)
		}
	}
}
