package stats

import (
	"math"
	"testing"
)

func TestTotalVariation(t *testing.T) {
	cases := []struct {
		name string
		p, q []float64
		want float64
	}{
		{"same", []float64{0.5, 0.5}, []float64{0.5, 0.5}, 0},
		{"disjoint", []float64{1, 0}, []float64{0, 1}, 1},
		{"shorter", []float64{0.5, 0.5}, []float64{0.5}, 0.25},
	}
	for _, c := range cases {
		if got := TotalVariation(c.p, c.q); math.Abs(got-c.want) > 1e-12 {
			t.Errorf("%s: %g, want %g", c.name, got, c.want)
		}
	}
}
