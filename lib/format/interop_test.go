package format

import (
	"bufio"
	"bytes"
	"encoding/json"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// TestJSInterop writes one file of each kind and reads them back with the
// JavaScript apache-arrow package, to show they use only standard Arrow
// types. It needs node and the package: DYNAGO_NODE_MODULES names a
// node_modules directory holding apache-arrow (.ci/run installs one). The
// test skips when the variable is unset, unless DYNAGO_REQUIRE_INTEROP=1.
func TestJSInterop(t *testing.T) {
	mods := os.Getenv("DYNAGO_NODE_MODULES")
	if mods == "" {
		if os.Getenv("DYNAGO_REQUIRE_INTEROP") == "1" {
			t.Fatal("DYNAGO_REQUIRE_INTEROP=1 but DYNAGO_NODE_MODULES is not set")
		}
		t.Skip("DYNAGO_NODE_MODULES not set: no JavaScript Arrow to read with")
	}
	node, err := exec.LookPath("node")
	if err != nil {
		t.Fatal("DYNAGO_NODE_MODULES is set but node is not on PATH")
	}
	dir := t.TempDir()
	tr := NewTransitions(2, 1, true, 2)
	tr.AppendRow(Row{Episode: 3, Step: 0, Obs: []float64{0.5, -1}, Action: 1, Reward: 1, NextObs: []float64{0.25, -2},
		LogProb: -0.69, Value: math.NaN(), VarDelta: math.NaN(), VarReward: math.NaN()})
	tr.AppendRow(Row{Episode: 3, Step: 1, Obs: []float64{0.25, -2}, Action: 0, Reward: 1, NextObs: []float64{0, -3}, Terminated: true,
		LogProb: -0.7, Value: 2, Imagined: true, VarDelta: 0.01, VarReward: 0.02})
	tc := NewTransitions(3, 2, false, 1)
	tc.AppendRow(Row{Obs: []float64{1, 2, 3}, ActionVec: []float64{-0.5, 0.5}, Reward: -1, NextObs: []float64{1, 2, 4},
		LogProb: math.NaN(), Value: math.NaN(), VarDelta: math.NaN(), VarReward: math.NaN()})
	files := map[string]func(string) error{
		"discrete.arrow":   func(p string) error { return WriteTransitions(p, tr) },
		"continuous.arrow": func(p string) error { return WriteTransitions(p, tc) },
		"weights.arrow": func(p string) error {
			return WriteWeights(p, &Weights{Tensors: []Tensor{{Name: "l0.W", Shape: []int{2, 3}, Data: []float64{1, 2, 3, 4, 5, 6}}}})
		},
		"metrics.arrow": func(p string) error {
			return WriteMetrics(p, &Metrics{Rows: []MetricRow{{Run: "r", Variant: "dyna", Seed: 1, RealSteps: 1000, Metric: "model_ek", Index: 5, Value: 0.25}}})
		},
	}
	want := map[string]struct {
		kind  string
		rows  int
		first map[string]any
	}{
		"discrete.arrow":   {KindTransitions, 2, map[string]any{"episode": 3.0, "obs": []any{0.5, -1.0}, "action": 1.0, "logp": -0.69, "value": nil, "imagined": false}},
		"continuous.arrow": {KindTransitions, 1, map[string]any{"action": []any{-0.5, 0.5}, "next_obs": []any{1.0, 2.0, 4.0}, "logp": nil}},
		"weights.arrow":    {KindWeights, 1, map[string]any{"name": "l0.W", "shape": []any{2.0, 3.0}, "data": []any{1.0, 2.0, 3.0, 4.0, 5.0, 6.0}}},
		"metrics.arrow":    {KindMetrics, 1, map[string]any{"run": "r", "variant": "dyna", "metric": "model_ek", "index": 5.0, "value": 0.25, "real_steps": 1000.0}},
	}
	var paths []string
	for name, write := range files {
		p := filepath.Join(dir, name)
		if err := write(p); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	script, err := filepath.Abs("testdata/interop.cjs")
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(node, append([]string{script}, paths...)...)
	cmd.Env = append(os.Environ(), "NODE_PATH="+mods)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("node: %v\n%s", err, stderr.String())
	}
	seen := 0
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		var got struct {
			Path  string         `json:"path"`
			Kind  string         `json:"kind"`
			Rows  int            `json:"rows"`
			First map[string]any `json:"first"`
		}
		if err := json.Unmarshal(sc.Bytes(), &got); err != nil {
			t.Fatalf("node printed %q: %v", sc.Text(), err)
		}
		w := want[filepath.Base(got.Path)]
		seen++
		if got.Kind != w.kind || got.Rows != w.rows {
			t.Errorf("%s: kind %q, %d rows; want %q, %d", got.Path, got.Kind, got.Rows, w.kind, w.rows)
		}
		for col, v := range w.first {
			g, _ := json.Marshal(got.First[col])
			e, _ := json.Marshal(v)
			if !bytes.Equal(g, e) {
				t.Errorf("%s: column %s of the first row is %s in JavaScript, want %s", filepath.Base(got.Path), col, g, e)
			}
		}
	}
	if seen != len(files) {
		t.Errorf("node read %d files, want %d", seen, len(files))
	}
}
