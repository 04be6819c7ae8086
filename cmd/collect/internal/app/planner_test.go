package app

import (
	"bytes"
	"math"
	"math/rand/v2"
	"os"
	"strings"
	"testing"

	"github.com/dynago/dynago/lib/dynamics"
	"github.com/dynago/dynago/lib/env"
	"github.com/dynago/dynago/lib/format"
	"github.com/dynago/dynago/lib/tool"
)

// writeModel saves an untrained two-member 1×16 ensemble with a
// termination head for id at path: planning with it is arbitrary but
// exercises every path.
func writeModel(t *testing.T, id, path string) {
	t.Helper()
	e, err := env.Make(id)
	if err != nil {
		t.Fatal(err)
	}
	mc, err := dynamics.Preset("tuned")
	if err != nil {
		t.Fatal(err)
	}
	mc.Hidden, mc.Members = []int{16}, 2
	if err := mc.SetSpaces(e.ObservationSpace(), e.ActionSpace()); err != nil {
		t.Fatal(err)
	}
	m, err := dynamics.New(mc, rand.New(rand.NewPCG(0, 0)))
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Save(path, format.Meta{"env": id}); err != nil {
		t.Fatal(err)
	}
}

var planFlags = []string{"--planner", "cem", "--model", "model.arrow", "--cem-samples", "20", "--cem-horizon", "5", "--cem-iters", "2"}

// TestPlannerSameSeedSameBytes: planned collection, its state file and
// its metrics are the same bytes for the same seed.
func TestPlannerSameSeedSameBytes(t *testing.T) {
	t.Chdir(t.TempDir())
	writeModel(t, "CartPole-v1", "model.arrow")
	for _, x := range []string{"a", "b"} {
		mustRun(t, append([]string{"--env", "CartPole-v1", "--steps", "60", "--seed", "5", "--state", x + ".json",
			"--out", x + ".arrow", "--metrics", x + ".m.arrow", "--real-steps", "60"}, planFlags...)...)
	}
	for _, f := range []string{".arrow", ".json", ".m.arrow"} {
		a, _ := os.ReadFile("a" + f)
		b, _ := os.ReadFile("b" + f)
		// The args differ only in file names of the same length.
		if len(a) == 0 || !bytes.Equal(bytes.ReplaceAll(a, []byte("a."), []byte("b.")), b) {
			t.Errorf("%s: two runs with the same seed differ", f)
		}
	}
	tr := readT(t, "a.arrow")
	if tr.Len() != 60 {
		t.Fatalf("%d rows, want 60", tr.Len())
	}
	for i := range tr.Len() {
		if r := tr.Row(i); !math.IsNaN(r.LogProb) || !math.IsNaN(r.Value) {
			t.Fatalf("row %d: log_prob %v, value %v; want null", i, r.LogProb, r.Value)
		}
	}
	m, err := format.ReadMetrics("a.m.arrow")
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]float64{}
	for _, r := range m.Rows {
		got[r.Metric] = r.Value
	}
	// 20 samples × 5 steps × 2 members × 2 iterations.
	if got["plan_model_rows_per_step"] != 400 || got["plan_steps"] != 60 {
		t.Errorf("metrics %v, want 400 rows per step and 60 steps", got)
	}
}

// TestPlannerStateCarriesOver: a second planned collection continues the
// first one's episode and step counters.
func TestPlannerStateCarriesOver(t *testing.T) {
	t.Chdir(t.TempDir())
	writeModel(t, "CartPole-v1", "model.arrow")
	common := []string{"--env", "CartPole-v1", "--seed", "1", "--state", "s.json"}
	mustRun(t, append(append(common, "--steps", "30", "--out", "1.arrow"), "--planner", "cem")...)
	mustRun(t, append(append(common, "--steps", "40", "--out", "2.arrow"), planFlags...)...)
	a, b := readT(t, "1.arrow"), readT(t, "2.arrow")
	last, first := a.Row(a.Len()-1), b.Row(0)
	if first.Episode == last.Episode && first.Step != last.Step+1 || first.Episode < last.Episode {
		t.Errorf("second run starts at episode %d step %d after episode %d step %d", first.Episode, first.Step, last.Episode, last.Step)
	}
	for j := range first.Obs {
		if first.Obs[j] != last.NextObs[j] && first.Episode == last.Episode {
			t.Fatalf("second run starts from another observation")
		}
	}
	s, _ := os.ReadFile("s.json")
	if !strings.Contains(string(s), `"real_steps": 70`) {
		t.Errorf("state %s: want real_steps 70", s)
	}
}

func TestPlannerEval(t *testing.T) {
	t.Chdir(t.TempDir())
	writeModel(t, "CartPole-v1", "model.arrow")
	var stderr bytes.Buffer
	run := func(out string) {
		t.Helper()
		args := append([]string{"collect", "--eval", "--env", "CartPole-v1", "--episodes", "2", "--seed", "4",
			"--real-steps", "500", "--metrics", out}, planFlags...)
		if code := runWith(args, &stderr); code != 0 {
			t.Fatalf("exit %d: %s", code, stderr.String())
		}
	}
	run("m1.arrow")
	run("m2.arrow")
	a, _ := os.ReadFile("m1.arrow")
	b, _ := os.ReadFile("m2.arrow")
	if !bytes.Equal(bytes.ReplaceAll(a, []byte("m1."), []byte("m2.")), b) {
		t.Error("two evaluations with the same seed differ")
	}
	if !strings.Contains(stderr.String(), "ms and 400 model rows per step") {
		t.Errorf("stderr %q lacks the planning time", stderr.String())
	}
	m, err := format.ReadMetrics("m1.arrow")
	if err != nil {
		t.Fatal(err)
	}
	count := map[string]int{}
	for _, r := range m.Rows {
		count[r.Metric]++
		if r.RealSteps != 500 {
			t.Errorf("row %+v: want real_steps 500", r)
		}
		if r.Metric == "eval_plan_model_rows_per_step" && r.Value != 400 {
			t.Errorf("eval_plan_model_rows_per_step %v, want 400", r.Value)
		}
	}
	if count["eval_return"] != 1 || count["eval_return_episode"] != 2 || count["eval_plan_model_rows_per_step"] != 1 {
		t.Errorf("metric counts %v", count)
	}
	// Without a model the planner acts at random: the evaluation at 0 steps.
	mustRun(t, "--eval", "--env", "CartPole-v1", "--episodes", "2", "--seed", "4", "--real-steps", "0",
		"--metrics", "m0.arrow", "--planner", "cem")
}

func TestPlannerErrors(t *testing.T) {
	t.Chdir(t.TempDir())
	writeModel(t, "CartPole-v1", "model.arrow")
	writeModel(t, "Pendulum-v1", "pendulum.arrow")
	writePolicy(t, "CartPole-v1", "p.arrow")
	base := []string{"--env", "CartPole-v1", "--steps", "5", "--seed", "0", "--out", "x.arrow"}
	cases := []struct {
		name string
		args []string
		code int
		msg  string
	}{
		{"unknown planner", []string{"--planner", "mppi"}, 2, `--planner "mppi": must be cem`},
		{"cem flag without planner", []string{"--cem-samples", "10"}, 2, "--cem-samples needs --planner cem"},
		{"model without planner", []string{"--model", "model.arrow"}, 2, "--model needs --planner cem"},
		{"planner and policy", []string{"--planner", "cem", "--policy", "p.arrow"}, 2, "--policy and --greedy are not allowed"},
		{"samples", []string{"--planner", "cem", "--cem-samples", "1"}, 2, "--cem-samples 1: must be in [2,"},
		{"horizon", []string{"--planner", "cem", "--cem-horizon", "0"}, 2, "--cem-horizon 0: must be in [1, 1000]"},
		{"iters", []string{"--planner", "cem", "--cem-iters", "0"}, 2, "--cem-iters 0: must be in [1, 100]"},
		{"elites", []string{"--planner", "cem", "--cem-samples", "10", "--cem-elites", "11"}, 2, "--cem-elites 11: must be in [0, --cem-samples=10]"},
		{"objective", []string{"--planner", "cem", "--cem-objective", "best"}, 2, `--cem-objective "best": must be worst or mean-std`},
		{"kappa", []string{"--planner", "cem", "--cem-kappa", "-1"}, 2, "--cem-kappa -1"},
		{"termination", []string{"--planner", "cem", "--cem-termination", "never"}, 2, `--cem-termination "never"`},
		{"threshold", []string{"--planner", "cem", "--cem-term-threshold", "1"}, 2, "--cem-term-threshold 1: must be in (0, 1)"},
		{"min prob", []string{"--planner", "cem", "--cem-min-prob", "0.5"}, 2, "--cem-min-prob 0.5: must be in [0, 1/2)"},
		{"term penalty", []string{"--planner", "cem", "--cem-term-penalty", "-1"}, 2, "--cem-term-penalty -1: must be in [0, 1e6]"},
		{"term penalty without planner", []string{"--cem-term-penalty", "10"}, 2, "--cem-term-penalty needs --planner cem"},
		{"density penalty", []string{"--planner", "cem", "--cem-density-penalty", "NaN"}, 2, "--cem-density-penalty NaN: must be in [0, 1e6]"},
		{"density penalty without planner", []string{"--cem-density-penalty", "1"}, 2, "--cem-density-penalty needs --planner cem"},
		{"offset rate", []string{"--planner", "cem", "--cem-offset-rate", "1"}, 2, "--cem-offset-rate 1: must be in [0, 1)"},
		{"offset rate without planner", []string{"--cem-offset-rate", "0.1"}, 2, "--cem-offset-rate needs --planner cem"},
		{"min prob without planner", []string{"--cem-min-prob", "0.1"}, 2, "--cem-min-prob needs --planner cem"},
		{"action rule", []string{"--planner", "cem", "--cem-action", "elite"}, 2, `--cem-action "elite": must be best or mode`},
		{"action rule without planner", []string{"--cem-action", "mode"}, 2, "--cem-action needs --planner cem"},
		{"metrics without real-steps", []string{"--planner", "cem", "--metrics", "m.arrow"}, 2, "--real-steps is required with --metrics"},
		{"missing model", []string{"--planner", "cem", "--model", "none.arrow"}, 1, "none.arrow"},
		{"model of another env", []string{"--planner", "cem", "--model", "pendulum.arrow"}, 1, "model pendulum.arrow is from environment Pendulum-v1, --env from CartPole-v1"},
		{"missing value policy", []string{"--planner", "cem", "--model", "model.arrow", "--value-policy", "none.arrow"}, 1, "none.arrow"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, msg := runCollect(t, append(append([]string{}, base...), c.args...)...)
			if code != c.code || !strings.Contains(msg, c.msg) {
				t.Errorf("exit %d, stderr %q; want exit %d and %q", code, msg, c.code, c.msg)
			}
		})
	}
}

// runWith runs collect in-process with stderr going to stderr.
func runWith(args []string, stderr *bytes.Buffer) int {
	var stdout bytes.Buffer
	return tool.Run(New(), args, &stdout, stderr)
}
