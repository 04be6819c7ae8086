package pipelines

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestLevel1Plan: make level1's preset, budget and MPC runs follow ENV.
func TestLevel1Plan(t *testing.T) {
	bin := buildTools(t)
	cases := []struct {
		env  string
		want map[string][]string // run -> flags its command has
		not  []string
	}{
		{"CartPole-v1", map[string][]string{
			"ppo-s0":  {"--preset='course'", "--steps='15000'"},
			"dyna-s0": {"--preset='course'", "--steps='15000'", "--eval-model='1'"},
		}, []string{"mpc-course-s0", "mpc-s0"}},
		{"Pendulum-v1", map[string][]string{
			"ppo-s0":          {"--preset='pendulum'", "--steps='100000'"},
			"dyna-s0":         {"--preset='pendulum'", "--steps='100000'"},
			"mpc-pendulum-s0": {"--algo='mpc'", "--preset='pendulum'", "--steps='2000'", "--eval-every='250'", "--variant='mpc-pendulum'"},
		}, []string{"mpc-s0"}},
	}
	for _, c := range cases {
		t.Run(c.env, func(t *testing.T) {
			runs := planRuns(t, bin, filepath.Join(t.TempDir(), "l1"), "level1-runs", "ENV="+c.env)
			checkPlan(t, runs, c.want, c.not)
		})
	}
}

// TestResultsPlan: make results makes every experiment into
// RESULTS/<experiment> (Pendulum's Level 3.3 on Level 1's runs, its
// report in its own directory), then report results; the reports record
// the command that regenerates them.
func TestResultsPlan(t *testing.T) {
	bin := buildTools(t)
	res := filepath.Join(t.TempDir(), "res")
	plan := func(vars ...string) string {
		t.Helper()
		args := append([]string{"--no-print-directory", "-n", "-C", repoRoot(t), "BIN=" + bin, "RESULTS=" + res, "SEEDS=0"}, vars...)
		b, err := exec.Command("make", args...).CombinedOutput()
		if err != nil {
			t.Fatalf("make %s: %v\n%s", strings.Join(args, " "), err, b)
		}
		return string(b)
	}
	// MAKE=echo prints each experiment's make command without running it.
	experiments := map[string]string{
		"level1":                 "level1 OUT=" + res + "/level1",
		"level2":                 "level2 OUT=" + res + "/level2",
		"level3":                 "level3 OUT=" + res + "/level3",
		"dyna-study-CartPole-v1": "dyna-study ENV=CartPole-v1 OUT=" + res + "/dyna-study-CartPole-v1",
		"dyna-study-Acrobot-v1":  "dyna-study ENV=Acrobot-v1 OUT=" + res + "/dyna-study-Acrobot-v1",
		"pendulum":               "level1 ENV=Pendulum-v1 OUT=" + res + "/pendulum",
		"pendulum-level3":        "level3-mpc ENV=Pendulum-v1 L3_REPORT=" + res + "/pendulum-level3/report.md OUT=" + res + "/pendulum",
	}
	out := plan("MAKE=echo", "results")
	for e, want := range experiments {
		if !strings.Contains(out, "results-"+e) {
			t.Errorf("make results does not make results-%s:\n%s", e, out)
		}
		if got := plan("MAKE=echo", "results-"+e); !strings.Contains(got, want) {
			t.Errorf("make results-%s: %q, want %q", e, got, want)
		}
	}
	// Pendulum's two reports, followed through.
	out = plan("RESULTS_EXPERIMENTS=pendulum pendulum-level3", "results")
	for _, want := range []string{
		"report level1 --runs " + res + "/pendulum --out " + res + "/pendulum/report.md",
		"--regenerate 'make level1 ENV=Pendulum-v1 OUT=" + res + "/pendulum L1_PRESET=pendulum STEPS=100000 SEEDS=\"0\" L1_MPC=1 L1_MPC_STEPS=2000'",
		"report level3 --runs " + res + "/pendulum --out " + res + "/pendulum-level3/report.md",
		"report results --runs " + res + " --out docs/RESULTS.md --figures docs/results",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("make -n results lacks %q", want)
		}
	}
	if t.Failed() {
		t.Log(out)
	}
}

// TestDynaStudyThreshold: dyna-study's report takes the environment's
// solved return unless DS_THRESHOLD is set (and then records it in the
// regenerate command), and a bridged environment, which has none, is
// refused before any run starts.
func TestDynaStudyThreshold(t *testing.T) {
	bin := buildTools(t)
	out := t.TempDir() // the report's variants.tsv is written as make reads its recipe, also under -n
	report := func(vars ...string) string {
		t.Helper()
		args := append([]string{"--no-print-directory", "-n", "-C", repoRoot(t), "BIN=" + bin, "OUT=" + out, "dyna-study-report"}, vars...)
		b, err := exec.Command("make", args...).CombinedOutput()
		if err != nil {
			t.Fatalf("make %s: %v\n%s", strings.Join(args, " "), err, b)
		}
		return string(b)
	}
	if cmd := report("ENV=Acrobot-v1"); !strings.Contains(cmd, "report dyna-study") || strings.Contains(cmd, "--threshold") {
		t.Errorf("ENV=Acrobot-v1: want the report without --threshold (the environment's own):\n%s", cmd)
	}
	cmd := report("ENV=Acrobot-v1", "DS_THRESHOLD=-90")
	for _, want := range []string{"--threshold -90 ", "STEPS=50000 DS_THRESHOLD=-90 DS_SEEDS="} {
		if !strings.Contains(cmd, want) {
			t.Errorf("DS_THRESHOLD=-90: command lacks %q:\n%s", want, cmd)
		}
	}
	gymOut := filepath.Join(t.TempDir(), "gym")
	c := exec.Command("make", "--no-print-directory", "-C", repoRoot(t), "BIN="+bin, "OUT="+gymOut, "GO=true", "dyna-study", "ENV=gym:ToyWalk-v0", "STEPS=1000")
	b, err := c.CombinedOutput()
	if err == nil || !strings.Contains(string(b), "dyna-study: ENV=gym:ToyWalk-v0: no solved return known: set DS_THRESHOLD=RETURN") {
		t.Errorf("gym env without DS_THRESHOLD: err %v, output:\n%s", err, b)
	}
	if _, err := os.Stat(gymOut); !os.IsNotExist(err) {
		t.Errorf("gym env without DS_THRESHOLD: %s exists (%v): a run started", gymOut, err)
	}
}
