package app

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dynago/dynago/lib/format"
	"github.com/dynago/dynago/lib/tool"
)

func writeMetrics(t *testing.T, path string, env string, rows ...format.MetricRow) {
	t.Helper()
	if err := format.WriteMetrics(path, &format.Metrics{Rows: rows, Meta: format.Meta{"env": env}}); err != nil {
		t.Fatal(err)
	}
}

func TestConcat(t *testing.T) {
	dir := t.TempDir()
	a, b, out := filepath.Join(dir, "a.arrow"), filepath.Join(dir, "b.arrow"), filepath.Join(dir, "m.arrow")
	writeMetrics(t, a, "", format.MetricRow{Metric: "eval_return", RealSteps: 0, Index: -1, Value: 20})
	writeMetrics(t, b, "CartPole-v1",
		format.MetricRow{Metric: "eval_return", RealSteps: 1000, Index: -1, Value: 30},
		format.MetricRow{Metric: "model_ek", RealSteps: 1000, Index: 3, Value: 0.5})
	var stdout, stderr bytes.Buffer
	code := tool.Run(New(), []string{"concat", "--run", "r1", "--variant", "dyna", "--seed", "7", "--out", out, a, b}, &stdout, &stderr)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	m, err := format.ReadMetrics(out)
	if err != nil {
		t.Fatal(err)
	}
	want := []format.MetricRow{
		{Run: "r1", Variant: "dyna", Seed: 7, Metric: "eval_return", RealSteps: 0, Index: -1, Value: 20},
		{Run: "r1", Variant: "dyna", Seed: 7, Metric: "eval_return", RealSteps: 1000, Index: -1, Value: 30},
		{Run: "r1", Variant: "dyna", Seed: 7, Metric: "model_ek", RealSteps: 1000, Index: 3, Value: 0.5},
	}
	if len(m.Rows) != len(want) {
		t.Fatalf("got %d rows, want %d", len(m.Rows), len(want))
	}
	for i := range want {
		if m.Rows[i] != want[i] {
			t.Errorf("row %d: got %+v, want %+v", i, m.Rows[i], want[i])
		}
	}
	if m.Meta["env"] != "CartPole-v1" || m.Meta["seed"] != "7" || m.Meta["tool"] != "concat" {
		t.Errorf("metadata: %v", m.Meta)
	}
}

func TestConcatErrors(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name string
		args []string
		code int
		msg  string
	}{
		{"no inputs", []string{"--out", filepath.Join(dir, "o.arrow")}, 2, "no input files"},
		{"missing file", []string{"--out", filepath.Join(dir, "o.arrow"), filepath.Join(dir, "nope.arrow")}, 1, "nope.arrow"},
		{"no out", []string{"x.arrow"}, 2, "out"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := tool.Run(New(), append([]string{"concat"}, tc.args...), &stdout, &stderr)
			if code != tc.code || !strings.Contains(stderr.String(), tc.msg) || strings.Count(stderr.String(), "\n") != 1 {
				t.Errorf("exit %d, stderr %q; want exit %d mentioning %q on one line", code, stderr.String(), tc.code, tc.msg)
			}
		})
	}
}
