package stats

import (
	"math"
	"testing"

	"gonum.org/v1/gonum/stat"
)

func TestGrowthRate(t *testing.T) {
	geometric := func(y1, g float64, n int) (k, y []float64) {
		for i := 1; i <= n; i++ {
			k = append(k, float64(i))
			y = append(y, y1*math.Pow(g, float64(i-1)))
		}
		return k, y
	}
	k5, y5 := geometric(0.01, 1.7, 5)
	kd, yd := geometric(2, 0.5, 4)
	noisyK, noisyY := []float64{1, 2, 3, 5, 8}, []float64{0.1, 0.25, 0.3, 1.2, 4}
	// The reference for noisy data: gonum's least-squares line through
	// (k, log y); its slope is log g.
	logY := make([]float64, len(noisyY))
	for i, v := range noisyY {
		logY[i] = math.Log(v)
	}
	_, slope := stat.LinearRegression(noisyK, logY, nil, false)
	cases := []struct {
		name    string
		k, y    []float64
		want    float64
		tol     float64
		wantErr bool
	}{
		{"geometric growth", k5, y5, 1.7, 1e-12, false},
		{"geometric decay", kd, yd, 0.5, 1e-12, false},
		{"noisy, as gonum's regression", noisyK, noisyY, math.Exp(slope), 1e-12, false},
		{"one point", []float64{1}, []float64{1}, 0, 0, true},
		{"one distinct k", []float64{2, 2}, []float64{1, 3}, 0, 0, true},
		{"zero error", []float64{1, 2}, []float64{0, 1}, 0, 0, true},
		{"NaN error", []float64{1, 2}, []float64{1, math.NaN()}, 0, 0, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			g, err := GrowthRate(c.k, c.y)
			if c.wantErr {
				if err == nil {
					t.Errorf("growth %g, want an error", g)
				}
				return
			}
			if err != nil || math.Abs(g-c.want) > c.tol*c.want {
				t.Errorf("growth %g, %v; want %g", g, err, c.want)
			}
		})
	}
}

func TestColumn(t *testing.T) {
	x := Column([]float64{3, 1, 2})
	if len(x) != 3 || x[0][0] != 3 || x[1][0] != 1 || x[2][0] != 2 || len(x[1]) != 1 {
		t.Errorf("Column = %v, want [[3] [1] [2]]", x)
	}
	if got, want := IQM(x), IQMOf([]float64{3, 1, 2}); got != want {
		t.Errorf("IQM of the column %g, IQMOf %g", got, want)
	}
}
