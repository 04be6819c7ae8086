package stats

import (
	"errors"
	"fmt"
	"math"
	"slices"
)

// Pearson returns the Pearson correlation of x and y.
func Pearson(x, y []float64) float64 {
	if len(x) != len(y) {
		panic(fmt.Sprintf("stats: pearson: %d x values and %d y values", len(x), len(y)))
	}
	return correlation(x, y)
}

// correlation is gonum's stat.Correlation without weights (two passes,
// the second corrected by the sums of the deviations, Chan et al.) with
// its sums in index order and its products rounded, so that every build
// gives the same bits: gonum's amd64 assembly sums the means in an order
// that depends on the slice's alignment, and its Go code, compiled
// outside this module, is fused on arm64.
func correlation(x, y []float64) float64 {
	n := float64(len(x))
	var sx, sy float64
	for i, xv := range x {
		sx += xv
		sy += y[i]
	}
	xu, yu := sx/n, sy/n
	var sxx, syy, sxy, xc, yc float64
	for i, xv := range x {
		xd, yd := xv-xu, y[i]-yu
		sxx += float64(xd * xd)
		syy += float64(yd * yd)
		sxy += float64(xd * yd)
		xc += xd
		yc += yd
	}
	sxx -= xc * xc / n
	syy -= yc * yc / n
	return (sxy - xc*yc/n) / math.Sqrt(sxx*syy)
}

// ErrTooFewPoints is returned when a statistic needs more observations.
var ErrTooFewPoints = errors.New("stats: too few points")

// Spearman returns Spearman's rank correlation of x and y: the Pearson
// correlation of their ranks, tied values sharing their average rank.
func Spearman(x, y []float64) float64 {
	if len(x) != len(y) {
		panic(fmt.Sprintf("stats: spearman: %d x values and %d y values", len(x), len(y)))
	}
	return correlation(ranks(x), ranks(y))
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
