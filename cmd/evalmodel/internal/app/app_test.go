package app

import (
	"bytes"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dynago/dynago/lib/dynamics"
	"github.com/dynago/dynago/lib/dynamics/dynamicstest"
	"github.com/dynago/dynago/lib/env"
	"github.com/dynago/dynago/lib/format"
	"github.com/dynago/dynago/lib/tool"
)

// setup writes, in a new working directory, the files of the example: a
// two-member course-preset CartPole model trained briefly on 1,000 random
// transitions (model.arrow), 500 held-out transitions (heldout.arrow),
// 300 of an "earlier policy" (early.arrow) and 200 of Pendulum
// (pendulum.arrow).
func setup(t *testing.T) {
	t.Helper()
	t.Chdir(t.TempDir())
	c, err := dynamics.Preset("course")
	if err != nil {
		t.Fatal(err)
	}
	e, _ := env.Make("CartPole-v1")
	if err := c.SetSpaces(e.ObservationSpace(), e.ActionSpace()); err != nil {
		t.Fatal(err)
	}
	c.Members = 2
	rng := rand.New(rand.NewPCG(1, 2))
	m, err := dynamics.New(c, rng)
	if err != nil {
		t.Fatal(err)
	}
	d, err := dynamics.NewDataset(dynamicstest.Random(t, "CartPole-v1", 1000, 1))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.Fit(d, dynamics.FitOptions{Epochs: 5}, rng); err != nil {
		t.Fatal(err)
	}
	if err := m.Save("model.arrow", format.Meta{"tool": "test"}); err != nil {
		t.Fatal(err)
	}
	for _, f := range []struct {
		name, env string
		n         int
		seed      uint64
	}{{"heldout.arrow", "CartPole-v1", 500, 2}, {"early.arrow", "CartPole-v1", 300, 3}, {"pendulum.arrow", "Pendulum-v1", 200, 4}} {
		if err := format.WriteTransitions(f.name, dynamicstest.Random(t, f.env, f.n, f.seed)); err != nil {
			t.Fatal(err)
		}
	}
}

// runTool runs the tool in-process with a command line, as a shell splits it
// (no quoting needed in these tests).
func runTool(t *testing.T, cmdline string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = tool.Run(New(), strings.Fields(cmdline), &out, &errb)
	return code, out.String(), errb.String()
}

// TestExample runs the evalmodel lines of the help's example and checks
// that the output holds every documented metric.
func TestExample(t *testing.T) {
	setup(t)
	ran := 0
	for _, line := range strings.Split(Example, "\n") {
		line = strings.TrimSpace(line)
		if !strings.HasPrefix(line, "evalmodel ") {
			continue
		}
		if code, _, stderr := runTool(t, line); code != 0 {
			t.Fatalf("%s: exit %d: %s", line, code, stderr)
		}
		ran++
	}
	if ran != 2 {
		t.Fatalf("ran %d example lines, want 2", ran)
	}
	m, err := format.ReadMetrics("m.arrow")
	if err != nil {
		t.Fatal(err)
	}
	have := map[string]int{} // metric name: rows
	for _, r := range m.Rows {
		have[r.Metric]++
		if r.RealSteps != 5000 || r.Run != "" || r.Seed != 0 {
			t.Fatalf("row %+v: want real_steps 5000, no run, seed 0", r)
		}
	}
	want := map[string]int{
		"model_mse_delta": 1, "model_mse_delta_dim": 4, "model_mae_delta": 1, "model_mae_delta_dim": 4,
		"model_mse_reward": 1, "model_mae_reward": 1, "model_mse_next_obs": 1,
		"model_ek": 10, "model_ek_norm": 10, "model_ek_count": 10,
		"model_var_mean": 1, "model_var_err_mean": 1, "model_var_err_corr": 1, "model_var_err_spearman": 1,
		"model_var_mean_raw": 1, "model_var_err_mean_raw": 1, "model_var_err_corr_raw": 1, "model_var_err_spearman_raw": 1,
		"model_var_bin_var": 10, "model_var_bin_err": 10, "model_var_bin_count": 10,
		"model_mse_old": 1, "model_mse_new": 1,
		"hist_early_d0": 10, "hist_early_d3": 10, "hist_now_d2": 10,
		"hist_tv_early_now": 1, "hist_tv_early_now_dim": 4,
	}
	for name, n := range want {
		if have[name] != n {
			t.Errorf("%s: %d rows, want %d", name, have[name], n)
		}
	}
	for k, v := range map[string]string{"seed": "0", "k": "10", "env": "CartPole-v1", "tool": "evalmodel",
		"hist_bins": "10", "hist_edges_d1": "-3,-2.4,-1.8,-1.2,-0.6,0,0.6,1.2,1.8,2.4,3"} {
		if m.Meta[k] != v {
			t.Errorf("metadata %s = %q, want %q", k, m.Meta[k], v)
		}
	}
	// The help documents every metric.
	_, help, _ := runTool(t, "evalmodel --help")
	for name := range want {
		if strings.HasPrefix(name, "hist_") {
			continue
		}
		if !strings.Contains(help, name) {
			t.Errorf("--help does not mention %s", name)
		}
	}
}

func TestErrors(t *testing.T) {
	setup(t)
	const base = "evalmodel --model model.arrow --data heldout.arrow --metrics out.arrow"
	for _, tc := range []struct {
		name, args string
		code       int
		want       string // in the message
	}{
		{"missing model", "evalmodel --model nope.arrow --data heldout.arrow --metrics out.arrow", 1, "read nope.arrow: no such file"},
		{"missing data", "evalmodel --model model.arrow --data nope.arrow --metrics out.arrow", 1, "read nope.arrow: no such file"},
		{"model as data", "evalmodel --model model.arrow --data model.arrow --metrics out.arrow", 1, "model.arrow"},
		{"dimension mismatch", "evalmodel --model model.arrow --data pendulum.arrow --metrics out.arrow", 1,
			"data pendulum.arrow does not fit model model.arrow: obs_dim 3, the model's is 4"},
		{"old mismatch", base + " --old pendulum.arrow --new heldout.arrow", 1, "old transitions: obs_dim 3"},
		{"hist envs", base + " --hist a=heldout.arrow --hist b=pendulum.arrow", 1, "give --hist-range"},
		{"hist range dims", base + " --hist a=heldout.arrow --hist-range -1:1", 1, "obs_dim 4, the ranges have 1"},
		{"missing hist", base + " --hist a=nope.arrow", 1, "read nope.arrow"},
		{"k zero", base + " --k 0", 2, "--k 0: must be in [1, 1000]"},
		{"k not a number", base + " --k abc", 2, "abc"},
		{"unknown flag", base + " --bogus", 2, "bogus"},
		{"missing flag", "evalmodel --model model.arrow --data heldout.arrow", 2, "--metrics is required"},
		{"argument", base + " extra", 2, `unexpected argument "extra"`},
		{"old without new", base + " --old heldout.arrow", 2, "--old and --new"},
		{"real steps", base + " --real-steps -1", 2, "--real-steps -1: must be >= 0"},
		{"hist syntax", base + " --hist heldout.arrow", 2, "want LABEL=FILE"},
		{"hist label", base + " --hist a_b=heldout.arrow", 2, "letters and digits"},
		{"hist twice", base + " --hist a=heldout.arrow --hist a=heldout.arrow", 2, "given twice"},
		{"hist range", base + " --hist a=heldout.arrow --hist-range 1:0", 2, "--hist-range: range 0"},
		{"var bins", base + " --var-bins 0", 2, "--var-bins 0: must be in [1, 10000]"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := runTool(t, tc.args)
			if code != tc.code {
				t.Errorf("exit %d, want %d (stderr %q)", code, tc.code, stderr)
			}
			if !strings.HasPrefix(stderr, "evalmodel: ") || strings.Count(stderr, "\n") != 1 || !strings.Contains(stderr, tc.want) {
				t.Errorf("stderr %q: want one line \"evalmodel: ...\" containing %q", stderr, tc.want)
			}
			if stdout != "" {
				t.Errorf("stdout %q, want nothing", stdout)
			}
			if _, err := os.Stat("out.arrow"); err == nil {
				t.Error("out.arrow written despite the error")
			}
			if m, _ := filepath.Glob(".out.arrow.tmp*"); len(m) > 0 {
				t.Errorf("temporary files left: %v", m)
			}
		})
	}
}
