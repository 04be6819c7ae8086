package runloop_test

import (
	"context"
	"fmt"
	"maps"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/dynago/dynago/lib/runloop"
)

// TestDynaVariants checks the tool commands of the Dyna-PPO study's loop
// variables: IMAG_ROUNDS=2 imagines and updates twice per iteration (round
// 2 with seeds k = 5 and 6, the policy of round 1, its own files),
// IMAG_EPOCHS reaches only the updates with imagined rows, REWARD_PENALTY
// and NORM_ADV_SPLIT their tools, and MVE_HORIZON gives the real update of
// every iteration after the first the previous iteration's model. Seven
// rounds are refused.
func TestDynaVariants(t *testing.T) {
	vars := maps.Clone(dynaRun)
	maps.Copy(vars, map[string]string{"IMAG_ROUNDS": "2", "MVE_HORIZON": "1", "IMAG_EPOCHS": "2", "REWARD_PENALTY": "0.5",
		"NORM_ADV_SPLIT": "1", "ENSEMBLE": "2", "EVAL_MODEL": "0", "STEPS": "300"})
	var calls [][]string
	dir := t.TempDir()
	run(t, context.Background(), dir, vars, runloop.KeepAll, func(args []string) { calls = append(calls, append([]string(nil), args...)) })
	iter := func(args []string, name string) int {
		i, _ := strconv.Atoi(filepath.Base(filepath.Dir(flag(args, name))))
		return i
	}
	seed := func(i, k int) string { return strconv.FormatInt(runloop.ToolSeed(3, i, k), 10) }
	// last returns the last value of a repeated flag.
	last := func(args []string, name string) string {
		v := ""
		for j, a := range args {
			if a == "--"+name && j+1 < len(args) {
				v = args[j+1]
			}
		}
		return v
	}
	imagines, updates := 0, 0
	for _, a := range calls {
		switch a[0] {
		case "imagine":
			imagines++
			i := iter(a, "out")
			round2 := strings.HasSuffix(flag(a, "out"), "imagined-2.arrow")
			want, policy := seed(i, 3), "policy-real.arrow"
			if round2 {
				want, policy = seed(i, 5), "policy-imag1.arrow"
			}
			if flag(a, "seed") != want || filepath.Base(flag(a, "policy")) != policy || flag(a, "reward-penalty") != "0.5" {
				t.Errorf("imagine %v: want seed %s, policy %s, --reward-penalty 0.5", a, want, policy)
			}
		case "ppo":
			if has(a, "init") {
				continue
			}
			updates++
			i := iter(a, "out")
			out := filepath.Base(flag(a, "out"))
			if !has(a, "norm-adv-split") {
				t.Errorf("ppo %v: no --norm-adv-split", a)
			}
			switch out {
			case "policy-real.arrow":
				wantMVE := ""
				if i > 1 {
					wantMVE = filepath.Join(dir, "iters", fmt.Sprintf("%05d", i-1), "model.arrow")
				}
				if flag(a, "mve-model") != wantMVE || (wantMVE != "" && flag(a, "mve-horizon") != "1") || last(a, "epochs") == "2" || flag(a, "seed") != seed(i, 1) {
					t.Errorf("real update of iteration %d: %v; want --mve-model %q, not --epochs 2", i, a, wantMVE)
				}
			case "policy-imag1.arrow", "policy.arrow":
				k := 4
				if out == "policy.arrow" {
					k = 6
				}
				if last(a, "epochs") != "2" || has(a, "mve-model") || flag(a, "seed") != seed(i, k) {
					t.Errorf("imagined update %s of iteration %d: %v; want --epochs 2 last, no --mve-model, seed %s", out, i, a, seed(i, k))
				}
			default:
				t.Errorf("ppo writes %s", out)
			}
		}
	}
	if imagines == 0 || imagines*3 != updates*2 {
		t.Errorf("%d imagine and %d ppo update commands; want 2 and 3 per iteration", imagines, updates)
	}
	vars["IMAG_ROUNDS"] = "7"
	s := settings(t, vars)
	if err := runloop.Run(context.Background(), runloop.Options{Dir: t.TempDir(), Settings: s, Tools: tools}); err == nil || !strings.Contains(err.Error(), "IMAG_ROUNDS=7") {
		t.Errorf("IMAG_ROUNDS=7: error %v", err)
	}
}
