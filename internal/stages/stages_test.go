package stages

import (
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/dynago/dynago/lib/env"
)

// tools builds the commands the stages run into a temporary directory.
func tools(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds and runs the tools")
	}
	_, file, _, _ := runtime.Caller(0)
	root := filepath.Dir(filepath.Dir(filepath.Dir(file)))
	bin := filepath.Join(t.TempDir(), "bin")
	args := []string{"build", "-o", bin + string(filepath.Separator)}
	for _, c := range []string{"collect", "fitmodel", "ppo", "imagine", "evalmodel"} {
		args = append(args, "./cmd/"+c)
	}
	cmd := exec.Command("go", args...)
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
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
