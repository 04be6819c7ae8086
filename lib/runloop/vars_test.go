package runloop

import (
	"strings"
	"testing"
)

func TestToolSeed(t *testing.T) {
	tests := []struct {
		seed int64
		i, k int
		want int64
	}{
		{0, 0, 0, 0}, {0, 1, 0, 16}, {3, 1, 4, 3_000_029}, {9, 200, 2, 9_003_229},
	}
	for _, tc := range tests {
		if got := ToolSeed(tc.seed, tc.i, tc.k); got != tc.want {
			t.Errorf("ToolSeed(%d, %d, %d) = %d, want %d", tc.seed, tc.i, tc.k, got, tc.want)
		}
	}
	if got := EvalSeed(2, 1000); got != 1_000_201_013 {
		t.Errorf("EvalSeed(2, 1000) = %d, want 1000201013", got)
	}
	// No collisions within a run between tools, iterations and evaluations.
	seen := map[int64]string{}
	for i := 0; i < 2000; i++ {
		for k := 0; k <= kPPO; k++ {
			s := ToolSeed(7, i, k)
			if seen[s] != "" {
				t.Fatalf("tool seed %d repeats", s)
			}
			seen[s] = "tool"
		}
	}
	for b := int64(0); b <= 100_000; b += 1000 {
		for _, s := range []int64{EvalSeed(7, b), EvalSeed(7, b) + 1} {
			if seen[s] != "" {
				t.Fatalf("evaluation seed %d repeats", s)
			}
			seen[s] = "eval"
		}
	}
}

func TestSettings(t *testing.T) {
	tests := []struct {
		name string
		set  map[string]string
		err  string
	}{
		{"ppo default", map[string]string{}, ""},
		{"horizon for ppo", map[string]string{"HORIZON": "3"}, "HORIZON=3 (--horizon): does not apply to ALGO=ppo"},
		{"cem for dyna", map[string]string{"ALGO": "dyna", "CEM_SAMPLES": "3"}, "does not apply to ALGO=dyna"},
		{"rollout for mpc", map[string]string{"ALGO": "mpc", "ROLLOUT": "3"}, "does not apply to ALGO=mpc"},
		{"bad algo", map[string]string{"ALGO": "sac"}, "must be one of ppo, dyna, mpc"},
		{"bad steps", map[string]string{"STEPS": "0"}, "STEPS=0 (--steps): must be an integer"},
		{"bad float", map[string]string{"ALGO": "dyna", "NOISE_SIGMA": "x"}, "must be a finite number"},
		{"bad bool", map[string]string{"ALGO": "dyna", "EVAL_MODEL": "yes"}, "must be 0 or 1"},
		{"bad env", map[string]string{"ENV": "Nope-v0"}, "ENV=Nope-v0"},
		{"bad preset", map[string]string{"PRESET": "fast"}, "ppo --preset"},
		{"unknown", map[string]string{"NOPE": "1"}, "unknown run variable NOPE"},
		{"empty is unset", map[string]string{"HORIZON": ""}, ""},
		{"gymnasium env, not started", map[string]string{"ENV": `gym:Pendulum-v1{"g":9.8}`}, ""},
		{"two words", map[string]string{"ALGO": "dyna", "PROPAGATION": "a b"}, "must be one of"},
		{"quote", map[string]string{"VARIANT": "a'b"}, "must be one word"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := NewSettings(tc.set)
			if tc.err == "" && err != nil || tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)) {
				t.Errorf("error %v, want %q", err, tc.err)
			}
		})
	}
}

// TestEffective checks the contract with the analyses: the keys every
// run's run_settings holds concretely, tool defaults resolved.
func TestEffective(t *testing.T) {
	must := []string{"ALGO", "PRESET", "ENV", "SEED", "STEPS", "VARIANT", "MODEL"}
	model := []string{"ENSEMBLE", "BUFFER_SIZE"}
	dyna := []string{"GATE_VARIANCE", "HORIZON", "IMAG_BATCHES", "NOISE_SIGMA"}
	tests := []struct {
		set  map[string]string
		keys []string
		want map[string]string
	}{
		{map[string]string{"ALGO": "ppo"}, must, map[string]string{"MODEL": "off", "VARIANT": "ppo-course", "HIDDEN": "128", "LR_ACTOR": "0.0005"}},
		{map[string]string{"ALGO": "dyna", "MODEL_PRESET": "course", "GATE_VARIANCE": "0.10"}, append(append(must, model...), dyna...),
			map[string]string{"MODEL": "on", "ENSEMBLE": "1", "GATE_VARIANCE": "0.1", "HORIZON": "5", "IMAG_BATCHES": "10", "NOISE_SIGMA": "0", "BUFFER_SIZE": "10000", "MODEL_WARM": "1"}},
		{map[string]string{"ALGO": "dyna", "PRESET": "tuned"}, nil, map[string]string{"ENSEMBLE": "5", "GATE_VARIANCE": "inf", "HIDDEN": "64,64", "MODEL_HIDDEN": "200,200"}},
		{map[string]string{"ALGO": "mpc", "ENSEMBLE": "3"}, append(must, model...), map[string]string{"MODEL": "on", "ENSEMBLE": "3", "MODEL_WARM": "0", "VARIANT": "mpc-course"}},
	}
	for _, tc := range tests {
		s, err := NewSettings(tc.set)
		if err != nil {
			t.Fatal(err)
		}
		e := s.Effective()
		for _, k := range tc.keys {
			if e[k] == "" {
				t.Errorf("%v: %s missing from the effective settings %v", tc.set, k, e)
			}
		}
		for k, v := range tc.want {
			if e[k] != v {
				t.Errorf("%v: %s = %q, want %q", tc.set, k, e[k], v)
			}
		}
		if _, ok := e["HORIZON"]; ok && tc.set["ALGO"] != "dyna" {
			t.Errorf("%v: HORIZON recorded for ALGO=%s", tc.set, tc.set["ALGO"])
		}
	}
}

func TestCompare(t *testing.T) {
	s, _ := NewSettings(map[string]string{"ALGO": "dyna", "HORIZON": "3"})
	old := s.Effective()
	if err := s.Compare(old); err != nil {
		t.Errorf("same settings: %v", err)
	}
	o2, _ := NewSettings(map[string]string{"ALGO": "dyna", "HORIZON": "4"})
	if err := o2.Compare(old); err == nil || !strings.Contains(err.Error(), `HORIZON is "3" there, "4" now`) {
		t.Errorf("other horizon: %v", err)
	}
	// A variable the old run did not record, left at its default, is fine;
	// set, it is not.
	delete(old, "NOISE_SIGMA")
	if err := s.Compare(old); err != nil {
		t.Errorf("variable added since, at its default: %v", err)
	}
	o3, _ := NewSettings(map[string]string{"ALGO": "dyna", "HORIZON": "3", "NOISE_SIGMA": "0.1"})
	if err := o3.Compare(old); err == nil {
		t.Errorf("variable added since, set: no error")
	}
}
