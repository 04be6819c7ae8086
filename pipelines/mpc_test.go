package pipelines

import (
	"path/filepath"
	"testing"

	"github.com/dynago/dynago/lib/format"
)

// TestMPCRun runs a small ensemble-MPC run (ALGO=mpc, pipelines/mpc.sh)
// with the tuned preset's model and planner options, shrunk, and checks
// that it evaluates on its grid.
func TestMPCRun(t *testing.T) {
	bin := buildTools(t)
	out := filepath.Join(t.TempDir(), "run")
	makeRun(t, bin, "ALGO=mpc", "PRESET=tuned", "ENV=CartPole-v1", "SEED=2", "STEPS=300", "EVAL_EVERY=100",
		"EVAL_EPISODES=1", "MODEL_EVERY=100", "MODEL_EPOCHS=5", "ENSEMBLE=2", "CEM_SAMPLES=20", "CEM_HORIZON=5",
		"CEM_ELITES=5", "MODEL_MIRROR=1", "OUT="+out)
	m, err := format.ReadMetrics(filepath.Join(out, "metrics.arrow"))
	if err != nil {
		t.Fatal(err)
	}
	evals := map[int64]bool{}
	for _, r := range m.Rows {
		if r.Metric == "eval_return" {
			evals[r.RealSteps] = true
		}
	}
	for _, b := range []int64{0, 100, 200, 300} {
		if !evals[b] {
			t.Errorf("no eval_return at %d real steps (have %v)", b, evals)
		}
	}
}
