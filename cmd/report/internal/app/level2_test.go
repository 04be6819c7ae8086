package app

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dynago/dynago/lib/analysis/analysistest"
)

// TestLevel2Example runs the level2 help's example on synthetic runs of
// every Level-2 experiment and checks the report's sections and figures.
func TestLevel2Example(t *testing.T) {
	if testing.Short() {
		t.Skip("draws figures")
	}
	dir := t.TempDir()
	if err := analysistest.WriteLevel2(filepath.Join(dir, "runs", "level2"), 3, analysistest.L2Variants); err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)
	if code, _, stderr := run(t, Level2Example+" --reps 200"); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	b, err := os.ReadFile("runs/level2/report.md")
	if err != nil {
		t.Fatal(err)
	}
	report := string(b)
	for _, want := range []string{
		"## 1. Imagination horizon", "## 2. Model and imagination budget", "## 3. Replay buffer size",
		"## 4. Distribution shift", "## 5. Failure mode: noise in the model's predictions",
		"report level2 --runs runs/level2 --out runs/level2/report.md --seed 1 --reps 200",
	} {
		if !strings.Contains(report, want) {
			t.Errorf("report lacks %q", want)
		}
	}
	for _, f := range []string{"horizon-return", "horizon-ek", "budget-curves", "budget-improvement", "buffer-mse", "buffer-return", "state-visits", "model-mse-old-new", "noise-return"} {
		for _, ext := range []string{".png", ".svg"} {
			if _, err := os.Stat(filepath.Join("runs/level2/fig", f+ext)); err != nil {
				t.Error(err)
			}
		}
	}
	if t.Failed() {
		t.Log(report)
	}
}

func TestLevel2Errors(t *testing.T) {
	dir := t.TempDir()
	if err := analysistest.WriteLevel2(dir, 1, analysistest.L2Variants[:1]); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, cmd string
		code      int
		msg       string
	}{
		{"no runs", "report level2 --runs " + filepath.Join(dir, "none"), 1, "no files match"},
		{"only ppo", "report level2 --runs " + dir, 1, "no Level-2 runs"},
		{"bad final", "report level2 --runs " + dir + " --final 0", 2, "--final 0"},
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
