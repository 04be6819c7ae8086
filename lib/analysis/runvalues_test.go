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
