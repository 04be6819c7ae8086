package stats

import (
	"math"
	"slices"
	"testing"
)

// exactTol is for results that are short sums of exactly representable
// values, computed by hand.
const exactTol = 1e-15

func TestAggregates(t *testing.T) {
	// Expected values computed by hand from the definitions in doc.go.
	tests := []struct {
		name                      string
		x                         [][]float64
		threshold                 float64
		iqm, mean, median, optGap float64
	}{
		{"one-score", [][]float64{{5}}, 1, 5, 5, 5, 0},
		// N=5: drop floor(5/4)=1 at each end -> mean(2,3,4).
		{"five-runs-one-task", [][]float64{{1}, {2}, {3}, {4}, {100}}, 3, 3, 22, 22, (3 - (1+2+3+3+3)/5.0)},
		// N=6 (3 runs x 2 tasks): drop 1 at each end of 0 1 2 3 5 9 -> (1+2+3+5)/4.
		// Task means 2, 14/3; median of two tasks = their mean.
		{"three-runs-two-tasks", [][]float64{{1, 0}, {2, 9}, {3, 5}}, 2, 2.75, (2 + 14.0/3) / 2, (2 + 14.0/3) / 2, 2 - (1+0+2+2+2+2)/6.0},
		// N=8 with ties: drop 2 at each end of 1 1 1 1 2 2 2 2 -> 1.5.
		{"ties", [][]float64{{1, 2}, {1, 2}, {2, 1}, {2, 1}}, 0.5, 1.5, 1.5, 1.5, 0},
		// Three tasks, odd: task means 1, 3, 2 -> median 2.
		{"odd-tasks", [][]float64{{1, 3, 2}}, 10, 2, 2, 2, 8},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			check := func(what string, got, want float64) {
				t.Helper()
				if !within(got, want, exactTol) {
					t.Errorf("%s = %.17g, want %.17g", what, got, want)
				}
			}
			check("IQM", IQM(tt.x), tt.iqm)
			check("Mean", Mean(tt.x), tt.mean)
			check("Median", Median(tt.x), tt.median)
			check("OptimalityGap", OptimalityGap(tt.x, tt.threshold), tt.optGap)
			check("MetricIQM", MetricIQM().Eval(tt.x), tt.iqm)
			check("MetricMedian", MetricMedian().Eval(tt.x), tt.median)
		})
	}
}

func TestIQMLarge(t *testing.T) {
	// Selection must agree with sorting on a pool large enough to use
	// quickselect: 1..1000 shuffled, trimmed to 251..750, mean 500.5.
	x := make([][]float64, 1000)
	for i := range x {
		x[i] = []float64{float64((i*7919)%1000 + 1)}
	}
	if got := IQM(x); got != 500.5 {
		t.Errorf("IQM = %v, want 500.5", got)
	}
}

func TestProbabilityOfImprovement(t *testing.T) {
	// Values computed by hand by counting pairs.
	tests := []struct {
		name string
		x, y [][]float64
		want float64
	}{
		{"identical", [][]float64{{1, 2}, {3, 4}}, [][]float64{{1, 2}, {3, 4}}, 0.5},
		{"dominates", [][]float64{{5}, {6}}, [][]float64{{1}, {2}, {3}}, 1},
		// Task 0 all ties (1/2); task 1: 1v1 1v1 ties, 2v1 2v1 wins -> 3/4.
		{"ties", [][]float64{{1, 1}, {1, 2}}, [][]float64{{1, 1}, {1, 1}}, 0.625},
		// Different run counts: 2 vs 3 runs, 4 of 6 pairs won, one tie -> 4.5/6.
		{"unequal-runs", [][]float64{{2}, {4}}, [][]float64{{1}, {2}, {5}}, (1 + 0.5 + 1 + 1) / 6},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ProbabilityOfImprovement(tt.x, tt.y); !within(got, tt.want, exactTol) {
				t.Errorf("P(X>Y) = %v, want %v", got, tt.want)
			}
			if got := ProbabilityOfImprovement(tt.y, tt.x); !within(got, 1-tt.want, exactTol) {
				t.Errorf("P(Y>X) = %v, want %v", got, 1-tt.want)
			}
		})
	}
}

func TestNormalize(t *testing.T) {
	got, err := Normalize([][]float64{{0, 10}, {5, 30}}, []float64{0, 10}, []float64{10, 30})
	if err != nil {
		t.Fatal(err)
	}
	want := [][]float64{{0, 0}, {0.5, 1}}
	for i := range want {
		for j := range want[i] {
			if got[i][j] != want[i][j] {
				t.Errorf("Normalize[%d][%d] = %v, want %v", i, j, got[i][j], want[i][j])
			}
		}
	}
	if _, err := Normalize([][]float64{{1}}, []float64{2}, []float64{2}); err == nil {
		t.Error("Normalize with lo = hi: no error")
	}
}

func TestCorrelation(t *testing.T) {
	x := []float64{1, 2, 3, 4, 5}
	y := []float64{2, 1, 4, 3, 5}
	// By hand: sum dx dy = 8, sum dx² = sum dy² = 10, so r = 0.8.
	if r := Pearson(x, y); !within(r, 0.8, 1e-15) {
		t.Errorf("Pearson = %v, want 0.8", r)
	}
	// Ranks (1, 2.5, 2.5, 4) and (1, 3, 2, 4): r = 4.5 / sqrt(4.5 * 5).
	if r := Spearman([]float64{1, 2, 2, 3}, []float64{10, 30, 20, 40}); !within(r, 4.5/math.Sqrt(22.5), 1e-15) {
		t.Errorf("Spearman = %v, want %v", r, 4.5/math.Sqrt(22.5))
	}
}

func TestSelectKthMatchesSort(t *testing.T) {
	rnd := newRand(4)
	for n := 1; n < 300; n += 7 {
		a := make([]float64, n)
		for i := range a {
			a[i] = float64(rnd.IntN(10)) // many ties
		}
		sorted := slices.Clone(a)
		slices.Sort(sorted)
		for _, k := range []int{0, n / 4, n / 2, n - 1} {
			b := slices.Clone(a)
			selectKth(b, k)
			if b[k] != sorted[k] {
				t.Fatalf("n=%d k=%d: selected %v, want %v", n, k, b[k], sorted[k])
			}
			for i := range b {
				if i < k && b[i] > b[k] || i > k && b[i] < b[k] {
					t.Fatalf("n=%d k=%d: not partitioned at %d", n, k, i)
				}
			}
		}
		if got, want := trimmedMean(slices.Clone(a)), trimmedMeanBySort(sorted); math.Abs(got-want) > 1e-12 {
			t.Errorf("n=%d: trimmed mean %v, want %v", n, got, want)
		}
	}
}

func trimmedMeanBySort(sorted []float64) float64 {
	lo := len(sorted) / 4
	var s float64
	for _, v := range sorted[lo : len(sorted)-lo] {
		s += v
	}
	return s / float64(len(sorted)-2*lo)
}
