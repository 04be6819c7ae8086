package runloop_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/dynago/dynago/internal/toolset"
	"github.com/dynago/dynago/lib/format"
	"github.com/dynago/dynago/lib/runloop"
)

var tools = toolset.Loop()

// Small runs of each loop, quick enough for the test suite.
var (
	ppoRun = map[string]string{"ALGO": "ppo", "SEED": "1", "STEPS": "500", "EVAL_EVERY": "100", "EVAL_EPISODES": "1"}
	// 50-step rollouts: every other boundary falls on an iteration's end.
	ppoRollout = map[string]string{"ALGO": "ppo", "SEED": "2", "STEPS": "430", "EVAL_EVERY": "100", "EVAL_EPISODES": "1", "ROLLOUT": "50"}
	dynaRun    = map[string]string{"ALGO": "dyna", "SEED": "3", "STEPS": "600", "EVAL_EVERY": "200", "EVAL_EPISODES": "1",
		"MODEL_PRESET": "course", "MODEL_UPDATES": "3", "HORIZON": "5", "IMAG_BATCHES": "4", "TERMINATION": "course",
		"HORIZON_TERMINAL": "1", "EVAL_MODEL": "1", "HELDOUT_STEPS": "50"}
	mpcRun = map[string]string{"ALGO": "mpc", "SEED": "4", "STEPS": "300", "EVAL_EVERY": "150", "EVAL_EPISODES": "1",
		"MODEL_EVERY": "100", "MODEL_PRESET": "course", "MODEL_UPDATES": "20", "ENSEMBLE": "2", "MODEL_TERM_WEIGHT": "1",
		"CEM_SAMPLES": "16", "CEM_HORIZON": "4", "CEM_ITERS": "1", "CEM_ELITES": "4", "CEM_TERMINATION": "model"}
)

func settings(t *testing.T, vars map[string]string) *runloop.Settings {
	t.Helper()
	s, err := runloop.NewSettings(vars)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func run(t *testing.T, ctx context.Context, dir string, vars map[string]string, keep string, hook func([]string)) error {
	t.Helper()
	var log bytes.Buffer
	err := runloop.Run(ctx, runloop.Options{Dir: dir, Name: "r", Settings: settings(t, vars), Keep: keep, Tools: tools, Log: &log, BeforeTool: hook})
	if err != nil && !errors.Is(err, context.Canceled) {
		t.Fatalf("run: %v\n%s", err, log.String())
	}
	return err
}

// flag returns the value of --name in args ("" if absent).
func flag(args []string, name string) string {
	for i, a := range args {
		if a == "--"+name && i+1 < len(args) {
			return args[i+1]
		}
	}
	return ""
}

func has(args []string, name string) bool {
	for _, a := range args {
		if a == "--"+name {
			return true
		}
	}
	return false
}

// trainedOn returns the real steps the policy or model file was trained
// on, from the command line recorded in its metadata (ppo --init: 0).
func trainedOn(t *testing.T, path string) int64 {
	t.Helper()
	w, err := format.ReadWeights(path)
	if err != nil {
		t.Fatalf("evaluated file: %v", err)
	}
	args := strings.Fields(w.Meta["args"])
	if has(args, "init") {
		return 0
	}
	n, err := strconv.ParseInt(flag(args, "real-steps"), 10, 64)
	if err != nil {
		t.Fatalf("%s: no --real-steps in %q", path, w.Meta["args"])
	}
	return n
}

// TestEvalStep checks the evaluation convention of every loop: the
// evaluation labelled b uses the newest policy (and model) trained on at
// most b real steps, read from the evaluated files themselves.
func TestEvalStep(t *testing.T) {
	for name, vars := range map[string]map[string]string{"ppo": ppoRun, "ppo-rollout": ppoRollout, "dyna": dynaRun, "mpc": mpcRun} {
		t.Run(name, func(t *testing.T) {
			var policies, models []int64 // real steps of the iterations' policies and models so far
			evals := map[int64]bool{}
			atEnd := 0 // evaluations that fall on an iteration's end
			newest := func(xs []int64, b int64) int64 {
				n := int64(-1)
				for _, x := range xs {
					if x <= b && x > n {
						n = x
					}
				}
				return n
			}
			check := func(what string, got, b int64, xs []int64) {
				if got > b {
					t.Errorf("%s at %d real steps uses what was learned from %d", what, b, got)
				} else if w := newest(xs, b); got != w {
					t.Errorf("%s at %d real steps uses a file trained on %d, the newest is %d", what, b, got, w)
				}
			}
			hook := func(args []string) {
				out := flag(args, "out")
				switch {
				case args[0] == "ppo" && filepath.Base(out) == "policy.arrow":
					rs, _ := strconv.ParseInt(flag(args, "real-steps"), 10, 64)
					policies = append(policies, rs)
				case args[0] == "fitmodel":
					rs, _ := strconv.ParseInt(flag(args, "real-steps"), 10, 64)
					models = append(models, rs)
				case args[0] == "collect" && has(args, "eval"):
					b, _ := strconv.ParseInt(flag(args, "real-steps"), 10, 64)
					evals[b] = true
					if m := flag(args, "model"); m != "" {
						check("the planner's model", trainedOn(t, m), b, models)
					} else if has(args, "planner") {
						if newest(models, b) >= 0 {
							t.Errorf("evaluation at %d plans randomly; a model trained on %d exists", b, newest(models, b))
						}
					}
					if p := flag(args, "policy"); p != "" {
						got := trainedOn(t, p)
						check("the policy", got, b, policies)
						if got == b && b > 0 {
							atEnd++
						}
					}
				case args[0] == "evalmodel":
					b, _ := strconv.ParseInt(flag(args, "real-steps"), 10, 64)
					check("the evaluated model", trainedOn(t, flag(args, "model")), b, models)
				}
			}
			policies = append(policies, 0) // ppo --init
			run(t, context.Background(), filepath.Join(t.TempDir(), "r"), vars, runloop.KeepAll, hook)
			steps, _ := strconv.ParseInt(vars["STEPS"], 10, 64)
			every, _ := strconv.ParseInt(vars["EVAL_EVERY"], 10, 64)
			for b := int64(0); b <= steps; b += every {
				if !evals[b] {
					t.Errorf("no evaluation at %d", b)
				}
			}
			if !evals[steps] {
				t.Errorf("no evaluation at STEPS=%d", steps)
			}
			if name == "ppo-rollout" && atEnd == 0 {
				t.Errorf("no evaluation fell on an iteration's end: the test does not cover that case")
			}
		})
	}
}

// tree returns the files under dir, relative, with their bytes; paths
// inside them (provenance names the run directory) written as OUT. Runs
// compared must have directories of equal length (Arrow pads metadata).
func tree(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	err := filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err != nil || !info.Mode().IsRegular() {
			return err
		}
		b, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		out[rel] = bytes.ReplaceAll(b, []byte(dir), []byte("OUT"+strings.Repeat("_", len(dir)-3)))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func sameTree(t *testing.T, want, got map[string][]byte) {
	t.Helper()
	all := maps.Clone(got)
	maps.Copy(all, want)
	for _, k := range slices.Sorted(maps.Keys(all)) {
		w, okw := want[k]
		g, okg := got[k]
		switch {
		case !okw:
			t.Errorf("extra file %s", k)
		case !okg:
			t.Errorf("missing file %s", k)
		case !bytes.Equal(w, g):
			t.Errorf("%s differs", k)
		}
	}
}

// TestResume cancels runs after some tool calls, at several points, and
// checks that resuming gives the same files, byte for byte, as an
// uninterrupted run, in both KEEP modes.
func TestResume(t *testing.T) {
	for _, keep := range []string{runloop.KeepCheckpoints, runloop.KeepAll} {
		for name, vars := range map[string]map[string]string{"dyna": dynaRun, "mpc": mpcRun} {
			t.Run(keep+"/"+name, func(t *testing.T) {
				if testing.Short() && name == "mpc" {
					t.Skip("plans")
				}
				tmp := t.TempDir()
				full := filepath.Join(tmp, "a", "r")
				calls := 0
				run(t, context.Background(), full, vars, keep, func([]string) { calls++ })
				want := tree(t, full)
				cut := filepath.Join(tmp, "b", "r")
				// Stop at tool call 3, then twice a third of the way further
				// (counted from each restart), then finish.
				for _, at := range []int{3, calls / 3, calls / 3, -1} {
					ctx, cancel := context.WithCancel(context.Background())
					n := 0
					err := run(t, ctx, cut, vars, keep, func([]string) {
						if n++; n == at {
							cancel()
						}
					})
					cancel()
					if at > 0 && err == nil {
						t.Fatalf("run was not stopped at call %d", at)
					}
				}
				sameTree(t, want, tree(t, cut))
				m, err := format.ReadMetrics(filepath.Join(full, runloop.MetricsFile))
				if err != nil {
					t.Fatal(err)
				}
				var s map[string]string
				if err := json.Unmarshal([]byte(m.Meta["run_settings"]), &s); err != nil || s["ALGO"] != vars["ALGO"] {
					t.Errorf("run_settings %q: %v", m.Meta["run_settings"], err)
				}
			})
		}
	}
}

// TestKeepSameRows checks that KEEP=checkpoints and KEEP=all give the same
// metrics rows, and that checkpoints keeps only evaluated iterations and
// the last.
func TestKeepSameRows(t *testing.T) {
	tmp := t.TempDir()
	rows := map[string][]format.MetricRow{}
	for _, keep := range []string{runloop.KeepCheckpoints, runloop.KeepAll} {
		dir := filepath.Join(tmp, keep, "r")
		run(t, context.Background(), dir, dynaRun, keep, nil)
		m, err := format.ReadMetrics(filepath.Join(dir, runloop.MetricsFile))
		if err != nil {
			t.Fatal(err)
		}
		rows[keep] = m.Rows
		if keep != runloop.KeepCheckpoints {
			continue
		}
		// The model evaluations stay at their checkpoints: the reports read
		// the histogram edges from their metadata (analysis.VisitEdges).
		evs, _ := filepath.Glob(filepath.Join(dir, "iters", "*", "evalmodel-*.metrics.arrow"))
		held, _ := filepath.Glob(filepath.Join(dir, "iters", "*", "heldout-*.arrow"))
		if len(evs) == 0 || len(evs) != len(held) {
			t.Errorf("checkpoints kept %d model-evaluation files for %d held-out sets", len(evs), len(held))
		}
		for _, f := range evs {
			m, err := format.ReadMetrics(f)
			if err != nil {
				t.Fatal(err)
			}
			if m.Meta["hist_edges_d0"] == "" {
				t.Errorf("%s: no histogram edges in its metadata", f)
			}
		}
		iters, _ := os.ReadDir(filepath.Join(dir, "iters"))
		for i, e := range iters[:len(iters)-1] {
			fs, _ := filepath.Glob(filepath.Join(dir, "iters", e.Name(), "*"))
			var names []string
			for _, f := range fs {
				names = append(names, filepath.Base(f))
			}
			if !strings.Contains(strings.Join(names, " "), "iteration.metrics.arrow") || strings.Contains(strings.Join(names, " "), "real.arrow") {
				t.Errorf("kept iteration %d (%s) holds %v", i, e.Name(), names)
			}
		}
	}
	a, b := rows[runloop.KeepCheckpoints], rows[runloop.KeepAll]
	if len(a) != len(b) {
		t.Fatalf("%d rows with checkpoints, %d with all", len(a), len(b))
	}
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("row %d: %+v with checkpoints, %+v with all", i, a[i], b[i])
		}
	}
}
