package app

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"github.com/dynago/dynago/lib/agent"
	"github.com/dynago/dynago/lib/dynamics"
	"github.com/dynago/dynago/lib/dynamics/dynamicstest"
	"github.com/dynago/dynago/lib/env"
	"github.com/dynago/dynago/lib/format"
	"github.com/dynago/dynago/lib/tool"
)

func runPPO(t *testing.T, args ...string) (int, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := tool.Run(New(), append([]string{"ppo"}, args...), &stdout, &stderr)
	return code, stderr.String()
}

func mustRun(t *testing.T, args ...string) {
	t.Helper()
	if code, msg := runPPO(t, args...); code != 0 {
		t.Fatalf("ppo %s: exit %d: %s", strings.Join(args, " "), code, msg)
	}
}

// collect writes steps transitions of CartPole-v1 acted by the policy in
// policyPath (what `collect --policy` does), or random ones if policyPath
// is empty.
func collect(t *testing.T, policyPath, out string, steps int) {
	t.Helper()
	e, _ := env.Make("CartPole-v1")
	var p *agent.Policy
	if policyPath != "" {
		var err error
		if p, err = agent.Load(policyPath); err != nil {
			t.Fatal(err)
		}
	}
	r := agent.NewRunner(e, agent.PolicyActor{Policy: p}, 0, agent.StreamCollect)
	tr := r.NewTransitions(steps)
	if _, err := r.Run(tr, steps, 0); err != nil {
		t.Fatal(err)
	}
	tr.Meta = format.Meta{"env": "CartPole-v1"}
	if err := format.WriteTransitions(out, tr); err != nil {
		t.Fatal(err)
	}
}

// TestUsageExamples runs the ppo lines of the usage text; the collect line
// is replaced by collecting with lib/agent.
func TestUsageExamples(t *testing.T) {
	t.Chdir(t.TempDir())
	n := 0
	for _, line := range strings.Split(Usage, "\n") {
		f := strings.Fields(line)
		switch {
		case len(f) > 0 && f[0] == "ppo":
			mustRun(t, f[1:]...)
			n++
		case len(f) > 0 && f[0] == "collect":
			collect(t, "p.arrow", "t.arrow", 256)
		}
	}
	if n != 2 {
		t.Fatalf("ran %d examples, want 2", n)
	}
	m, err := format.ReadMetrics("m.arrow")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, r := range m.Rows {
		names = append(names, r.Metric)
		if r.RealSteps != 256 || r.Index != format.NoIndex || r.Run != "" || r.Variant != "" {
			t.Errorf("row %+v: want real_steps 256, no index, empty run and variant", r)
		}
	}
	want := []string{"ppo_rows", "policy_loss", "value_loss", "entropy", "approx_kl", "clip_fraction", "explained_variance"}
	if !slices.Equal(names, want) {
		t.Errorf("metrics %v, want %v", names, want)
	}
	if m.Meta["env"] != "CartPole-v1" || m.Meta["seed"] != "0" || m.Meta["tool"] != "ppo" {
		t.Errorf("metadata %v lacks env, seed or tool", m.Meta)
	}
}

func TestInitArchitecture(t *testing.T) {
	t.Chdir(t.TempDir())
	mustRun(t, "--init", "--env", "Pendulum-v1", "--hidden", "32,16", "--activation", "relu", "--weight-init", "torch",
		"--log-std-init", "-0.5", "--seed", "1", "--out", "p.arrow")
	p, err := agent.Load("p.arrow")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(p.Hidden, []int{32, 16}) || p.Activation != "relu" || p.Init != "torch" || p.LogStdInit != -0.5 || p.Discrete() || p.ActDim() != 1 {
		t.Errorf("policy %+v does not have the requested architecture", p.Config)
	}
	if p.Gauss.LogStd.Data[0] != -0.5 {
		t.Errorf("log-std %v, want -0.5", p.Gauss.LogStd.Data)
	}
}

func TestErrors(t *testing.T) {
	t.Chdir(t.TempDir())
	mustRun(t, "--init", "--env", "CartPole-v1", "--seed", "0", "--out", "p.arrow")
	mustRun(t, "--init", "--env", "Acrobot-v1", "--seed", "0", "--out", "acro.arrow")
	collect(t, "p.arrow", "t.arrow", 50)
	collect(t, "", "random.arrow", 50)
	upd := func(extra ...string) []string {
		return append([]string{"--policy", "p.arrow", "--data", "t.arrow", "--out", "q.arrow", "--metrics", "m.arrow", "--seed", "0"}, extra...)
	}
	cases := []struct {
		name string
		args []string
		code int
		msg  string
	}{
		{"unknown preset", upd("--preset", "fast"), 2, "--preset"},
		{"gamma out of range", upd("--gamma", "1.5"), 2, "--gamma 1.5: must be in [0, 1]"},
		{"epochs zero", upd("--epochs", "0"), 2, "--epochs 0"},
		{"minibatch zero", upd("--minibatch", "0"), 2, "--minibatch 0"},
		{"progress out of range", upd("--progress", "2"), 2, "--progress 2"},
		{"anneal without budget", upd("--anneal", "--total-steps", "0"), 2, "--anneal and --anneal-clip need"},
		{"negative real steps", upd("--real-steps", "-3"), 2, "--real-steps -3"},
		{"bad hidden", []string{"--init", "--env", "CartPole-v1", "--hidden", "64,x", "--seed", "0", "--out", "x.arrow"}, 2, "--hidden"},
		{"bad activation", []string{"--init", "--env", "CartPole-v1", "--activation", "sigmoid", "--seed", "0", "--out", "x.arrow"}, 2, "--activation"},
		{"init without env", []string{"--init", "--seed", "0", "--out", "x.arrow"}, 2, "--init needs --env"},
		{"unknown env", []string{"--init", "--env", "Nope-v0", "--seed", "0", "--out", "x.arrow"}, 2, "--env"},
		{"missing data", []string{"--policy", "p.arrow", "--out", "q.arrow", "--metrics", "m.arrow", "--seed", "0"}, 2, "--data"},
		{"missing policy file", upd("--policy", "none.arrow"), 1, "none.arrow"},
		{"data without log_prob", upd("--data", "random.arrow"), 1, "log_prob"},
		{"policy for another env", upd("--policy", "acro.arrow"), 1, "policy acro.arrow from Acrobot-v1"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, msg := runPPO(t, c.args...)
			if code != c.code || !strings.Contains(msg, c.msg) {
				t.Errorf("exit %d, stderr %q; want exit %d and %q", code, msg, c.code, c.msg)
			}
			if strings.Count(strings.TrimSpace(msg), "\n") != 0 {
				t.Errorf("stderr has more than one line: %q", msg)
			}
		})
	}
}

// BenchmarkUpdateTool runs the whole tool in-process (read policy and a
// 200-step file, one course update, write policy and metrics): the cost of
// one pipeline iteration without process start.
func BenchmarkUpdateTool(b *testing.B) {
	dir := b.TempDir()
	b.Chdir(dir)
	t := &testing.T{}
	if code, msg := runPPO(t, "--init", "--env", "CartPole-v1", "--seed", "0", "--out", "p.arrow"); code != 0 {
		b.Fatal(msg)
	}
	collect(t, "p.arrow", "t.arrow", 200)
	for b.Loop() {
		if code, msg := runPPO(t, "--policy", "p.arrow", "--data", "t.arrow", "--out", "q.arrow", "--metrics", "m.arrow", "--seed", "0"); code != 0 {
			b.Fatal(msg)
		}
	}
}

// TestNoTransitions: an update on empty data (gated imagination that kept
// no step) writes the policy unchanged and says so in its metrics.
func TestNoTransitions(t *testing.T) {
	dir := t.TempDir()
	in, empty, out, met := dir+"/p.arrow", dir+"/empty.arrow", dir+"/q.arrow", dir+"/m.arrow"
	mustRun(t, "--init", "--env", "CartPole-v1", "--seed", "1", "--out", in)
	if err := format.WriteTransitions(empty, format.NewTransitions(4, 1, true, 0)); err != nil {
		t.Fatal(err)
	}
	mustRun(t, "--policy", in, "--data", empty, "--out", out, "--metrics", met, "--seed", "2", "--real-steps", "300")
	p, err := agent.Load(in)
	if err != nil {
		t.Fatal(err)
	}
	q, err := agent.Load(out)
	if err != nil {
		t.Fatal(err)
	}
	pp, qp := p.Params(), q.Params()
	for i := range pp {
		if !slices.Equal(pp[i].Data, qp[i].Data) {
			t.Errorf("%s changed", pp[i].Name)
		}
	}
	m, err := format.ReadMetrics(met)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Rows) != 1 || m.Rows[0].Metric != "ppo_rows" || m.Rows[0].Value != 0 || m.Rows[0].RealSteps != 300 {
		t.Errorf("metrics %+v, want one ppo_rows = 0 row at 300 real steps", m.Rows)
	}
}

// TestMVE runs an update with model-based value expansion: it records the
// model steps it took (at most H per real row, at least one per row that
// did not terminate), and an out-of-range horizon or a model of another
// environment is refused.
func TestMVE(t *testing.T) {
	t.Chdir(t.TempDir())
	mustRun(t, "--init", "--env", "CartPole-v1", "--preset", "tuned", "--seed", "0", "--out", "p.arrow")
	collect(t, "p.arrow", "t.arrow", 256)
	writeModel(t, "CartPole-v1", "model.arrow", "t.arrow")
	writeModel(t, "Acrobot-v1", "acrobot.arrow", "")
	mustRun(t, "--preset", "tuned", "--policy", "p.arrow", "--data", "t.arrow", "--out", "q.arrow", "--metrics", "m.arrow",
		"--seed", "0", "--real-steps", "256", "--mve-model", "model.arrow", "--mve-horizon", "3")
	m, err := format.ReadMetrics("m.arrow")
	if err != nil {
		t.Fatal(err)
	}
	tr, err := format.ReadTransitions("t.arrow")
	if err != nil {
		t.Fatal(err)
	}
	live := 0
	for _, term := range tr.Terminated {
		if !term {
			live++
		}
	}
	i := slices.IndexFunc(m.Rows, func(r format.MetricRow) bool { return r.Metric == "mve_model_steps" })
	if i < 0 || m.Rows[i].Value < float64(live) || m.Rows[i].Value > float64(3*live) {
		t.Errorf("mve_model_steps row %d of %+v; want in [%d, %d]", i, m.Rows, live, 3*live)
	}
	for _, c := range []struct {
		args []string
		code int
	}{
		{[]string{"--mve-model", "model.arrow", "--mve-horizon", "-1"}, 2},
		{[]string{"--mve-model", "acrobot.arrow"}, 1},
		{[]string{"--mve-model", "missing.arrow"}, 1},
	} {
		args := append([]string{"--preset", "tuned", "--policy", "p.arrow", "--data", "t.arrow", "--out", "r.arrow", "--metrics", "n.arrow", "--seed", "0"}, c.args...)
		if code, msg := runPPO(t, args...); code != c.code || strings.Count(msg, "\n") != 1 {
			t.Errorf("ppo %v: exit %d, want %d: %q", c.args, code, c.code, msg)
		}
	}
}

// writeModel saves an untrained course dynamics model for envID,
// normalised on the transitions in data when given.
func writeModel(t *testing.T, envID, out, data string) {
	t.Helper()
	model := dynamicstest.New(t, envID, "course", 0)
	if data != "" {
		tr, err := format.ReadTransitions(data)
		if err != nil {
			t.Fatal(err)
		}
		d, err := dynamics.NewDataset(tr)
		if err != nil {
			t.Fatal(err)
		}
		model.SetNorm(d)
	}
	if err := model.Save(out, format.Meta{"env": envID}); err != nil {
		t.Fatal(err)
	}
}
