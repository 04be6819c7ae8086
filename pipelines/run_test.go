package pipelines

import (
	"bytes"
	"encoding/json"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/dynago/dynago/lib/format"
)

// buildTools builds every tool into a temporary bin directory once; it
// skips the test in -short mode or where make is not installed (every
// caller runs the pipeline through make).
func buildTools(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("runs the pipeline")
	}
	if _, err := exec.LookPath("make"); err != nil {
		t.Skip("make not installed")
	}
	bin := filepath.Join(t.TempDir(), "bin")
	cmd := exec.Command("go", "build", "-o", bin+"/", "./cmd/...")
	cmd.Dir = repoRoot(t)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

func repoRoot(t *testing.T) string {
	t.Helper()
	_, file, _, _ := runtime.Caller(0)
	return filepath.Dir(filepath.Dir(file))
}

// makeRun runs `make run-only` with the given variables and returns its
// error and stderr.
func makeRun(t *testing.T, bin string, vars ...string) (error, string) {
	t.Helper()
	args := append([]string{"--no-print-directory", "-C", repoRoot(t), "run-only", "BIN=" + bin}, vars...)
	cmd := exec.Command("make", args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err := cmd.Run()
	return err, stderr.String()
}

// settingsOf returns the run_settings recorded in a run's metrics.arrow.
func settingsOf(t *testing.T, out string) map[string]string {
	t.Helper()
	m, err := format.ReadMetrics(filepath.Join(out, "metrics.arrow"))
	if err != nil {
		t.Fatal(err)
	}
	var s map[string]string
	if err := json.Unmarshal([]byte(m.Meta["run_settings"]), &s); err != nil {
		t.Fatalf("run_settings %q: %v", m.Meta["run_settings"], err)
	}
	return s
}

// TestMakeRun runs short runs through `make run-only` and checks that the
// presets' and the command line's variables reach the run (its recorded
// settings), that evaluations land on the grid, and that a variable that
// does not apply to ALGO is an error.
func TestMakeRun(t *testing.T) {
	bin := buildTools(t)
	tmp := t.TempDir()
	tests := []struct {
		vars []string
		want map[string]string
	}{
		{[]string{"ALGO=dyna", "PRESET=course", "SEED=3", "STEPS=300", "EVAL_EVERY=100", "EVAL_EPISODES=1", "EVAL_MODEL=1", "HELDOUT_STEPS=50", "HORIZON=3", "QUIET=1"},
			map[string]string{"HORIZON": "3", "IMAG_BATCHES": "10", "MODEL_UPDATES": "3", "MODEL_PRESET": "course", "ENSEMBLE": "1", "TERMINATION": "course", "VARIANT": "dyna-course", "EVAL_MODEL": "1"}},
		{[]string{"ALGO=mpc", "PRESET=tuned", "SEED=2", "STEPS=200", "EVAL_EVERY=100", "EVAL_EPISODES=1", "MODEL_EVERY=100",
			"MODEL_EPOCHS=5", "ENSEMBLE=2", "CEM_SAMPLES=20", "CEM_HORIZON=5", "CEM_ELITES=5", "QUIET=1"},
			map[string]string{"ENSEMBLE": "2", "CEM_DENSITY_PENALTY": "0.5", "MODEL_MIRROR": "1", "EVAL_EPISODES": "1", "MODEL_WARM": "0"}},
		{[]string{"ALGO=ppo", "PRESET=tuned", "SEED=1", "STEPS=300", "EVAL_EVERY=100", "EVAL_EPISODES=1", "QUIET=1"},
			map[string]string{"ROLLOUT": "256", "HIDDEN": "64,64", "MODEL": "off", "ANNEAL": "1"}},
	}
	for i, tc := range tests {
		out := filepath.Join(tmp, strings.TrimPrefix(tc.vars[0], "ALGO="))
		if err, stderr := makeRun(t, bin, append(tc.vars, "OUT="+out)...); err != nil {
			t.Fatalf("make %v: %v\n%s", tc.vars, err, stderr)
		}
		s := settingsOf(t, out)
		for k, v := range tc.want {
			if s[k] != v {
				t.Errorf("run %d: %s = %q in run_settings, want %q", i, k, s[k], v)
			}
		}
		m, _ := format.ReadMetrics(filepath.Join(out, "metrics.arrow"))
		evals := map[int64]bool{}
		for _, r := range m.Rows {
			if r.Metric == "eval_return" {
				evals[r.RealSteps] = true
			}
		}
		for b := int64(0); b <= 200; b += 100 {
			if !evals[b] {
				t.Errorf("run %d: no eval_return at %d (have %v)", i, b, evals)
			}
		}
	}
	err, stderr := makeRun(t, bin, "ALGO=ppo", "STEPS=100", "HORIZON=3", "OUT="+filepath.Join(tmp, "bad"))
	if err == nil || !strings.Contains(stderr, "run: HORIZON=3 (--horizon): does not apply to ALGO=ppo") {
		t.Errorf("HORIZON for ppo: %v, %s", err, stderr)
	}
}
