package stats

import (
	"errors"
	"fmt"
	"math"
	"slices"

	"gonum.org/v1/gonum/stat"
	"gonum.org/v1/gonum/stat/distuv"
)

// Pearson returns the Pearson correlation of x and y.
func Pearson(x, y []float64) float64 {
	if len(x) != len(y) {
		panic(fmt.Sprintf("stats: pearson: %d x values and %d y values", len(x), len(y)))
	}
	return stat.Correlation(x, y, nil)
}

// ErrTooFewPoints is returned when a statistic needs more observations.
var ErrTooFewPoints = errors.New("stats: too few points")

// PearsonInterval returns the Pearson correlation of x and y with a
// confidence interval from Fisher's z transform: atanh(r) is roughly normal
// with standard error 1/sqrt(n-3). confidence 0 means DefaultConfidence. It
// needs at least 4 points.
func PearsonInterval(x, y []float64, confidence float64) (Interval, error) {
	if confidence == 0 {
		confidence = DefaultConfidence
	}
	if !(confidence > 0 && confidence < 1) {
		panic(fmt.Sprintf("stats: pearson interval: confidence %g, want a value in (0, 1)", confidence))
	}
	r := Pearson(x, y)
	n := len(x)
	if n < 4 {
		return Interval{}, fmt.Errorf("%w: pearson interval needs 4 points, have %d", ErrTooFewPoints, n)
	}
	z := math.Atanh(r)
	h := distuv.UnitNormal.Quantile(1-float64((1-confidence)/2)) / math.Sqrt(float64(n-3))
	return Interval{Point: r, Lo: math.Tanh(z - h), Hi: math.Tanh(z + h)}, nil
}

// Spearman returns Spearman's rank correlation of x and y: the Pearson
// correlation of their ranks, tied values sharing their average rank.
func Spearman(x, y []float64) float64 {
	if len(x) != len(y) {
		panic(fmt.Sprintf("stats: spearman: %d x values and %d y values", len(x), len(y)))
	}
	return stat.Correlation(ranks(x), ranks(y), nil)
}

// ranks returns the 1-based ranks of v, ties getting their average rank.
func ranks(v []float64) []float64 {
	idx := make([]int, len(v))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int {
		switch {
		case v[a] < v[b]:
			return -1
		case v[a] > v[b]:
			return 1
		}
		return 0
	})
	r := make([]float64, len(v))
	for i := 0; i < len(idx); {
		j := i
		for j+1 < len(idx) && v[idx[j+1]] == v[idx[i]] {
			j++
		}
		avg := float64(float64(i+j)/2) + 1
		for k := i; k <= j; k++ {
			r[idx[k]] = avg
		}
		i = j + 1
	}
	return r
}
