package app

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/dynago/dynago/lib/agent"
	"github.com/dynago/dynago/lib/env"
	"github.com/dynago/dynago/lib/format"
	"github.com/dynago/dynago/lib/tool"
)

// runCollect runs collect in-process and returns the exit code and stderr.
func runCollect(t *testing.T, args ...string) (int, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := tool.Run(New(), append([]string{"collect"}, args...), &stdout, &stderr)
	return code, stderr.String()
}

func mustRun(t *testing.T, args ...string) {
	t.Helper()
	if code, msg := runCollect(t, args...); code != 0 {
		t.Fatalf("collect %s: exit %d: %s", strings.Join(args, " "), code, msg)
	}
}

// writePolicy saves a fresh 64-64 tanh policy for id at path.
func writePolicy(t *testing.T, id, path string) {
	t.Helper()
	e, err := env.Make(id)
	if err != nil {
		t.Fatal(err)
	}
	p := agent.New(agent.Config{Hidden: []int{64, 64}, Activation: "tanh", Init: agent.InitOrthogonal},
		e.ObservationSpace(), e.ActionSpace(), rand.New(rand.NewPCG(0, 0)))
	if err := p.Save(path, nil); err != nil {
		t.Fatal(err)
	}
}

func readT(t *testing.T, path string) *format.Transitions {
	t.Helper()
	tr, err := format.ReadTransitions(path)
	if err != nil {
		t.Fatal(err)
	}
	tr.Meta = nil
	return tr
}

// TestUsageExamples runs the collect lines of the usage text; the ppo and
// fitmodel lines are replaced by writing a policy with lib/agent and a
// model with lib/dynamics.
func TestUsageExamples(t *testing.T) {
	t.Chdir(t.TempDir())
	writePolicy(t, "CartPole-v1", "p.arrow")
	writeModel(t, "CartPole-v1", "model.arrow")
	n := 0
	for _, line := range strings.Split(Usage, "\n") {
		f := strings.Fields(line)
		if len(f) == 0 || f[0] != "collect" {
			continue
		}
		mustRun(t, f[1:]...)
		n++
	}
	if n != 5 {
		t.Errorf("ran %d examples, want 5", n)
	}
}

func TestSameSeedSameBytes(t *testing.T) {
	t.Chdir(t.TempDir())
	for _, out := range []string{"a.arrow", "b.arrow"} {
		mustRun(t, "--env", "CartPole-v1", "--steps", "300", "--seed", "5", "--out", out)
	}
	a, _ := os.ReadFile("a.arrow")
	b, _ := os.ReadFile("b.arrow")
	// The args differ only in --out, whose value has the same length.
	if !bytes.Equal(bytes.ReplaceAll(a, []byte("a.arrow"), []byte("b.arrow")), b) {
		t.Error("two runs with the same seed differ")
	}
}

// TestStateSplit shows that collecting N+M steps with a state file in two
// invocations records the same rows as N+M steps in one, for random and
// policy actions and for --episodes.
func TestStateSplit(t *testing.T) {
	cases := []struct {
		name        string
		env         string
		policy      bool
		first, then []string
		whole       []string
	}{
		{"random CartPole steps", "CartPole-v1", false,
			[]string{"--steps", "100"}, []string{"--steps", "100"}, []string{"--steps", "200"}},
		{"policy CartPole steps", "CartPole-v1", true,
			[]string{"--steps", "37"}, []string{"--steps", "163"}, []string{"--steps", "200"}},
		{"policy Pendulum steps across the time limit", "Pendulum-v1", true,
			[]string{"--steps", "150"}, []string{"--steps", "150"}, []string{"--steps", "300"}},
		{"random Acrobot episodes with a cap", "Acrobot-v1", false,
			[]string{"--episodes", "1", "--max-steps", "120"}, []string{"--episodes", "1", "--max-steps", "200"},
			[]string{"--steps", "320"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Chdir(t.TempDir())
			common := []string{"--env", c.env, "--seed", "3"}
			if c.policy {
				writePolicy(t, c.env, "p.arrow")
				common = append(common, "--policy", "p.arrow")
			}
			mustRun(t, append(append(common, c.first...), "--state", "s.json", "--out", "1.arrow")...)
			mustRun(t, append(append(common, c.then...), "--state", "s.json", "--out", "2.arrow")...)
			mustRun(t, append(append(common, c.whole...), "--out", "all.arrow")...)
			split := readT(t, "1.arrow")
			if err := split.Append(readT(t, "2.arrow")); err != nil {
				t.Fatal(err)
			}
			all := readT(t, "all.arrow")
			if split.Len() != all.Len() {
				t.Fatalf("split has %d rows, whole %d", split.Len(), all.Len())
			}
			if !sameRows(split, all) {
				t.Error("split rows differ from whole rows")
			}
		})
	}
}

// sameRows compares rows exactly: %v prints floats in shortest
// round-trip form and NaN (null) as NaN.
func sameRows(a, b *format.Transitions) bool {
	for i := range a.Len() {
		if fmt.Sprint(a.Row(i)) != fmt.Sprint(b.Row(i)) {
			return false
		}
	}
	return true
}

func TestEval(t *testing.T) {
	t.Chdir(t.TempDir())
	writePolicy(t, "CartPole-v1", "p.arrow")
	mustRun(t, "--eval", "--env", "CartPole-v1", "--policy", "p.arrow", "--episodes", "4", "--seed", "2",
		"--real-steps", "1000", "--metrics", "m.arrow", "--greedy")
	m, err := format.ReadMetrics("m.arrow")
	if err != nil {
		t.Fatal(err)
	}
	count := map[string]int{}
	var mean, sum float64
	for _, r := range m.Rows {
		count[r.Metric]++
		if r.RealSteps != 1000 || r.Seed != 2 {
			t.Errorf("row %+v: want real_steps 1000, seed 2", r)
		}
		switch r.Metric {
		case "eval_return":
			mean = r.Value
			if r.Index != format.NoIndex {
				t.Errorf("eval_return has index %d", r.Index)
			}
		case "eval_return_episode":
			sum += r.Value
		}
	}
	want := map[string]int{"eval_return": 1, "eval_length": 1, "eval_return_episode": 4, "eval_length_episode": 4}
	if !reflect.DeepEqual(count, want) {
		t.Errorf("metric counts %v, want %v", count, want)
	}
	if mean != sum/4 {
		t.Errorf("eval_return %v, want mean of episodes %v", mean, sum/4)
	}
	if m.Meta["env"] != "CartPole-v1" || m.Meta["seed"] != "2" || m.Meta["tool"] != "collect" {
		t.Errorf("metadata %v lacks env, seed or tool", m.Meta)
	}
}

func TestErrors(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	writePolicy(t, "CartPole-v1", "p.arrow")
	if err := os.WriteFile("bad.json", []byte("{"), 0o644); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		args []string
		code int
		msg  string // substring of stderr
	}{
		{"unknown env", []string{"--env", "Nope-v0", "--steps", "1", "--seed", "0", "--out", "x.arrow"}, 2, "--env"},
		{"steps zero", []string{"--env", "CartPole-v1", "--steps", "0", "--seed", "0", "--out", "x.arrow"}, 2, "--steps 0: must be in [1,"},
		{"episodes negative", []string{"--env", "CartPole-v1", "--episodes", "-1", "--seed", "0", "--out", "x.arrow"}, 2, "--episodes -1"},
		{"steps and episodes", []string{"--env", "CartPole-v1", "--steps", "1", "--episodes", "1", "--seed", "0", "--out", "x.arrow"}, 2, "exactly one"},
		{"max-steps without episodes", []string{"--env", "CartPole-v1", "--steps", "1", "--max-steps", "1", "--seed", "0", "--out", "x.arrow"}, 2, "--max-steps needs --episodes"},
		{"negative seed", []string{"--env", "CartPole-v1", "--steps", "1", "--seed", "-1", "--out", "x.arrow"}, 2, "--seed -1"},
		{"missing out", []string{"--env", "CartPole-v1", "--steps", "1", "--seed", "0"}, 2, "--out"},
		{"unknown flag", []string{"--env", "CartPole-v1", "--bogus"}, 2, "bogus"},
		{"eval without policy", []string{"--eval", "--env", "CartPole-v1", "--episodes", "1", "--seed", "0", "--real-steps", "0", "--metrics", "m.arrow"}, 2, "--policy"},
		{"eval without real-steps", []string{"--eval", "--env", "CartPole-v1", "--policy", "p.arrow", "--episodes", "1", "--seed", "0", "--metrics", "m.arrow"}, 2, "--real-steps"},
		{"missing policy file", []string{"--env", "CartPole-v1", "--policy", "none.arrow", "--steps", "1", "--seed", "0", "--out", "x.arrow"}, 1, "none.arrow"},
		{"policy for another env", []string{"--env", "Pendulum-v1", "--policy", "p.arrow", "--steps", "1", "--seed", "0", "--out", "x.arrow"}, 1, "does not fit Pendulum-v1"},
		{"policy with another action space", []string{"--env", "MountainCar-v0", "--policy", "p.arrow", "--steps", "1", "--seed", "0", "--out", "x.arrow"}, 1, "does not fit"},
		{"not a policy file", []string{"--env", "CartPole-v1", "--policy", "bad.json", "--steps", "1", "--seed", "0", "--out", "x.arrow"}, 1, "bad.json"},
		{"corrupt state", []string{"--env", "CartPole-v1", "--state", "bad.json", "--steps", "1", "--seed", "0", "--out", "x.arrow"}, 1, "state bad.json"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, msg := runCollect(t, c.args...)
			if code != c.code || !strings.Contains(msg, c.msg) {
				t.Errorf("exit %d, stderr %q; want exit %d and %q", code, msg, c.code, c.msg)
			}
			if strings.Count(strings.TrimSpace(msg), "\n") != 0 {
				t.Errorf("stderr has more than one line: %q", msg)
			}
		})
	}
}
