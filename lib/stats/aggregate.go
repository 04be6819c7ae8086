package stats

import (
	"errors"
	"fmt"
	"slices"
)

// checkMatrix panics unless x is a non-empty rectangular [run][task] matrix.
func checkMatrix(x [][]float64) (runs, tasks int) {
	if len(x) == 0 || len(x[0]) == 0 {
		panic("stats: empty score matrix")
	}
	for i, row := range x {
		if len(row) != len(x[0]) {
			panic(fmt.Sprintf("stats: ragged score matrix: run %d has %d tasks, run 0 has %d", i, len(row), len(x[0])))
		}
	}
	return len(x), len(x[0])
}

// Column returns one value per run as a [run][task] matrix of one task,
// the shape the interval estimates take.
func Column(values []float64) [][]float64 {
	x := make([][]float64, len(values))
	for i, v := range values {
		x[i] = []float64{v}
	}
	return x
}

// IQM returns the interquartile mean of all runs × tasks pooled: the mean of
// the values left after dropping floor(N/4) values at each end of the sorted
// pool of N scores, as scipy.stats.trim_mean(x, 0.25, axis=None).
func IQM(x [][]float64) float64 {
	runs, tasks := checkMatrix(x)
	return iqm(x, make([]float64, 0, runs*tasks))
}

// IQMOf returns the interquartile mean of one value per run (IQM of a
// one-task matrix) without modifying v.
func IQMOf(v []float64) float64 {
	if len(v) == 0 {
		panic("stats: IQM of no values")
	}
	return trimmedMean(slices.Clone(v))
}

// iqm is IQM using scratch (capacity at least runs × tasks) instead of
// allocating.
func iqm(x [][]float64, scratch []float64) float64 {
	pool := scratch[:0]
	for _, row := range x {
		pool = append(pool, row...)
	}
	return trimmedMean(pool)
}

// trimmedMean returns the 25% trimmed mean of a, reordering a.
func trimmedMean(a []float64) float64 {
	n := len(a)
	lo := n / 4 // int(0.25 * n) in scipy; exact for every int n
	hi := n - lo
	if n <= 32 {
		slices.Sort(a) // one insertion sort beats two selections
	} else {
		selectKth(a, lo)
		selectKth(a[lo:], hi-1-lo)
	}
	var s float64
	for _, v := range a[lo:hi] {
		s += v
	}
	return s / float64(hi-lo)
}

// selectKth reorders a so that a[k] is the value a sorted a would hold there,
// with a[:k] <= a[k] <= a[k+1:] (Hoare's quickselect, median-of-three pivot).
func selectKth(a []float64, k int) {
	lo, hi := 0, len(a)-1
	for hi-lo > 16 {
		mid := lo + (hi-lo)/2
		if a[mid] < a[lo] {
			a[mid], a[lo] = a[lo], a[mid]
		}
		if a[hi] < a[lo] {
			a[hi], a[lo] = a[lo], a[hi]
		}
		if a[hi] < a[mid] {
			a[hi], a[mid] = a[mid], a[hi]
		}
		pivot := a[mid]
		i, j := lo, hi
		for i <= j {
			for a[i] < pivot {
				i++
			}
			for pivot < a[j] {
				j--
			}
			if i <= j {
				a[i], a[j] = a[j], a[i]
				i++
				j--
			}
		}
		switch {
		case k <= j:
			hi = j
		case k >= i:
			lo = i
		default:
			return
		}
	}
	slices.Sort(a[lo : hi+1])
}

// Mean returns the mean over tasks of the per-task mean over runs.
func Mean(x [][]float64) float64 {
	_, tasks := checkMatrix(x)
	var s float64
	for j := range tasks {
		s += taskMean(x, j)
	}
	return s / float64(tasks)
}

func taskMean(x [][]float64, j int) float64 {
	var s float64
	for _, row := range x {
		s += row[j]
	}
	return s / float64(len(x))
}

// Median returns the median over tasks of the per-task mean over runs (the
// average of the two middle task means when the number of tasks is even).
func Median(x [][]float64) float64 {
	_, tasks := checkMatrix(x)
	return median(x, make([]float64, tasks))
}

func median(x [][]float64, scratch []float64) float64 {
	m := scratch[:len(x[0])]
	for j := range m {
		m[j] = taskMean(x, j)
	}
	return medianOf(m)
}

// medianOf returns the median of a, reordering a.
func medianOf(a []float64) float64 {
	n := len(a)
	selectKth(a, n/2)
	if n%2 == 1 {
		return a[n/2]
	}
	return (slices.Max(a[:n/2]) + a[n/2]) / 2
}

// OptimalityGap returns threshold - mean(min(x, threshold)) over all runs ×
// tasks: how far the scores fall short of threshold, with scores above it
// counting as threshold. RLiable uses threshold 1 for normalised scores.
func OptimalityGap(x [][]float64, threshold float64) float64 {
	runs, tasks := checkMatrix(x)
	var s float64
	for _, row := range x {
		for _, v := range row {
			s += min(v, threshold)
		}
	}
	return threshold - s/float64(runs*tasks)
}

// ProbabilityOfImprovement returns P(X > Y) averaged over tasks: for each
// task the fraction of pairs (run of x, run of y) with x > y, ties counting
// one half (the Mann-Whitney U statistic over n_x n_y). x and y must have
// the same tasks; their run counts may differ.
func ProbabilityOfImprovement(x, y [][]float64) float64 {
	_, tx := checkMatrix(x)
	_, ty := checkMatrix(y)
	if tx != ty {
		panic(fmt.Sprintf("stats: probability of improvement: x has %d tasks, y has %d", tx, ty))
	}
	var s float64
	for j := range tx {
		s += taskImprovement(x, y, j)
	}
	return s / float64(tx)
}

func taskImprovement(x, y [][]float64, j int) float64 {
	var u float64
	for _, rx := range x {
		for _, ry := range y {
			switch a, b := rx[j], ry[j]; {
			case a > b:
				u++
			case a == b:
				u += 0.5
			}
		}
	}
	return u / float64(len(x)*len(y))
}

// ErrDegenerateRange is returned by Normalize when a task's lo equals its hi.
var ErrDegenerateRange = errors.New("stats: normalisation range is empty")

// Normalize returns (x - lo) / (hi - lo) per task: task j's scores are mapped
// so that lo[j] becomes 0 and hi[j] becomes 1 (for Atari, lo is the random
// agent's score and hi the human's). x is not modified.
func Normalize(x [][]float64, lo, hi []float64) ([][]float64, error) {
	_, tasks := checkMatrix(x)
	if len(lo) != tasks || len(hi) != tasks {
		panic(fmt.Sprintf("stats: normalize: %d tasks but %d lo and %d hi values", tasks, len(lo), len(hi)))
	}
	for j := range tasks {
		if hi[j] == lo[j] {
			return nil, fmt.Errorf("%w: task %d has lo = hi = %g", ErrDegenerateRange, j, lo[j])
		}
	}
	out := make([][]float64, len(x))
	for i, row := range x {
		out[i] = make([]float64, tasks)
		for j, v := range row {
			out[i][j] = (v - lo[j]) / (hi[j] - lo[j])
		}
	}
	return out, nil
}
