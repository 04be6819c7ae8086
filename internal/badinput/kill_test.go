package badinput

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// The kill and concurrency cases run the tools as processes, built once
// into a temporary directory.
var (
	buildOnce sync.Once
	binDir    string
	buildErr  error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if binDir != "" {
		os.RemoveAll(binDir)
	}
	os.Exit(code)
}

// bins returns the directory of the built run, collect, fitmodel and ppo.
func bins(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("builds the tools and runs them as processes")
	}
	buildOnce.Do(func() {
		if binDir, buildErr = os.MkdirTemp("", "badinput-bin"); buildErr != nil {
			return
		}
		cmd := exec.Command("go", "build", "-o", binDir+string(os.PathSeparator),
			"../../cmd/run", "../../cmd/collect", "../../cmd/fitmodel", "../../cmd/ppo")
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return binDir
}

// start starts tool with args in dir.
func start(t *testing.T, dir, tool string, args []string) (*exec.Cmd, *bytes.Buffer, chan error) {
	t.Helper()
	cmd := exec.Command(filepath.Join(bins(t), tool), args...)
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	return cmd, &stderr, done
}

// runTool runs tool with args in dir to its end and returns how long it
// took.
func runTool(t *testing.T, dir, tool string, args []string) time.Duration {
	t.Helper()
	t0 := time.Now()
	_, stderr, done := start(t, dir, tool, args)
	if err := <-done; err != nil {
		t.Fatalf("%s %s: %v: %s", tool, strings.Join(args, " "), err, stderr)
	}
	return time.Since(t0)
}

// killAfter runs tool with args in dir and kills it with SIGKILL after d;
// it reports whether the kill came before the tool ended (which must then
// have succeeded).
func killAfter(t *testing.T, dir string, d time.Duration, tool string, args []string) bool {
	t.Helper()
	cmd, stderr, done := start(t, dir, tool, args)
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("%s %s: %v: %s", tool, strings.Join(args, " "), err, stderr)
		}
		return false
	case <-time.After(d):
		cmd.Process.Signal(syscall.SIGKILL) // it may have ended meanwhile
		err := <-done
		if err == nil {
			return false
		}
		if s := cmd.ProcessState.Sys().(syscall.WaitStatus); !s.Signaled() || s.Signal() != syscall.SIGKILL {
			t.Fatalf("%s %s: %v (not the kill): %s", tool, strings.Join(args, " "), err, stderr)
		}
		return true
	}
}

// delays returns n delays in [lo, hi)·base from a fixed seed.
func delays(seed uint64, n int, base time.Duration, lo, hi float64) []time.Duration {
	r := rand.New(rand.NewPCG(seed, 7))
	ds := make([]time.Duration, n)
	for i := range ds {
		ds[i] = time.Duration((lo + (hi-lo)*r.Float64()) * float64(base))
	}
	return ds
}

// killInputs writes the inputs of the kill cases in dir: 4,000 CartPole
// steps of a fresh policy (with its log-probabilities, for ppo).
func killInputs(t *testing.T, dir string) {
	t.Helper()
	mustRun(t, dir, "ppo --init --env CartPole-v1 --seed 0 --out @p.arrow")
	mustRun(t, dir, "collect --env CartPole-v1 --policy @p.arrow --steps 4000 --seed 0 --out @t.arrow")
}

// TestKillWriters kills each writing tool with SIGKILL at delays drawn
// from a fixed seed across its running time (a run's compute and its
// write): --out is then either absent or the complete file, byte for byte
// the file of an uninterrupted run, never a partial one. (A temporary
// .NAME.tmp* file beside it may remain: a killed process cannot remove
// it.)
func TestKillWriters(t *testing.T) {
	bins(t)
	cases := []struct {
		tool string
		args string
	}{
		{"collect", "--env CartPole-v1 --steps 50000 --seed 0 --out out.arrow"},
		{"fitmodel", "--data t.arrow --preset tuned --ensemble 2 --epochs 1 --seed 0 --out out.arrow"},
		{"ppo", "--policy p.arrow --data t.arrow --seed 0 --real-steps 4000 --metrics m.arrow --out out.arrow"},
	}
	for ci, c := range cases {
		t.Run(c.tool, func(t *testing.T) {
			dir := t.TempDir()
			killInputs(t, dir)
			args := strings.Fields(c.args)
			took := runTool(t, dir, c.tool, args)
			want, err := os.ReadFile(filepath.Join(dir, "out.arrow"))
			if err != nil {
				t.Fatal(err)
			}
			killed, left := 0, 0
			for _, d := range delays(uint64(ci), 10, took, 0.3, 1.1) {
				os.Remove(filepath.Join(dir, "out.arrow"))
				os.Remove(filepath.Join(dir, "m.arrow"))
				if killAfter(t, dir, d, c.tool, args) {
					killed++
				}
				got, err := os.ReadFile(filepath.Join(dir, "out.arrow"))
				if err == nil && !bytes.Equal(got, want) {
					t.Errorf("killed after %v: out.arrow (%d bytes) is not the complete file (%d bytes)", d, len(got), len(want))
				}
				tmps, _ := filepath.Glob(filepath.Join(dir, ".*.tmp*"))
				for _, f := range tmps {
					os.Remove(f)
					left++
				}
			}
			t.Logf("%s (%v uninterrupted): %d of 10 runs killed, %d temporary files left", c.tool, took.Round(time.Millisecond), killed, left)
		})
	}
}

// TestKillRun kills bin/run with SIGKILL at delays drawn from a fixed seed,
// reruns the same command after each kill, and requires the finished run
// to have the files of an uninterrupted one, byte for byte.
func TestKillRun(t *testing.T) {
	bins(t)
	args := []string{"--out", "r", "--algo", "dyna", "--seed", "5", "--steps", "300", "--eval-every", "100", "--eval-episodes", "1",
		"--model-preset", "course", "--model-updates", "3", "--imag-batches", "4", "--termination", "course", "--horizon-terminal", "1",
		"--eval-model", "1", "--heldout-steps", "50", "-q"}
	a, b := t.TempDir(), t.TempDir()
	took := runTool(t, a, "run", args)
	killed := 0
	for _, d := range delays(1, 4, took, 0.1, 0.9) {
		if killAfter(t, b, d, "run", args) {
			killed++
		}
	}
	runTool(t, b, "run", args)
	if killed == 0 {
		t.Fatalf("no kill landed before the run's end (%v)", took)
	}
	want, got := tree(t, filepath.Join(a, "r")), tree(t, filepath.Join(b, "r"))
	for name, w := range want {
		if g, ok := got[name]; !ok {
			t.Errorf("the resumed run lacks %s", name)
		} else if !bytes.Equal(w, g) {
			t.Errorf("%s differs from the uninterrupted run's", name)
		}
	}
	for name := range got {
		if _, ok := want[name]; !ok && !strings.Contains(filepath.Base(name), ".tmp") {
			t.Errorf("the resumed run has %s, the uninterrupted one not", name)
		}
	}
	if _, ok := want["metrics.arrow"]; !ok {
		t.Error("the run wrote no metrics.arrow")
	}
	t.Logf("run (%v uninterrupted): killed %d times, then resumed", took.Round(time.Millisecond), killed)
}

// TestConcurrentWriters runs two writers of different files (other seeds)
// to one --out at the same time: both succeed and --out is one of the two
// complete files, byte for byte.
func TestConcurrentWriters(t *testing.T) {
	bins(t)
	for _, tool := range []string{"collect", "fitmodel"} {
		t.Run(tool, func(t *testing.T) {
			dir := t.TempDir()
			killInputs(t, dir)
			line := func(seed int) []string {
				if tool == "collect" {
					return strings.Fields(fmt.Sprintf("--env CartPole-v1 --steps 20000 --seed %d --out out.arrow", seed))
				}
				return strings.Fields(fmt.Sprintf("--data t.arrow --preset course --seed %d --out out.arrow", seed))
			}
			var want [2][]byte
			for s := range want {
				runTool(t, dir, tool, line(s))
				var err error
				if want[s], err = os.ReadFile(filepath.Join(dir, "out.arrow")); err != nil {
					t.Fatal(err)
				}
			}
			if bytes.Equal(want[0], want[1]) {
				t.Fatal("the two writers write the same bytes")
			}
			for range 3 {
				os.Remove(filepath.Join(dir, "out.arrow"))
				var dones []chan error
				var errs []*bytes.Buffer
				for s := range want {
					_, stderr, done := start(t, dir, tool, line(s))
					dones, errs = append(dones, done), append(errs, stderr)
				}
				for i, done := range dones {
					if err := <-done; err != nil {
						t.Fatalf("writer %d: %v: %s", i, err, errs[i])
					}
				}
				got, err := os.ReadFile(filepath.Join(dir, "out.arrow"))
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(got, want[0]) && !bytes.Equal(got, want[1]) {
					t.Errorf("out.arrow (%d bytes) is neither writer's file", len(got))
				}
				if tmps, _ := filepath.Glob(filepath.Join(dir, ".*.tmp*")); len(tmps) > 0 {
					t.Errorf("left %v", tmps)
				}
			}
		})
	}
}
