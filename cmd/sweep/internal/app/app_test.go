package app

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dynago/dynago/lib/sweep/sweeptest"
	"github.com/dynago/dynago/lib/tool"
)

func TestMain(m *testing.M) {
	if code, ran := sweeptest.MaybeRun(); ran {
		os.Exit(code)
	}
	os.Exit(m.Run())
}

func runTool(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = tool.Run(New(), append([]string{"sweep"}, args...), &out, &errb)
	return code, out.String(), errb.String()
}

// TestUsageExample runs the usage text's example on the testdata space,
// with the fake run target, then again to check it resumes without runs.
func TestUsageExample(t *testing.T) {
	runCmd, err := sweeptest.RunCmd()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(usage, "sweep --space dyna.yaml --dir runs/sweep-dyna \\\n       --optimizer hyperband --eta 3 --seed 1 --objective iqm-last:5 --parallel 4") {
		t.Fatal("usage example changed; update this test")
	}
	dir := filepath.Join(t.TempDir(), "sweep-dyna")
	args := []string{"--space", "testdata/dyna.yaml", "--dir", dir, "--optimizer", "hyperband", "--eta", "3",
		"--seed", "1", "--objective", "iqm-last:5", "--parallel", "4", "--run-cmd", runCmd}
	code, stdout, stderr := runTool(t, args...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.HasPrefix(stdout, "best: trial ") || !strings.HasSuffix(stdout, filepath.Join(dir, "best.mk")+"\n") {
		t.Errorf("stdout %q", stdout)
	}
	if stderr != "" {
		t.Errorf("stderr not empty off a terminal: %q", stderr)
	}
	mk, err := os.ReadFile(filepath.Join(dir, "best.mk"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"\nALGO = dyna\n", "\nENV = CartPole-v1\n", "\nSTEPS = 9000\n"} {
		if !strings.Contains(string(mk), want) {
			t.Errorf("best.mk lacks %q:\n%s", want, mk)
		}
	}
	before, _ := os.ReadFile(filepath.Join(dir, "history.csv"))
	if code, stdout2, stderr := runTool(t, args...); code != 0 || stdout2 != stdout {
		t.Errorf("resume: exit %d, stdout %q, stderr %s", code, stdout2, stderr)
	}
	after, _ := os.ReadFile(filepath.Join(dir, "history.csv"))
	if strip(before) != strip(after) {
		t.Error("resumed history differs")
	}
}

// strip drops the wall_seconds column, which differs between runs.
func strip(b []byte) string {
	var out []string
	for _, l := range strings.Split(string(b), "\n") {
		f := strings.Split(l, ",")
		if len(f) > 4 {
			f = append(f[:len(f)-4], f[len(f)-3:]...)
		}
		out = append(out, strings.Join(f, ","))
	}
	return strings.Join(out, "\n")
}

func TestErrors(t *testing.T) {
	for _, tc := range []struct {
		name   string
		args   []string
		code   int
		stderr string
	}{
		{"no flags", nil, 2, `sweep: Required flags "space, dir" not set`},
		{"bad optimizer", []string{"--optimizer", "bayes"}, 2, `sweep: --optimizer "bayes": must be grid, random, sh or hyperband`},
		{"bad eta", []string{"--eta", "1"}, 2, "sweep: --eta 1: must be in [2, 100]"},
		{"bad objective", []string{"--objective", "iqm-last:0"}, 2, `sweep: --objective "iqm-last:0": want iqm-last:K with K >= 1, or auc`},
		{"bad retries", []string{"--retries", "-1"}, 2, "sweep: --retries -1: must be in [0, 100]"},
		{"bad backend", []string{"--backend", "k8s"}, 2, `sweep: --backend "k8s": must be local or slurm`},
		{"bad parallel", []string{"--parallel", "0"}, 2, "sweep: --parallel 0: must be in [1, 100000]"},
		{"missing space", []string{"--space", "testdata/none.yaml"}, 1, "sweep: read space: open testdata/none.yaml: no such file or directory"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := tc.args
			if tc.name != "no flags" {
				args = append([]string{"--space", "testdata/dyna.yaml", "--dir", t.TempDir()}, args...)
			}
			code, _, stderr := runTool(t, args...)
			if code != tc.code || strings.TrimSpace(stderr) != tc.stderr {
				t.Errorf("exit %d, stderr %q\nwant exit %d, %q", code, stderr, tc.code, tc.stderr)
			}
		})
	}
}
