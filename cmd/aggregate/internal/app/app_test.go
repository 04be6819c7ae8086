package app

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dynago/dynago/internal/golden"
	"github.com/dynago/dynago/lib/analysis/analysistest"
	"github.com/dynago/dynago/lib/tool"
)

// runsDir writes five seeds of ppo and of dyna (3,000 steps ahead) into
// DIR/runs and makes DIR the working directory, so commands and their
// recorded arguments use relative paths.
func runsDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if err := analysistest.WriteLevel1(filepath.Join(dir, "runs"), 5, analysistest.Ramp(3000, 0, 0)); err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)
	return dir
}

func run(t *testing.T, cmdline string) (code int, stdout, stderr string) {
	t.Helper()
	args := strings.Fields(strings.ReplaceAll(cmdline, "'", ""))
	var o, e bytes.Buffer
	code = tool.Run(New(), args, &o, &e)
	return code, o.String(), e.String()
}

func TestExamples(t *testing.T) {
	if testing.Short() {
		t.Skip("draws figures")
	}
	dir := runsDir(t)
	for name, ex := range Examples {
		t.Run(name, func(t *testing.T) {
			code, _, stderr := run(t, ex)
			if code != 0 {
				t.Fatalf("%s: exit %d: %s", ex, code, stderr)
			}
			for _, ext := range []string{".md", ".csv"} {
				if _, err := os.Stat(filepath.Join(dir, "results", name+ext)); err != nil {
					t.Error(err)
				}
			}
			if name == "steps-to" {
				return // no figure
			}
			for _, ext := range []string{".png", ".svg"} {
				if _, err := os.Stat(filepath.Join(dir, "results", name+ext)); err != nil {
					t.Error(err)
				}
			}
		})
	}
}

func TestHelpHasExamples(t *testing.T) {
	for name, ex := range Examples {
		code, stdout, _ := run(t, "aggregate "+name+" --help")
		if code != 0 || !strings.Contains(stdout, ex) {
			t.Errorf("%s --help: exit %d, example missing:\n%s", name, code, stdout)
		}
	}
}

func TestGolden(t *testing.T) {
	dir := runsDir(t)
	cases := []struct{ name, cmd string }{
		{"summary", "aggregate summary --in runs/*/metrics.arrow --out out --seed 3 --reps 200 --at-step 4000"},
		{"poi", "aggregate poi --in runs/*/metrics.arrow --out out --seed 3 --reps 200 --at-step 4000"},
		{"steps-to", "aggregate steps-to --in runs/*/metrics.arrow --out out --seed 3 --reps 200 --fraction 0.8 --reference ppo --compare dyna:ppo"},
		{"curves", "aggregate curves --in runs/ppo-s0/metrics.arrow --in runs/dyna-s0/metrics.arrow --out out --reps 10 --name curves"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if code, _, stderr := run(t, c.cmd); code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			got, err := os.ReadFile(filepath.Join(dir, "out", c.name+".md"))
			if err != nil {
				t.Fatal(err)
			}
			golden.Check(t, filepath.Join(testdataDir(t), c.name+".golden"), got)
		})
	}
}

// testdataDir is the package's testdata directory (tests chdir away).
func testdataDir(t *testing.T) string {
	t.Helper()
	_, err := os.Stat("testdata")
	if err == nil {
		return "testdata"
	}
	return filepath.Join(pkgDir, "testdata")
}

var pkgDir, _ = os.Getwd()

// TestPairs: --pairs and --compare choose the pairs in the order given;
// without them every pair of variants is compared in sorted order.
func TestPairs(t *testing.T) {
	dir := runsDir(t)
	cases := []struct {
		name, cmd, row string
	}{
		{"poi default", "aggregate poi --in runs/*/metrics.arrow --out out --reps 20", "| dyna | ppo |"},
		{"poi pairs", "aggregate poi --in runs/*/metrics.arrow --out out --reps 20 --pairs ppo:dyna", "| ppo | dyna |"},
		{"steps-to default", "aggregate steps-to --in runs/*/metrics.arrow --out out --reps 20 --threshold 400", "| dyna - ppo |"},
		{"steps-to compare", "aggregate steps-to --in runs/*/metrics.arrow --out out --reps 20 --threshold 400 --compare ppo:dyna", "| ppo - dyna |"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if code, _, stderr := run(t, c.cmd); code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			name := strings.Fields(c.cmd)[1]
			got, err := os.ReadFile(filepath.Join(dir, "out", name+".md"))
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(got), c.row) {
				t.Errorf("%s has no row %q:\n%s", name, c.row, got)
			}
		})
	}
}

func TestErrors(t *testing.T) {
	runsDir(t)
	cases := []struct {
		name, cmd string
		code      int
		msg       string
	}{
		{"no match", "aggregate summary --in nothing/*.arrow --out o", 1, `aggregate: no files match "nothing/*.arrow"`},
		{"missing metric", "aggregate summary --in runs/*/metrics.arrow --out o --metric nope", 1, "has no nope rows"},
		{"no eval_return", "aggregate curves --in runs/*/metrics.arrow --out o --variants dyna --reps 5", 0, ""},
		{"missing metric steps", "aggregate metric --in runs/ppo-*/metrics.arrow --out o --metric model_ek --at 2000", 1, "no run has model_ek rows"},
		{"bad reps", "aggregate summary --in runs/*/metrics.arrow --out o --reps 0", 2, "--reps 0"},
		{"bad confidence", "aggregate summary --in runs/*/metrics.arrow --out o --confidence 1.5", 2, "--confidence 1.5"},
		{"unknown flag", "aggregate summary --in runs/*/metrics.arrow --out o --bogus", 2, "bogus"},
		{"missing in", "aggregate summary --out o", 2, "in"},
		{"bad pairs", "aggregate poi --in runs/*/metrics.arrow --out o --pairs dyna", 2, "--pairs"},
		{"no threshold", "aggregate steps-to --in runs/*/metrics.arrow --out o", 2, "--threshold"},
		{"unknown variant", "aggregate summary --in runs/*/metrics.arrow --out o --variants mpc", 1, `no runs of variant "mpc"`},
		{"no arguments", "aggregate", 2, "missing subcommand"},
		{"unknown subcommand", "aggregate bogus --in runs/*/metrics.arrow --out o", 2, `unknown subcommand "bogus"`},
		{"norm-max Inf", "aggregate summary --in runs/*/metrics.arrow --out o --norm-max Inf", 2, "--norm-max +Inf: must be a finite number"},
		{"norm-max NaN", "aggregate summary --in runs/*/metrics.arrow --out o --norm-max NaN", 2, "--norm-max NaN: must be a finite number"},
		{"norm-min -Inf", "aggregate poi --in runs/*/metrics.arrow --out o --norm-min -Inf", 2, "--norm-min -Inf"},
		{"norm NaN bound", "aggregate summary --in runs/*/metrics.arrow --out o --norm all=0:NaN", 2, `--norm "all=0:NaN"`},
		{"taus 1e12", "aggregate profiles --in runs/*/metrics.arrow --out o --taus 1000000000000", 2, "--taus 1000000000000: must be in [2, 1000]"},
		{"taus 1e12 float", "aggregate profiles --in runs/*/metrics.arrow --out o --taus 1e12", 2, `"1e12" for flag -taus`},
		{"taus times reps", "aggregate profiles --in runs/*/metrics.arrow --out o --taus 1000 --reps 1000000", 2, "--taus 1000 with --reps 1000000"},
		{"reps 1e18", "aggregate summary --in runs/*/metrics.arrow --out o --reps 1000000000000000000", 2, "--reps 1000000000000000000: must be in [1, 1000000]"},
		{"reps 1e18 float", "aggregate summary --in runs/*/metrics.arrow --out o --reps 1e18", 2, `"1e18" for flag -reps`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, _, stderr := run(t, c.cmd)
			if code != c.code || !strings.Contains(stderr, c.msg) {
				t.Errorf("exit %d, stderr %q; want exit %d and %q", code, stderr, c.code, c.msg)
			}
			if code != 0 && strings.Count(stderr, "\n") != 1 {
				t.Errorf("stderr is not one line: %q", stderr)
			}
			if _, err := os.Stat("o"); code != 0 && err == nil {
				t.Errorf("exit %d left output directory o", code)
			}
			os.RemoveAll("o")
		})
	}
}

// TestSmallInputs: valid small sets of runs (one seed, one evaluation
// after the untrained policy's, a model error of 0 on a log axis) give
// every output; none stops with an error.
func TestSmallInputs(t *testing.T) {
	if testing.Short() {
		t.Skip("draws figures")
	}
	dir := t.TempDir()
	t.Chdir(dir)
	zero := func(float64) float64 { return 0 }
	one := func(float64) float64 { return 1 }
	sets := map[string][]analysistest.Run{
		"one-seed": {
			{Variant: "ppo", Steps: 3000, Every: 1000, Return: analysistest.Ramp(0, 0, 0)},
			{Variant: "dyna", Steps: 3000, Every: 1000, Return: analysistest.Ramp(1000, 0, 0), Model: true, MSE: analysistest.DefaultMSE, Growth: analysistest.DefaultGrowth},
		},
		"one-eval": {
			{Variant: "ppo", Steps: 1000, Every: 1000, Return: analysistest.Ramp(0, 0, 0)},
			{Variant: "ppo", Seed: 1, Steps: 1000, Every: 1000, Return: analysistest.Ramp(0, 0, 0)},
			{Variant: "dyna", Steps: 1000, Every: 1000, Return: analysistest.Ramp(1000, 0, 0), Model: true, MSE: analysistest.DefaultMSE, Growth: one},
			{Variant: "dyna", Seed: 1, Steps: 1000, Every: 1000, Return: analysistest.Ramp(1000, 0, 0), Model: true, MSE: analysistest.DefaultMSE, Growth: one},
		},
		"zero-error": {
			{Variant: "dyna", Steps: 2000, Every: 1000, Return: analysistest.Ramp(0, 0, 0), Model: true, MSE: zero, Growth: one},
			{Variant: "dyna", Seed: 1, Steps: 2000, Every: 1000, Return: analysistest.Ramp(0, 0, 0), Model: true, MSE: zero, Growth: one},
		},
	}
	for name, runs := range sets {
		for _, r := range runs {
			if err := analysistest.Write(filepath.Join(name, fmt.Sprintf("%s-s%d", r.Variant, r.Seed)), r); err != nil {
				t.Fatal(err)
			}
		}
		for _, cmd := range []string{
			"summary --seed 1", "poi", "profiles", "curves",
			"metric --metric model_mse_delta --logy --variants dyna",
			"metric --metric model_ek --at 1000 --logy --variants dyna",
		} {
			t.Run(name+"/"+cmd, func(t *testing.T) {
				if strings.HasPrefix(cmd, "poi") && name == "zero-error" {
					t.Skip("one variant: no pair")
				}
				line := "aggregate " + cmd + " --in " + name + "/*/metrics.arrow --out out-" + name + " --reps 200 --name x"
				if code, _, stderr := run(t, line); code != 0 {
					t.Fatalf("%s: exit %d: %s", line, code, stderr)
				}
				for _, ext := range []string{".md", ".csv", ".png", ".svg"} {
					if _, err := os.Stat(filepath.Join("out-"+name, "x"+ext)); err != nil {
						t.Error(err)
					}
				}
			})
		}
	}
}
