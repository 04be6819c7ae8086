package stats

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

func newRand(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, 0)) }

// randomScores returns a runs × tasks matrix of normalised-looking scores.
func randomScores(rnd *rand.Rand, runs, tasks int) [][]float64 {
	x := make([][]float64, runs)
	for i := range x {
		x[i] = make([]float64, tasks)
		for j := range x[i] {
			x[i][j] = 0.2*float64(j) + rnd.NormFloat64()*0.3
		}
	}
	return x
}

func TestIntervalEstimatesDeterministic(t *testing.T) {
	x := randomScores(newRand(1), 7, 3)
	a := IntervalEstimates(newRand(42), x, RliableMetrics(1), BootstrapOptions{Reps: 500})
	b := IntervalEstimates(newRand(42), x, RliableMetrics(1), BootstrapOptions{Reps: 500})
	if !slices.Equal(a, b) {
		t.Errorf("same seed, different intervals:\n%v\n%v", a, b)
	}
	c := IntervalEstimates(newRand(43), x, RliableMetrics(1), BootstrapOptions{Reps: 500})
	if slices.Equal(a, c) {
		t.Errorf("different seeds, identical intervals %v", a)
	}
}

func TestIntervalContainsPoint(t *testing.T) {
	for _, shape := range []struct{ runs, tasks int }{{10, 1}, {5, 5}, {3, 8}, {21, 2}} {
		x := randomScores(newRand(uint64(shape.runs*100+shape.tasks)), shape.runs, shape.tasks)
		metrics := RliableMetrics(1)
		for s, iv := range IntervalEstimates(newRand(7), x, metrics, BootstrapOptions{}) {
			if !(iv.Lo <= iv.Point && iv.Point <= iv.Hi) {
				t.Errorf("%dx%d %s: point %v outside [%v, %v]", shape.runs, shape.tasks, metrics[s].Name, iv.Point, iv.Lo, iv.Hi)
			}
		}
	}
}

func TestIntervalConstantCollapses(t *testing.T) {
	x := [][]float64{{0.7, 0.7}, {0.7, 0.7}, {0.7, 0.7}}
	for _, iv := range IntervalEstimates(newRand(1), x, RliableMetrics(1), BootstrapOptions{Reps: 100}) {
		if iv.Lo != iv.Hi || iv.Lo != iv.Point {
			t.Errorf("constant scores: interval %+v does not collapse", iv)
		}
	}
	iv := ProbabilityOfImprovementInterval(newRand(1), x, x, BootstrapOptions{Reps: 100})
	if iv != (Interval{0.5, 0.5, 0.5}) {
		t.Errorf("P(X > X) interval %+v, want all 0.5", iv)
	}
}

// TestStratified checks that a resample's column j only ever holds task j's
// scores, by giving every task a disjoint range of values.
func TestStratified(t *testing.T) {
	const runs, tasks = 4, 3
	x := make([][]float64, runs)
	for i := range x {
		x[i] = make([]float64, tasks)
		for j := range x[i] {
			x[i][j] = float64(100*j + i)
		}
	}
	spy := MetricFunc("spy", func(b [][]float64) float64 {
		for _, row := range b {
			for j, v := range row {
				if int(v)/100 != j {
					t.Fatalf("task %d resample holds %v, a score of task %d", j, v, int(v)/100)
				}
			}
		}
		return 0
	})
	IntervalEstimates(newRand(3), x, []Metric{spy}, BootstrapOptions{Reps: 200})
}

// TestBootstrapByHand replays the resampling with the same seed: cells are
// drawn row by row, each from rnd.IntN(runs), and the interval is the
// numpy-style linear percentile of the sorted resample statistics.
func TestBootstrapByHand(t *testing.T) {
	x := [][]float64{{1, 10}, {2, 20}, {3, 30}}
	const reps, seed = 5, 11
	rnd := newRand(seed)
	means := make([]float64, reps)
	for b := range reps {
		var s float64
		for range 3 {
			for j := range 2 {
				s += x[rnd.IntN(3)][j]
			}
		}
		// Mean over tasks of per-task means = mean of all 6 cells here.
		means[b] = s / 6
	}
	slices.Sort(means)
	// Percentiles 2.5 and 97.5 of 5 sorted values sit at positions 0.1 and 3.9.
	want := Interval{
		Point: 11,
		Lo:    means[0] + 0.1*(means[1]-means[0]),
		Hi:    means[3] + 0.9*(means[4]-means[3]),
	}
	got := IntervalEstimates(newRand(seed), x, []Metric{MetricMean()}, BootstrapOptions{Reps: reps})[0]
	if !within(got.Lo, want.Lo, 1e-12) || !within(got.Hi, want.Hi, 1e-12) || got.Point != want.Point {
		t.Errorf("interval %+v, want %+v", got, want)
	}
}

func TestPercentile(t *testing.T) {
	// numpy.percentile([1, 2, 3, 4, 5], [2.5, 50, 97.5]) = [1.1, 3, 4.9].
	a := []float64{1, 2, 3, 4, 5}
	for _, tt := range []struct{ q, want float64 }{{0.025, 1.1}, {0.5, 3}, {0.975, 4.9}, {0, 1}, {1, 5}} {
		if got := percentile(a, tt.q); !within(got, tt.want, 1e-15) {
			t.Errorf("percentile(%v) = %v, want %v", tt.q, got, tt.want)
		}
	}
}

func TestProbabilityOfImprovementInterval(t *testing.T) {
	x := randomScores(newRand(5), 10, 4)
	y := randomScores(newRand(6), 6, 4) // unequal run counts
	for j := range y[0] {
		for i := range y {
			y[i][j] -= 0.2
		}
	}
	a := ProbabilityOfImprovementInterval(newRand(9), x, y, BootstrapOptions{})
	b := ProbabilityOfImprovementInterval(newRand(9), x, y, BootstrapOptions{})
	if a != b {
		t.Errorf("not deterministic: %+v vs %+v", a, b)
	}
	if !(a.Lo <= a.Point && a.Point <= a.Hi) || a.Point != ProbabilityOfImprovement(x, y) {
		t.Errorf("interval %+v", a)
	}
	dom := ProbabilityOfImprovementInterval(newRand(9), [][]float64{{2}, {3}}, [][]float64{{0}, {1}}, BootstrapOptions{Reps: 50})
	if dom != (Interval{1, 1, 1}) {
		t.Errorf("dominating X: %+v, want all 1", dom)
	}
}

func TestPerformanceProfile(t *testing.T) {
	x := [][]float64{{0.1, 0.5}, {0.3, 0.9}, {0.6, 1.2}, {0.8, 0.2}}
	tau := []float64{0, 0.3, 0.5, 1, 2}
	// By hand, fraction of the 8 scores > tau: 8, 5 (0.6 0.8 0.5? no: 0.5 0.9 1.2 0.6 0.8), 4, 1, 0.
	want := []float64{1, 5.0 / 8, 4.0 / 8, 1.0 / 8, 0}
	got := PerformanceProfile(newRand(1), x, tau, BootstrapOptions{Reps: 300})
	for k := range tau {
		if got[k].Point != want[k] {
			t.Errorf("tau %v: fraction %v, want %v", tau[k], got[k].Point, want[k])
		}
		if !(got[k].Lo <= got[k].Hi) || got[k].Lo < 0 || got[k].Hi > 1 {
			t.Errorf("tau %v: band %+v", tau[k], got[k])
		}
	}
}

func TestSampleEfficiency(t *testing.T) {
	// [run][task][point]: point p's scores are the matrix p + randomScores.
	rnd := newRand(2)
	const runs, tasks, points = 5, 3, 4
	x := make([][][]float64, runs)
	for i := range x {
		x[i] = make([][]float64, tasks)
		for j := range x[i] {
			x[i][j] = make([]float64, points)
			for p := range points {
				x[i][j][p] = float64(p) + rnd.Float64()
			}
		}
	}
	got := SampleEfficiency(newRand(3), x, MetricIQM(), BootstrapOptions{Reps: 200})
	for p := range points {
		m := make([][]float64, runs)
		for i := range m {
			m[i] = make([]float64, tasks)
			for j := range m[i] {
				m[i][j] = x[i][j][p]
			}
		}
		if got[p].Point != IQM(m) {
			t.Errorf("point %d: %v, want IQM %v", p, got[p].Point, IQM(m))
		}
		if !(got[p].Lo <= got[p].Point && got[p].Point <= got[p].Hi) {
			t.Errorf("point %d: %+v", p, got[p])
		}
	}
}

func TestStepsToThreshold(t *testing.T) {
	c := Curve{Steps: []float64{0, 100, 200, 300}, Values: []float64{0, 0.4, 0.8, 1}}
	tests := []struct {
		name        string
		threshold   float64
		interpolate bool
		want        float64
	}{
		{"first-evaluation", 0.5, false, 200},
		{"interpolated", 0.5, true, 125}, // 100 + (0.5-0.4)/(0.8-0.4)*100
		{"exact-hit", 0.8, true, 200},
		{"at-start", 0, true, 0},
		{"never", 2, false, math.Inf(1)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := StepsToThreshold(c, tt.threshold, tt.interpolate); got != tt.want {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestStepsToThresholdEstimate(t *testing.T) {
	steps := []float64{0, 10, 20, 30, 40}
	curve := func(reachAt int) Curve {
		v := make([]float64, len(steps))
		for i := range v {
			if i >= reachAt {
				v[i] = 1
			}
		}
		return Curve{Steps: steps, Values: v}
	}
	// Reach at steps 10, 20, 30, never (budget 40): IQM of (10 20 30 40)
	// drops one value at each end -> 25; 3 of 4 runs reached.
	runs := []Curve{curve(1), curve(2), curve(3), curve(9)}
	est := StepsToThresholdEstimate(newRand(1), runs, 1, ThresholdOptions{})
	if est.Point != 25 || est.Reached != 0.75 || !math.IsInf(est.Steps[3], 1) {
		t.Errorf("estimate %+v, want point 25, reached 0.75, run 3 +Inf", est)
	}
	if !(est.Lo <= est.Point && est.Point <= est.Hi) {
		t.Errorf("interval %+v", est.Interval)
	}
	med := StepsToThresholdEstimate(newRand(1), runs, 1, ThresholdOptions{Median: true, Budget: 100})
	if med.Point != 25 { // median of 10 20 30 100
		t.Errorf("median %v, want 25", med.Point)
	}
	// a reaches every threshold 10 steps before b.
	a := []Curve{curve(1), curve(1), curve(2)}
	b := []Curve{curve(2), curve(2), curve(3)}
	d := StepsToThresholdDifference(newRand(1), a, b, 1, ThresholdOptions{Median: true})
	if d.Point != -10 || !(d.Lo <= -10 && -10 <= d.Hi) || d.Hi > 0 {
		t.Errorf("difference %+v, want point -10 and an interval below 0", d)
	}
}

func benchmarkIQMInterval(b *testing.B, reps int) {
	x := randomScores(newRand(1), 10, 1)
	m := []Metric{MetricIQM()}
	rnd := newRand(2)
	b.ReportAllocs()
	for b.Loop() {
		IntervalEstimates(rnd, x, m, BootstrapOptions{Reps: reps})
	}
}

func BenchmarkIQMInterval2000(b *testing.B)  { benchmarkIQMInterval(b, 2000) }
func BenchmarkIQMInterval50000(b *testing.B) { benchmarkIQMInterval(b, 50000) }

// TestRunsAndDifferenceByHand replays RunsInterval and DifferenceInterval
// with the same seed: runs drawn in order from rnd.IntN, a's before b's,
// resamples with a NaN statistic left out of the percentiles.
func TestRunsAndDifferenceByHand(t *testing.T) {
	a, b := []float64{1, 2, 4, 8}, []float64{0, 3, 5}
	const reps, seed = 7, 3
	cases := []struct {
		name string
		f    func([]float64) float64
		diff bool
	}{
		{"mean", MeanOf, false},
		{"mean difference", MeanOf, true},
		// NaN unless the resample holds the run scoring 8: those resamples drop out.
		{"nan dropped", func(v []float64) float64 {
			if !slices.Contains(v, 8) {
				return math.NaN()
			}
			return slices.Max(v)
		}, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rnd := newRand(seed)
			var d []float64
			draw := func(v []float64) []float64 {
				out := make([]float64, len(v))
				for i := range out {
					out[i] = v[rnd.IntN(len(v))]
				}
				return out
			}
			for range reps {
				v := c.f(draw(a))
				if c.diff {
					v -= c.f(draw(b))
				}
				if !math.IsNaN(v) {
					d = append(d, v)
				}
			}
			slices.Sort(d)
			point := c.f(a)
			var got Interval
			if c.diff {
				point -= c.f(b)
				got = DifferenceInterval(newRand(seed), a, b, c.f, BootstrapOptions{Reps: reps})
			} else {
				got = RunsInterval(newRand(seed), a, c.f, BootstrapOptions{Reps: reps})
			}
			conf := DefaultConfidence
			alpha := (1 - conf) / 2 // in float64 as bootstrap computes it, not the exact constant 0.025
			want := Interval{Point: point, Lo: percentile(d, alpha), Hi: percentile(d, 1-alpha)}
			if len(d) == reps && c.name == "nan dropped" {
				t.Fatalf("seed %d drew no NaN resample: the case tests nothing", seed)
			}
			if got != want {
				t.Errorf("interval %+v, want %+v (%d of %d resamples kept)", got, want, len(d), reps)
			}
		})
	}
}

// TestAllNaN: a statistic NaN on every resample gives a [NaN, NaN]
// interval around the point.
func TestAllNaN(t *testing.T) {
	got := RunsInterval(newRand(1), []float64{1, 2}, func([]float64) float64 { return math.NaN() }, BootstrapOptions{Reps: 10})
	if !math.IsNaN(got.Lo) || !math.IsNaN(got.Hi) {
		t.Errorf("interval %+v, want NaN bounds", got)
	}
}

// TestOneTaskIsRunsBootstrap: with one task the stratified bootstrap draws
// the same resamples as RunsInterval, so both give the same interval bit
// for bit (one value per run may go through either).
func TestOneTaskIsRunsBootstrap(t *testing.T) {
	for _, n := range []int{1, 2, 7, 30} {
		x := randomScores(newRand(uint64(n)), n, 1)
		v := make([]float64, n)
		for i := range x {
			v[i] = x[i][0]
		}
		opt := BootstrapOptions{Reps: 300}
		strat := IntervalEstimates(newRand(5), Column(v), []Metric{MetricIQM()}, opt)[0]
		runs := RunsInterval(newRand(5), v, IQMOf, opt)
		if strat != runs {
			t.Errorf("%d runs: stratified %+v, runs %+v", n, strat, runs)
		}
		if other := RunsInterval(newRand(6), v, IQMOf, opt); n > 2 && other == runs {
			t.Errorf("%d runs: another seed gives the same interval %+v", n, other)
		}
	}
}
