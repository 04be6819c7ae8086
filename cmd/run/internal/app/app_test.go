package app

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/dynago/dynago/lib/format"
	"github.com/dynago/dynago/lib/tool"
)

// short is a small Dyna-PPO run with model evaluations.
var short = []string{"--algo", "dyna", "--seed", "5", "--steps", "300", "--eval-every", "100", "--eval-episodes", "1",
	"--model-preset", "course", "--model-updates", "3", "--imag-batches", "4", "--termination", "course", "--horizon-terminal", "1",
	"--eval-model", "1", "--heldout-steps", "50", "-q"}

func files(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err == nil && info.Mode().IsRegular() {
			b, _ := os.ReadFile(p)
			rel, _ := filepath.Rel(dir, p)
			out[rel] = b
		}
		return err
	})
	return out
}

// TestPrintScript runs the script of --print (every iteration) with the
// tools as separate processes, and compares its files with those of the
// same run in this process: the same names and bytes.
func TestPrintScript(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the tools")
	}
	tmp := t.TempDir()
	bin := filepath.Join(tmp, "bin")
	build := exec.Command("go", "build", "-o", bin+"/", "../../../collect", "../../../ppo", "../../../fitmodel",
		"../../../imagine", "../../../evalmodel", "../../../concat")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	a, b := filepath.Join(tmp, "a", "run"), filepath.Join(tmp, "b", "run")
	var script, stderr bytes.Buffer
	if code := tool.Run(New(), append([]string{"run", "--print", "--print-iters", "0", "--out", b}, short...), &script, &stderr); code != 0 {
		t.Fatalf("run --print: exit %d: %s", code, stderr.String())
	}
	if !strings.Contains(script.String(), `"$BIN"/imagine`) || !strings.Contains(script.String(), `"$BIN"/evalmodel`) {
		t.Fatalf("script lacks tool commands:\n%s", script.String())
	}
	sh := exec.Command("sh", "-c", script.String())
	sh.Env = append(os.Environ(), "BIN="+bin)
	if out, err := sh.CombinedOutput(); err != nil {
		t.Fatalf("the printed script: %v\n%s", err, out)
	}
	stderr.Reset()
	if code := tool.Run(New(), append([]string{"run", "--out", a}, short...), &script, &stderr); code != 0 {
		t.Fatalf("run: exit %d: %s", code, stderr.String())
	}
	want, got := files(t, a), files(t, b)
	if len(want) < 10 {
		t.Fatalf("only %d files", len(want))
	}
	for name, w := range want {
		g, ok := got[name]
		if !ok {
			t.Errorf("the script did not write %s", name)
			continue
		}
		if !bytes.Equal(bytes.ReplaceAll(w, []byte(a), []byte(b)), g) {
			t.Errorf("%s differs", name)
		}
	}
	for name := range got {
		if _, ok := want[name]; !ok {
			t.Errorf("the script wrote %s, the run did not", name)
		}
	}
}

func TestErrors(t *testing.T) {
	out := filepath.Join(t.TempDir(), "r")
	tests := []struct {
		name   string
		args   []string
		code   int
		stderr string
	}{
		{"no out", []string{"--algo", "ppo"}, 2, "run: --out is required"},
		{"not for ppo", []string{"--out", out, "--horizon", "3"}, 2, "run: HORIZON=3 (--horizon): does not apply to ALGO=ppo"},
		{"bad keep", []string{"--out", out, "--keep", "some"}, 2, "run: --keep some: must be"},
		{"argument", []string{"--out", out, "x"}, 2, `run: unexpected argument "x"`},
		{"tool error", []string{"--out", out, "--env", "CartPole-v1", "--steps", "10", "--hidden", "5000"}, 2, "run: HIDDEN=5000"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := tool.Run(New(), append([]string{"run"}, tc.args...), &stdout, &stderr)
			if code != tc.code || !strings.HasPrefix(stderr.String(), tc.stderr) || strings.Count(stderr.String(), "\n") != 1 {
				t.Errorf("exit %d, stderr %q; want %d and one line starting %q", code, stderr.String(), tc.code, tc.stderr)
			}
		})
	}
	// Other settings in an existing run directory.
	var stdout, stderr bytes.Buffer
	if code := tool.Run(New(), []string{"run", "--out", out, "--steps", "50", "--eval-every", "50", "--eval-episodes", "1", "-q"}, &stdout, &stderr); code != 0 {
		t.Fatalf("run: %d %s", code, stderr.String())
	}
	stderr.Reset()
	code := tool.Run(New(), []string{"run", "--out", out, "--steps", "60", "--eval-every", "50", "--eval-episodes", "1", "-q"}, &stdout, &stderr)
	if code != 1 || !strings.Contains(stderr.String(), `holds a run with other settings (STEPS is "50" there, "60" now`) {
		t.Errorf("other settings: exit %d, %q", code, stderr.String())
	}
}

func TestVariables(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := tool.Run(New(), []string{"run", "--variables"}, &stdout, &stderr); code != 0 {
		t.Fatal(stderr.String())
	}
	for _, want := range []string{"ALGO:algo\n", "GATE_VARIANCE:gate-variance\n", "CEM_MIN_PROB:cem-min-prob\n"} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("--variables lacks %q", want)
		}
	}
}

// TestExperimentLine checks the per-run progress lines of an experiment:
// runs counted in the order they finish, the last evaluation's return,
// and an ETA until the last.
func TestExperimentLine(t *testing.T) {
	dir := t.TempDir()
	log := filepath.Join(dir, ".progress")
	os.WriteFile(log, []byte(fmt.Sprintf("start %d\n", time.Now().Add(-10*time.Second).Unix())), 0o644)
	out := filepath.Join(dir, "dyna-h3-s4")
	os.MkdirAll(out, 0o755)
	m := &format.Metrics{Rows: []format.MetricRow{
		{RealSteps: 0, Metric: "eval_return", Index: -1, Value: 9},
		{RealSteps: 1000, Metric: "eval_return", Index: -1, Value: 183.24},
		{RealSteps: 1000, Metric: "eval_length", Index: -1, Value: 183},
	}}
	if err := format.WriteMetrics(filepath.Join(out, "metrics.arrow"), m); err != nil {
		t.Fatal(err)
	}
	want := []string{`^\[1/2\] dyna-h3-s4 183\.2 in [0-9.]+ s, ETA (9|10|11)\.[0-9] s$`, `^\[2/2\] dyna-h3-s4 183\.2 in [0-9.]+ s$`}
	for _, w := range want {
		line, err := experimentLine(log, 2, out, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		if !regexp.MustCompile(w).MatchString(line) {
			t.Errorf("line %q, want %s", line, w)
		}
	}
}
