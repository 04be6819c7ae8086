package analysis

import (
	"math"
	"slices"
	"testing"

	"github.com/dynago/dynago/lib/format"
	"github.com/dynago/dynago/lib/format/metric"
)

func TestCurveAreas(t *testing.T) {
	r := &Run{Name: "a"}
	// 0, 100, 300 at 0, 1000, 3000: trapezoids 50·1000 + 200·2000 over 3000.
	for i, s := range []int64{0, 1000, 3000} {
		r.Rows = append(r.Rows, format.MetricRow{RealSteps: s, Metric: metric.EvalReturn, Index: format.NoIndex, Value: []float64{0, 100, 300}[i]})
	}
	cases := []struct {
		name string
		grid []float64
		want float64
	}{
		{"trapezoids", []float64{0, 1000, 3000}, (50*1000 + 200*2000) / 3000.0},
		{"one step", []float64{1000}, 100},
		{"carried", []float64{0, 2000}, 50}, // 2,000 carries 1,000's 100
	}
	const tol = 1e-12
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := CurveAreas([]*Run{r}, metric.EvalReturn, Grid{Steps: c.grid})
			if err != nil || math.Abs(got[0]-c.want) > tol {
				t.Errorf("area %v (%v), want %g", got, err, c.want)
			}
		})
	}
	if _, err := CurveAreas([]*Run{r}, "missing", Grid{Steps: []float64{0}}); err == nil {
		t.Error("no error for a run without the metric")
	}
}

func TestVisitHistogram(t *testing.T) {
	r := &Run{Name: "a"}
	for _, row := range []struct {
		m    string
		b    int64
		v    float64
		step int64
	}{{"hist_visits_d0", 1, 0.75, 1000}, {"hist_visits_d0", 0, 0.25, 1000}, {"hist_visits_d1", 0, 1, 1000}, {"hist_visits_d0", 0, 1, 2000}} {
		r.Rows = append(r.Rows, format.MetricRow{RealSteps: row.step, Metric: row.m, Index: row.b, Value: row.v})
	}
	h, err := VisitHistogram(r, "visits", 1000)
	if err != nil || len(h) != 2 || !slices.Equal(h[0], []float64{0.25, 0.75}) || !slices.Equal(h[1], []float64{1}) {
		t.Errorf("histogram %v (%v), want [[0.25 0.75] [1]]", h, err)
	}
	if _, err := VisitHistogram(r, "visits", 3000); err == nil {
		t.Error("no error at a step without rows")
	}
}

func TestCommonIndexValues(t *testing.T) {
	mk := func(name string, rows ...[3]float64) *Run { // step, index, value
		r := &Run{Name: name}
		for _, x := range rows {
			r.Rows = append(r.Rows, format.MetricRow{RealSteps: int64(x[0]), Metric: metric.ModelEk, Index: int64(x[1]), Value: x[2]})
		}
		return r
	}
	a := mk("a", [3]float64{1000, 1, 0.1}, [3]float64{1000, 2, 0.2}, [3]float64{1000, 3, 0.3}, [3]float64{2000, 1, 9})
	b := mk("b", [3]float64{500, 2, 0.5}, [3]float64{500, 3, 0.6}, [3]float64{3000, 1, 9})
	cases := []struct {
		name   string
		runs   []*Run
		at     float64
		idx    []int64
		values [][]float64
	}{
		{"indices every run has", []*Run{a, b}, 1500, []int64{2, 3}, [][]float64{{0.2, 0.3}, {0.5, 0.6}}},
		{"one run", []*Run{a}, 1000, []int64{1, 2, 3}, [][]float64{{0.1, 0.2, 0.3}}},
		{"no common index", []*Run{a, b}, 2500, nil, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			idx, values, err := CommonIndexValues(c.runs, metric.ModelEk, c.at)
			if err != nil || !slices.Equal(idx, c.idx) || !slices.EqualFunc(values, c.values, slices.Equal) {
				t.Errorf("got %v %v (%v), want %v %v", idx, values, err, c.idx, c.values)
			}
		})
	}
	if _, _, err := CommonIndexValues([]*Run{a, b}, metric.ModelEk, 100); err == nil {
		t.Error("no error before a run's first checkpoint")
	}
}
