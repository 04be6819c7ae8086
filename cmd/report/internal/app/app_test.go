package app

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dynago/dynago/lib/analysis/analysistest"
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
		{"bad flag", "report level1 --bogus", 2, "bogus"},
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
