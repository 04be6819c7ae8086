package pipelines

import (
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// planRuns returns, per run directory, the bin/run command that `make -n
// TARGET` would run for it (make -n still recurses into the runs' makes
// and prints their commands without running them).
func planRuns(t *testing.T, bin, out string, vars ...string) map[string]string {
	t.Helper()
	args := append([]string{"--no-print-directory", "-n", "-C", repoRoot(t), "BIN=" + bin, "OUT=" + out, "SEEDS=0"}, vars...)
	b, err := exec.Command("make", args...).CombinedOutput()
	if err != nil {
		t.Fatalf("make %s: %v\n%s", strings.Join(args, " "), err, b)
	}
	runs := map[string]string{}
	re := regexp.MustCompile(`--out '([^']*)'`)
	for _, line := range strings.Split(string(b), "\n") {
		if !strings.Contains(line, "/run --") {
			continue
		}
		if m := re.FindStringSubmatch(line); m != nil {
			runs[filepath.Base(m[1])] = line
		}
	}
	return runs
}

// TestLevel3Plan: make level3-mpc's runs follow ENV. CartPole-v1 runs the
// ablation (its long MPC arm to STEPS, evaluated every 3,000; the others
// to MPC_STEPS); Pendulum-v1 runs level1's ppo, dyna and mpc-pendulum at
// the pendulum presets' budgets and no ablation.
func TestLevel3Plan(t *testing.T) {
	bin := buildTools(t)
	cases := []struct {
		env  string
		want map[string][]string // run -> flags its command has
		not  []string            // runs it must not have
	}{
		{"CartPole-v1", map[string][]string{
			"mpc-s0":            {"--preset='tuned'", "--steps='3000'", "--eval-every='1000'"},
			"mpc-learned-s0":    {"--steps='15000'", "--eval-every='3000'", "--model-mirror='0'", "--cem-density-penalty='0'", "--model-exact-const-reward='0'"},
			"mpc-mirror-s0":     {"--steps='3000'", "--model-mirror='1'", "--cem-density-penalty='0'"},
			"mpc-best-s0":       {"--cem-action='best'"},
			"dyna-m5-s0":        {"--ensemble='5'", "--steps='15000'"},
			"dyna-m5-mirror-s0": {"--model-mirror='1'", "--ensemble='5'"},
			"dyna-mpcmodel-s0":  {"--termination='model'", "--ensemble='3'"},
		}, []string{"dyna-s0", "mpc-pendulum-s0"}},
		{"Pendulum-v1", map[string][]string{
			"ppo-s0":          {"--preset='pendulum'", "--steps='100000'"},
			"dyna-s0":         {"--preset='pendulum'", "--steps='100000'"},
			"mpc-pendulum-s0": {"--preset='pendulum'", "--steps='2000'", "--eval-every='250'"},
		}, []string{"mpc-s0", "mpc-learned-s0", "dyna-m5-s0", "dyna-mpcmodel-s0"}},
	}
	for _, c := range cases {
		t.Run(c.env, func(t *testing.T) {
			runs := planRuns(t, bin, filepath.Join(t.TempDir(), "l3"), "level3-mpc-runs", "ENV="+c.env)
			checkPlan(t, runs, c.want, c.not)
		})
	}
}

// checkPlan checks a plan's runs (run -> its command): every run of want
// is there with each of its flags, and no run of not is.
func checkPlan(t *testing.T, runs map[string]string, want map[string][]string, not []string) {
	t.Helper()
	for run, flags := range want {
		cmd, ok := runs[run]
		if !ok {
			t.Errorf("no run %s (runs: %v)", run, keys(runs))
			continue
		}
		for _, f := range flags {
			if !strings.Contains(cmd, f) {
				t.Errorf("%s: command lacks %s: %s", run, f, cmd)
			}
		}
	}
	for _, run := range not {
		if _, ok := runs[run]; ok {
			t.Errorf("unexpected run %s", run)
		}
	}
}

func keys(m map[string]string) []string {
	var k []string
	for s := range m {
		k = append(k, s)
	}
	return k
}
