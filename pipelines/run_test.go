package pipelines

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
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

// makeRun runs `make run-only` with the given variables.
func makeRun(t *testing.T, bin string, vars ...string) {
	t.Helper()
	args := append([]string{"--no-print-directory", "-C", repoRoot(t), "run-only", "BIN=" + bin}, vars...)
	cmd := exec.Command("make", args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("make %s: %v\n%s", strings.Join(vars, " "), err, stderr.String())
	}
}

// files returns every regular file under dir, relative, sorted.
func files(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		if info.Mode().IsRegular() {
			rel, _ := filepath.Rel(dir, p)
			out = append(out, rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(out)
	return out
}

// diff returns the elements of a not in b.
func diff(a, b []string) []string {
	in := map[string]bool{}
	for _, x := range b {
		in[x] = true
	}
	var out []string
	for _, x := range a {
		if !in[x] {
			out = append(out, x)
		}
	}
	return out
}

// TestRunResumes interrupts a Dyna-PPO run after some iterations (the last
// one half done) and checks that rerunning it gives the same files, byte
// for byte, as an uninterrupted run, apart from provenance naming OUT. The
// uninterrupted run starts every tool as its own process (BATCH=0), the
// other sends them to one bin/batch --serve process: the files must not
// tell them apart either.
func TestRunResumes(t *testing.T) {
	bin := buildTools(t)
	tmp := t.TempDir()
	full, cut := filepath.Join(tmp, "a", "run"), filepath.Join(tmp, "b", "run")
	vars := []string{"ALGO=dyna", "PRESET=course", "ENV=CartPole-v1", "SEED=3", "STEPS=1200", "EVAL_EVERY=400", "EVAL_EPISODES=2", "EVAL_MODEL=1", "HELDOUT_STEPS=100"}
	makeRun(t, bin, append(vars, "OUT="+full, "BATCH=0")...)
	makeRun(t, bin, append(vars, "OUT="+cut)...)

	// Interrupt: drop the finished marker, the gathered metrics, every
	// iteration after the 20th, and half of the 20th's files.
	iters := filepath.Join(cut, "iters")
	entries, err := os.ReadDir(iters)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) < 25 {
		t.Fatalf("only %d iterations: the test needs a longer run", len(entries))
	}
	for _, e := range entries[21:] {
		os.RemoveAll(filepath.Join(iters, e.Name()))
	}
	half := filepath.Join(iters, entries[20].Name())
	for _, f := range []string{"done", "policy.arrow", "ppo.metrics.arrow", "imagined.arrow"} {
		os.Remove(filepath.Join(half, f))
	}
	os.Remove(filepath.Join(cut, "done"))
	os.Remove(filepath.Join(cut, "metrics.arrow"))
	makeRun(t, bin, append(vars, "OUT="+cut)...)

	a, b := files(t, full), files(t, cut)
	if extra, missing := diff(b, a), diff(a, b); len(extra)+len(missing) > 0 {
		t.Fatalf("resumed run has other files: extra %v, missing %v", extra, missing)
	}
	for _, f := range a {
		x, _ := os.ReadFile(filepath.Join(full, f))
		y, _ := os.ReadFile(filepath.Join(cut, f))
		// Provenance records the command line, which names OUT.
		y = bytes.ReplaceAll(y, []byte(filepath.Join(tmp, "b")), []byte(filepath.Join(tmp, "a")))
		if !bytes.Equal(x, y) {
			t.Errorf("%s differs after resuming", f)
		}
	}
	m, err := format.ReadMetrics(filepath.Join(full, "metrics.arrow"))
	if err != nil {
		t.Fatal(err)
	}
	evals := 0
	for _, r := range m.Rows {
		if r.Metric == "eval_return" {
			evals++
			if r.RealSteps%400 != 0 || r.Variant != "dyna-course" || r.Seed != 3 {
				t.Errorf("eval row %+v: want real_steps on the 400 grid, variant dyna-course, seed 3", r)
			}
		}
	}
	if evals != 4 {
		t.Errorf("%d eval_return rows, want 4 (0, 400, 800, 1200)", evals)
	}
}

// TestRunSettings checks that a run directory refuses other settings and
// accepts its own, also when settings.mk predates a variable that is unset
// now (a RUN_VARS addition must not disown old runs).
func TestRunSettings(t *testing.T) {
	bin := buildTools(t)
	out := filepath.Join(t.TempDir(), "run")
	vars := []string{"ALGO=ppo", "PRESET=course", "ENV=CartPole-v1", "SEED=1", "STEPS=100", "EVAL_EVERY=100", "EVAL_EPISODES=1", "OUT=" + out}
	makeRun(t, bin, vars...)
	settings := filepath.Join(out, "settings.mk")
	old, err := os.ReadFile(settings)
	if err != nil {
		t.Fatal(err)
	}
	// An older run: no line for a variable added since, unset now.
	trimmed := strings.Replace(string(old), "CEM_TERM_PENALTY = \n", "", 1)
	if trimmed == string(old) {
		t.Fatal("settings.mk has no empty CEM_TERM_PENALTY line to remove")
	}
	os.WriteFile(settings, []byte(trimmed), 0o644)
	os.Remove(filepath.Join(out, "done"))
	makeRun(t, bin, vars...)

	args := []string{"--no-print-directory", "-C", repoRoot(t), "run-only", "BIN=" + bin}
	args = append(args, vars...)
	args = append(args, "EVAL_EPISODES=2") // the last assignment wins
	cmd := exec.Command("make", args...)
	msg, err := cmd.CombinedOutput()
	if err == nil || !strings.Contains(string(msg), "holds a run with other settings") {
		t.Errorf("other settings: err %v, output %s", err, msg)
	}
}
