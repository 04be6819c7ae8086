package stages

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/dynago/dynago/lib/env"
	"github.com/dynago/dynago/lib/env/gymtest"
	"github.com/dynago/dynago/lib/format"
)

// root is the repository's root directory.
func root() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Dir(filepath.Dir(filepath.Dir(file)))
}

// built is the directory the tools are built into once per test binary
// (TestMain removes it); buildErr is the build's failure.
var (
	buildOnce sync.Once
	built     string
	buildErr  string
)

func TestMain(m *testing.M) {
	code := m.Run()
	if built != "" {
		os.RemoveAll(filepath.Dir(built))
	}
	os.Exit(code)
}

// tools builds the commands the stages run, once, and returns their
// directory.
func tools(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds and runs the tools")
	}
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "stages")
		if err != nil {
			buildErr = err.Error()
			return
		}
		built = filepath.Join(dir, "bin")
		args := []string{"build", "-o", built + string(filepath.Separator)}
		for _, c := range []string{"collect", "fitmodel", "ppo", "imagine", "evalmodel", "run"} {
			args = append(args, "./cmd/"+c)
		}
		cmd := exec.Command("go", args...)
		cmd.Dir = root()
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = fmt.Sprintf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != "" {
		t.Fatal(buildErr)
	}
	return built
}

// stage is one tool invocation; {dir} in an argument is the run's
// directory.
type stage []string

// stagesFor returns the pipeline for environment id, asking the
// environment for what the stages use: its symmetry (fitmodel --mirror),
// its termination rule (imagine and the planner's --termination env) or,
// where it declares none, the learned termination head; its histogram
// ranges (evalmodel --hist without --hist-range).
func stagesFor(t *testing.T, id string, e env.Env) []stage {
	fit := stage{"fitmodel", "--data", "{dir}/t.arrow", "--preset", "tuned", "--hidden", "8",
		"--ensemble", "2", "--epochs", "1", "--term-weight", "1", "--seed", "0", "--out", "{dir}/model.arrow"}
	if _, err := env.SymmetryOf(e); err == nil {
		fit = append(fit, "--mirror")
	}
	term := "model"
	if _, err := env.TerminalOf(e); err == nil {
		term = "env"
	}
	return []stage{
		{"collect", "--env", id, "--steps", "120", "--seed", "0", "--out", "{dir}/t.arrow"},
		{"collect", "--env", id, "--steps", "60", "--seed", "1", "--out", "{dir}/t2.arrow"},
		fit,
		{"ppo", "--init", "--env", id, "--seed", "0", "--out", "{dir}/p.arrow"},
		{"imagine", "--model", "{dir}/model.arrow", "--policy", "{dir}/p.arrow", "--data", "{dir}/t.arrow",
			"--seed", "0", "--batches", "4", "--horizon", "3", "--termination", term,
			"--out", "{dir}/imag.arrow"},
		{"ppo", "--policy", "{dir}/p.arrow", "--data", "{dir}/imag.arrow", "--seed", "0",
			"--out", "{dir}/p2.arrow", "--metrics", "{dir}/ppo.arrow"},
		{"evalmodel", "--model", "{dir}/model.arrow", "--data", "{dir}/t2.arrow", "--metrics", "{dir}/em.arrow",
			"--real-steps", "120", "--k", "2", "--old", "{dir}/t.arrow", "--new", "{dir}/t2.arrow",
			"--hist", "early={dir}/t.arrow", "--hist", "now={dir}/t2.arrow", "--hist-bins", "5"},
		{"collect", "--env", id, "--planner", "cem", "--model", "{dir}/model.arrow", "--cem-samples", "8",
			"--cem-horizon", "3", "--cem-iters", "2", "--cem-termination", term, "--steps", "4",
			"--state", "{dir}/s.json", "--seed", "0", "--out", "{dir}/t3.arrow"},
		{"collect", "--eval", "--env", id, "--policy", "{dir}/p2.arrow", "--episodes", "1",
			"--seed", "0", "--real-steps", "120", "--metrics", "{dir}/eval.arrow"},
	}
}

// TestEveryStage runs each registered environment through the pipeline's
// stages with tiny sizes.
func TestEveryStage(t *testing.T) {
	bin := tools(t)
	for _, id := range env.IDs() {
		t.Run(id, func(t *testing.T) {
			e, err := env.Make(id)
			if err != nil {
				t.Fatal(err)
			}
			runStages(t, bin, t.TempDir(), stagesFor(t, id, e), nil)
		})
	}
	// Bridged environments declare nothing: the stages take the
	// data-driven defaults (no mirror, the learned termination head,
	// histogram ranges from the data).
	gymtest.Stub(t)
	for _, id := range []string{"gym:ToyWalk-v0", `gym:ToyReach-v0{"goal":0.2}`} {
		t.Run(id, func(t *testing.T) {
			e, err := env.Make(id)
			if err != nil {
				t.Fatal(err)
			}
			defer env.Close(e)
			runStages(t, bin, t.TempDir(), stagesFor(t, id, e), nil)
		})
	}
}

// TestGymCollect checks collect on a bridged environment: two runs of
// --steps continuing through --state record the same rows as one run, and
// Python's failures are one line with exit 1.
func TestGymCollect(t *testing.T) {
	bin := tools(t)
	py := gymtest.Stub(t)
	dir := t.TempDir()
	collect := func(args ...string) (string, int) {
		cmd := exec.Command(filepath.Join(bin, "collect"), args...)
		cmd.Dir = dir
		out, err := cmd.CombinedOutput()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		return string(out), code
	}
	for _, id := range []string{"gym:ToyWalk-v0", "gym:ToyReach-v0"} {
		base := []string{"--env", id, "--seed", "3", "--env-kwargs", ""}
		for _, run := range [][]string{
			{"--steps", "70", "--out", "one.arrow"},
			{"--steps", "33", "--state", "s.json", "--out", "a.arrow"},
			{"--steps", "37", "--state", "s.json", "--out", "b.arrow"},
		} {
			if out, code := collect(append(base, run...)...); code != 0 {
				t.Fatalf("collect %v: exit %d\n%s", run, code, out)
			}
		}
		one, err := format.ReadTransitions(filepath.Join(dir, "one.arrow"))
		if err != nil {
			t.Fatal(err)
		}
		a, err1 := format.ReadTransitions(filepath.Join(dir, "a.arrow"))
		b, err2 := format.ReadTransitions(filepath.Join(dir, "b.arrow"))
		if err1 != nil || err2 != nil {
			t.Fatal(err1, err2)
		}
		if one.Meta["env"] != id {
			t.Errorf("env metadata %q, want %q", one.Meta["env"], id)
		}
		both := append(append([]float64(nil), a.Obs...), b.Obs...)
		if !slices.Equal(one.Obs, both) || !slices.Equal(one.Reward, append(a.Reward, b.Reward...)) ||
			!slices.Equal(one.Truncated, append(a.Truncated, b.Truncated...)) {
			t.Errorf("%s: 33 + 37 steps through --state differ from 70 steps", id)
		}
		if !slices.Contains(one.Truncated, true) && !slices.Contains(one.Terminated, true) {
			t.Errorf("%s: 70 steps cross no episode end", id)
		}
		os.Remove(filepath.Join(dir, "s.json"))
	}
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"--env", "gym:Nope-v0"}, 1, "doesn't exist"},
		{[]string{"--env", "gym:ToyReach-v0", "--env-kwargs", "[1]"}, 2, "JSON object"},
		{[]string{"--env", "CartPole-v1", "--env-kwargs", "{}"}, 2, "only for a Gymnasium environment"},
		{[]string{"--env", "gym:ToyCrash-v0"}, 1, "exit status 3"},
	} {
		out, code := collect(append(tc.args, "--steps", "20", "--seed", "0", "--out", "x.arrow")...)
		if code != tc.code || !strings.Contains(out, tc.want) || strings.Count(strings.TrimSpace(out), "\n") != 0 {
			t.Errorf("collect %v: exit %d, %q; want exit %d, one line with %q", tc.args, code, out, tc.code, tc.want)
		}
	}
	if !gymtest.HasModule(py, "gymnasium", "") {
		t.Setenv("PYTHONPATH", "")
		out, code := collect("--env", "gym:CartPole-v1", "--steps", "5", "--seed", "0", "--out", "x.arrow")
		if code != 1 || !strings.Contains(out, "No module named 'gymnasium'") || strings.Count(strings.TrimSpace(out), "\n") != 0 {
			t.Errorf("collect without gymnasium: exit %d, %q", code, out)
		}
	}
}

// runStages runs the stages in dir with the extra environment variables.
func runStages(t *testing.T, bin, dir string, stages []stage, environ []string) {
	t.Helper()
	for _, s := range stages {
		args := make([]string, len(s)-1)
		for i, a := range s[1:] {
			args[i] = strings.ReplaceAll(a, "{dir}", dir)
		}
		cmd := exec.Command(filepath.Join(bin, s[0]), args...)
		cmd.Dir = dir
		cmd.Env = append(cmd.Environ(), environ...)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("%s %s: %v\n%s", s[0], strings.Join(args, " "), err, out)
		}
	}
}

// TestMakeRunGym runs `make run` on a bridged environment (the stand-in
// ToyWalk-v0) for each algorithm: PPO, Dyna-PPO with the learned
// termination head, and MPC without the mirror prior (a bridged
// environment declares no symmetry), and checks the evaluations.
func TestMakeRunGym(t *testing.T) {
	bin := tools(t)
	if _, err := exec.LookPath("make"); err != nil {
		t.Skip("make not installed")
	}
	gymtest.Stub(t)
	for _, vars := range [][]string{
		{"ALGO=ppo", "PRESET=tuned"},
		{"ALGO=dyna", "PRESET=tuned", "TERMINATION=model", "MODEL_TERM_WEIGHT=1"},
		{"ALGO=mpc", "PRESET=tuned", "MODEL_MIRROR=0", "MODEL_EVERY=100", "CEM_SAMPLES=20", "CEM_HORIZON=5", "MODEL_EPOCHS=5"},
	} {
		out := filepath.Join(t.TempDir(), "run")
		args := append([]string{"--no-print-directory", "-C", root(), "run-only", "BIN=" + bin, "ENV=gym:ToyWalk-v0",
			"SEED=1", "STEPS=200", "EVAL_EVERY=100", "EVAL_EPISODES=1", "QUIET=1", "OUT=" + out}, vars...)
		cmd := exec.Command("make", args...)
		if b, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("make %v: %v\n%s", vars, err, b)
		}
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
		if !evals[0] || !evals[100] || !evals[200] {
			t.Errorf("%v: eval_return at %v, want 0, 100 and 200", vars, evals)
		}
	}
}
