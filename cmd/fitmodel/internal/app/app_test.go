package app

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"github.com/dynago/dynago/lib/dynamics/dynamicstest"
	"github.com/dynago/dynago/lib/format"
	"github.com/dynago/dynago/lib/tool"
)

// writeRandom writes n random-policy CartPole transitions to path.
func writeRandom(t testing.TB, path string, n int, seed uint64) {
	t.Helper()
	if err := format.WriteTransitions(path, dynamicstest.Random(t, "CartPole-v1", n, seed)); err != nil {
		t.Fatal(err)
	}
}

func runTool(t testing.TB, args ...string) (int, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := tool.Run(New(), append([]string{"fitmodel"}, args...), &out, &errb)
	return code, errb.String()
}

// TestUsageExamples runs the fitmodel lines of Usage; the collect lines
// are replaced by writing the same number of random-policy transitions.
func TestUsageExamples(t *testing.T) {
	t.Chdir(t.TempDir())
	for _, line := range strings.Split(Usage[strings.Index(Usage, "Examples:"):], "\n") {
		f := strings.Fields(line)
		if len(f) == 0 {
			continue
		}
		switch f[0] {
		case "collect":
			steps := map[string]int{"t.arrow": 500, "t2.arrow": 200}
			writeRandom(t, f[len(f)-1], steps[f[len(f)-1]], uint64(len(f)))
		case "fitmodel":
			if code, msg := runTool(t, f[1:]...); code != 0 {
				t.Fatalf("%s: exit %d: %s", line, code, msg)
			}
		}
	}
	buf, err := format.ReadTransitions("buf.arrow")
	if err != nil {
		t.Fatal(err)
	}
	if buf.Len() != 500 {
		t.Errorf("buffer-out has %d rows, want 500", buf.Len())
	}
	m, err := format.ReadMetrics("fit.arrow")
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, r := range m.Rows {
		if r.Metric == "model_train_loss_delta" && r.Index == 0 && r.RealSteps == 500 {
			found = true
		}
	}
	if !found {
		t.Error("fit.arrow has no model_train_loss_delta for member 0")
	}
}

func TestBufferSize(t *testing.T) {
	t.Chdir(t.TempDir())
	writeRandom(t, "a.arrow", 300, 1)
	writeRandom(t, "b.arrow", 100, 2)
	if code, msg := runTool(t, "--data", "a.arrow", "--data", "b.arrow", "--buffer-size", "250", "--preset", "course",
		"--seed", "0", "--out", "m.arrow", "--buffer-out", "buf.arrow"); code != 0 {
		t.Fatal(msg)
	}
	a, _ := format.ReadTransitions("a.arrow")
	b, _ := format.ReadTransitions("b.arrow")
	buf, err := format.ReadTransitions("buf.arrow")
	if err != nil {
		t.Fatal(err)
	}
	if buf.Len() != 250 || buf.Obs[0] != a.Obs[150*4] || buf.Obs[249*4] != b.Obs[99*4] {
		t.Errorf("buffer is not the newest 250 rows in order")
	}
}

func TestErrors(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	writeRandom(t, "t.arrow", 50, 1)
	if err := format.WriteTransitions("mc.arrow", dynamicstest.Random(t, "MountainCar-v0", 50, 1)); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		args []string
		code int
		msg  string
	}{
		{"bad preset", []string{"--preset", "x"}, 2, "--preset"},
		{"epochs and updates", []string{"--epochs", "1", "--updates", "1"}, 2, "--epochs"},
		{"zero epochs", []string{"--epochs", "0"}, 2, "--epochs 0"},
		{"holdout 1", []string{"--holdout", "1"}, 2, "--holdout"},
		{"hidden width zero", []string{"--hidden", "64,0"}, 2, `--hidden "64,0": widths must be integers in [1, 4096]`},
		{"hidden not a number", []string{"--hidden", "wide"}, 2, `--hidden "wide"`},
		{"negative term weight", []string{"--term-weight", "-1"}, 2, "--term-weight -1: must be in [0, 1e6]"},
		{"zero term pos weight", []string{"--term-pos-weight", "0"}, 2, "--term-pos-weight 0: must be in (0, 1e6]"},
		{"exact const reward with warm start", []string{"--exact-const-reward", "--warm-start", "o.arrow"}, 2, "--exact-const-reward: not allowed with --warm-start"},
		{"hidden with warm start", []string{"--hidden", "64", "--warm-start", "o.arrow"}, 2, "--hidden: not allowed with --warm-start"},
		{"metrics without real steps", []string{"--metrics", "m.arrow"}, 2, "--real-steps"},
		{"mirror without a symmetry", []string{"--mirror", "--data", "mc.arrow"}, 1, "--mirror: env: MountainCar-v0 declares no symmetry"},
		{"data of another env", []string{"--env", "MountainCar-v0"}, 1, "data t.arrow is from environment CartPole-v1, --env from MountainCar-v0"},
		{"data of two envs", []string{"--data", "t.arrow", "--data", "mc.arrow"}, 1, "data mc.arrow is from environment MountainCar-v0, data t.arrow from CartPole-v1"},
		{"missing data", []string{"--data", "nope.arrow"}, 1, "nope.arrow"},
		{"missing warm start", []string{"--warm-start", "nope.arrow"}, 1, "nope.arrow"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{"--seed", "0", "--out", "o.arrow"}, tc.args...)
			if !slices.Contains(tc.args, "--data") {
				args = append(args, "--data", "t.arrow")
			}
			code, msg := runTool(t, args...)
			if code != tc.code || !strings.Contains(msg, tc.msg) || !strings.HasPrefix(msg, "fitmodel: ") {
				t.Errorf("exit %d, message %q; want exit %d mentioning %q", code, msg, tc.code, tc.msg)
			}
		})
	}
}

// BenchmarkCourseProcess is one whole fitmodel call of the course's Dyna
// loop minus process start-up: read a 10,000-row buffer and a 200-row
// episode, warm start, 3 updates of 128, write model, buffer and metrics.
func BenchmarkCourseProcess(b *testing.B) {
	b.Chdir(b.TempDir())
	writeRandom(b, "buf.arrow", 10000, 1)
	writeRandom(b, "new.arrow", 200, 2)
	if code, msg := runTool(b, "--data", "buf.arrow", "--preset", "course", "--seed", "0", "--out", "prev.arrow"); code != 0 {
		b.Fatal(msg)
	}
	for b.Loop() {
		if code, msg := runTool(b, "--data", "buf.arrow", "--data", "new.arrow", "--warm-start", "prev.arrow", "--preset", "course",
			"--updates", "3", "--seed", "1", "--real-steps", "10200", "--out", "m.arrow", "--metrics", "fit.arrow", "--buffer-out", "buf2.arrow"); code != 0 {
			b.Fatal(msg)
		}
	}
}
