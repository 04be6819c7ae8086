package analysis

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dynago/dynago/lib/format"
	"github.com/dynago/dynago/lib/format/metric"
)

func run(name string, steps []int64, values []float64) *Run {
	r := &Run{Name: name, Variant: "v", Task: defaultTask}
	for i, s := range steps {
		r.Rows = append(r.Rows, format.MetricRow{Run: name, Variant: "v", RealSteps: s, Metric: metric.EvalReturn, Index: format.NoIndex, Value: values[i]})
	}
	return r
}

func TestAlignGrid(t *testing.T) {
	a := run("a", []int64{0, 1000, 2000, 3000}, []float64{0, 1, 2, 3})
	b := run("b", []int64{0, 1500, 2500}, []float64{0, 10, 20})
	g, err := AlignGrid([]*Run{a, b}, metric.EvalReturn, format.NoIndex)
	if err != nil {
		t.Fatal(err)
	}
	// Union of steps up to b's last (2500); b carries its values forward.
	want := []float64{0, 1000, 1500, 2000, 2500}
	if !g.Carried || len(g.Steps) != len(want) {
		t.Fatalf("grid %+v, want %v carried", g, want)
	}
	gotB := g.Sample(b, metric.EvalReturn, format.NoIndex)
	for i, w := range []float64{0, 0, 10, 10, 20} {
		if gotB[i] != w || g.Steps[i] != want[i] {
			t.Errorf("step %g: b = %g, want %g at %g", g.Steps[i], gotB[i], w, want[i])
		}
	}
	same, _ := AlignGrid([]*Run{a, a}, metric.EvalReturn, format.NoIndex)
	if same.Carried || same.Note() != "" {
		t.Errorf("identical runs reported as carried")
	}
}

func TestPoint(t *testing.T) {
	r := run("a", []int64{0, 1000, 2000}, []float64{1, 2, 6})
	cases := []struct {
		name string
		p    Point
		want float64
	}{
		{"last", Point{}, 6},
		{"last two", Point{Final: 2}, 4},
		{"more than there are", Point{Final: 9}, 3},
		{"at a step", Point{AtStep: true, Step: 1500}, 2},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got, err := c.p.Score(r, metric.EvalReturn); err != nil || got != c.want {
				t.Errorf("score %g, %v; want %g", got, err, c.want)
			}
		})
	}
	if _, err := (Point{AtStep: true, Step: -1}).Score(r, metric.EvalReturn); err == nil {
		t.Error("no error before the first step")
	}
}

func TestLoadErrors(t *testing.T) {
	if _, err := Load([]string{filepath.Join(t.TempDir(), "*.arrow")}, LoadOptions{}); err == nil {
		t.Error("no error for a glob matching nothing")
	}
}

func TestSetDataBounds(t *testing.T) {
	mk := func(task, variant string, seed int64, v float64) *Run {
		return &Run{Name: fmt.Sprint(task, variant, seed), Task: task, Variant: variant, Seed: seed,
			Rows: []format.MetricRow{{Metric: metric.EvalReturn, Index: format.NoIndex, RealSteps: 10, Value: v}}}
	}
	s := &Set{Runs: []*Run{
		mk("gym:Toy-v0", "a", 0, -300), mk("gym:Toy-v0", "b", 0, -100),
		mk("CartPole-v1", "a", 0, 20), mk("CartPole-v1", "b", 0, 30),
		mk("other", "a", 0, 5), mk("other", "b", 0, 6),
	}}
	n := &Normalization{Min: 0, Max: 500}
	if err := n.SetDataBounds(s, metric.EvalReturn, Point{}); err != nil {
		t.Fatal(err)
	}
	for task, want := range map[string][2]float64{"gym:Toy-v0": {-300, -100}, "CartPole-v1": {0, 500}, "other": {0, 500}} {
		if lo, hi := n.For(task); lo != want[0] || hi != want[1] {
			t.Errorf("%s: bounds %g, %g; want %v", task, lo, hi, want)
		}
	}
	if d := n.Describe([]string{"gym:Toy-v0"}); !strings.Contains(d, "declares no bounds") {
		t.Errorf("Describe: %q", d)
	}
}

func TestEnvOf(t *testing.T) {
	mk := func(settings string) *Run {
		r := &Run{Name: "a", Path: "a/metrics.arrow", Meta: format.Meta{}}
		if settings != "" {
			r.Meta[format.RunSettingsKey] = settings
		}
		return r
	}
	for _, tc := range []struct {
		runs []*Run
		want string
	}{
		{nil, "CartPole-v1"},
		{[]*Run{mk("")}, "CartPole-v1"},
		{[]*Run{mk(`{"ENV": "Pendulum-v1"}`), mk(`{"ENV": "Pendulum-v1"}`)}, "Pendulum-v1"},
		{[]*Run{mk(`{"ENV": "gym:Toy-v0"}`)}, "gym:Toy-v0"},
		{[]*Run{mk(`{"ENV": "Pendulum-v1"}`), mk(`{"ENV": "Acrobot-v1"}`)}, "CartPole-v1"},
	} {
		if got := EnvOf(tc.runs, "CartPole-v1"); got != tc.want {
			t.Errorf("EnvOf(%d runs) = %q, want %q", len(tc.runs), got, tc.want)
		}
	}
}
