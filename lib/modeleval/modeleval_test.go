package modeleval

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/dynago/dynago/lib/dynamics"
	"github.com/dynago/dynago/lib/dynamics/dynamicstest"
	"github.com/dynago/dynago/lib/env"
	"github.com/dynago/dynago/lib/format"
)

var _ predictor = (*dynamics.Ensemble)(nil)

// Tolerances. Hand-computed values are exact up to a few roundings of
// numbers of order 1.
const (
	tolExact = 1e-12
	tolCross = 1e-9 // two implementations summing in different orders
)

// affine is an exact fake model of the walk s' = s + a (every state
// dimension moves by the discrete action a ∈ {0, 1}): member k predicts
// the state change a + bias[k] + gain[k]·s in every dimension and reward
// 1 + bias[k].
type affine struct{ bias, gain []float64 }

func (f affine) Members() int { return len(f.bias) }

func (f affine) Predict(k int, obs, act []float64, n int, delta, reward, termProb []float64) {
	d := len(obs) / n
	for i := range n {
		for j := range d {
			delta[i*d+j] = act[i] + f.bias[k] + f.gain[k]*obs[i*d+j]
		}
		reward[i] = 1 + f.bias[k]
		termProb[i] = 0
	}
}

const walkDim = 2

func walkModel(bias, gain []float64, deltaStd float64) *model {
	if gain == nil {
		gain = make([]float64, len(bias))
	}
	std := make([]float64, walkDim)
	for j := range std {
		std[j] = deltaStd
	}
	return &model{p: affine{bias, gain},
		cfg:      dynamics.Config{ObsDim: walkDim, Discrete: true, NumActions: 2, ActDim: 1},
		deltaStd: std}
}

// walk returns episodes of the walk s' = s + a with the given lengths,
// numbered from 0, each starting at s = 10·episode in every dimension,
// reward 1 and action (step mod 3 == 0). The last row of each episode is
// terminated.
func walk(lengths ...int) *format.Transitions {
	t := format.NewTransitions(walkDim, 1, true, 0)
	for ep, n := range lengths {
		s := 10 * float64(ep)
		for step := range n {
			a := 0.0
			if step%3 == 0 {
				a = 1
			}
			obs, next := []float64{s, s}, []float64{s + a, s + a}
			t.AppendRow(format.Row{Episode: int64(ep), Step: int64(step), Obs: obs, Action: int64(a),
				Reward: 1, NextObs: next, Terminated: step == n-1,
				LogProb: math.NaN(), Value: math.NaN(), VarDelta: math.NaN(), VarReward: math.NaN()})
			s += a
		}
	}
	return t
}

// lookup returns the value of metric name at index, and whether it exists.
func lookup(rows []format.MetricRow, name string, index int) (float64, bool) {
	for _, r := range rows {
		if r.Metric == name && r.Index == int64(index) {
			return r.Value, true
		}
	}
	return 0, false
}

func checkMetric(t *testing.T, rows []format.MetricRow, name string, index int, want, tol float64) {
	t.Helper()
	got, ok := lookup(rows, name, index)
	if !ok {
		t.Errorf("%s[%d]: missing, want %g", name, index, want)
		return
	}
	if math.Abs(got-want) > tol {
		t.Errorf("%s[%d] = %.15g, want %.15g (tolerance %g)", name, index, got, want, tol)
	}
}

func TestOneStep(t *testing.T) {
	const n = format.NoIndex
	for _, tc := range []struct {
		name  string
		bias  []float64
		want  map[string]float64 // metric without index
		wantD map[string]float64 // per-dimension metric, same in every dimension
		none  []string           // metrics that must be absent
	}{
		{
			name: "perfect",
			bias: []float64{0},
			want: map[string]float64{"model_mse_delta": 0, "model_mae_delta": 0, "model_mse_reward": 0,
				"model_mae_reward": 0, "model_mse_next_obs": 0},
			wantD: map[string]float64{"model_mse_delta_dim": 0, "model_mae_delta_dim": 0},
			none:  []string{"model_var_mean"},
		},
		{
			// Every error is -0.5: squares 0.25.
			name: "bias",
			bias: []float64{-0.5},
			want: map[string]float64{"model_mse_delta": 0.25, "model_mae_delta": 0.5, "model_mse_reward": 0.25,
				"model_mae_reward": 0.5, "model_mse_next_obs": 0.25},
			wantD: map[string]float64{"model_mse_delta_dim": 0.25, "model_mae_delta_dim": 0.5},
			none:  []string{"model_var_mean"},
		},
		{
			// Mean bias 0.25, across-member variance 0.5² = 0.25 on every
			// row, all exact in binary; the correlations of a constant are
			// undefined.
			name: "ensemble",
			bias: []float64{-0.25, 0.75},
			want: map[string]float64{"model_mse_delta": 0.0625, "model_mae_delta": 0.25, "model_mse_reward": 0.0625,
				"model_var_mean": 0.25, "model_var_err_mean": 0.0625, "model_var_mean_raw": 0.25},
			none: []string{"model_var_err_corr", "model_var_err_spearman"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rows, err := oneStep(walkModel(tc.bias, nil, 1), walk(7, 5), 10)
			if err != nil {
				t.Fatal(err)
			}
			for name, v := range tc.want {
				checkMetric(t, rows, name, n, v, tolExact)
			}
			for name, v := range tc.wantD {
				for j := range walkDim {
					checkMetric(t, rows, name, j, v, tolExact)
				}
			}
			for _, name := range tc.none {
				if v, ok := lookup(rows, name, n); ok {
					t.Errorf("%s = %g, want no row", name, v)
				}
			}
		})
	}
}

// TestCalibration uses members predicting a + g·s and a + 3g·s: the mean
// errs by 2g·s, the spread is (g·s)², so per row the squared error is
// exactly 4 times the variance: both correlations are 1 and every bin's
// error is 4 times its variance. With DeltaStd 2 the normalised values are
// the raw ones divided by 4. g is a power of 2, so the arithmetic is
// exact and rows tied in s stay tied.
func TestCalibration(t *testing.T) {
	const g = 1.0 / 64
	m := walkModel([]float64{0, 0}, []float64{g, 3 * g}, 2)
	data := walk(30, 20)
	rows, err := oneStep(m, data, 4)
	if err != nil {
		t.Fatal(err)
	}
	checkMetric(t, rows, "model_var_err_corr", format.NoIndex, 1, tolExact)
	checkMetric(t, rows, "model_var_err_spearman", format.NoIndex, 1, tolExact)
	checkMetric(t, rows, "model_var_err_corr_raw", format.NoIndex, 1, tolExact)
	raw, _ := lookup(rows, "model_var_mean_raw", format.NoIndex)
	checkMetric(t, rows, "model_var_mean", format.NoIndex, raw/4, tolExact)
	total := 0.0
	for b := range 4 {
		v, _ := lookup(rows, "model_var_bin_var", b)
		checkMetric(t, rows, "model_var_bin_err", b, 4*v, tolExact)
		checkMetric(t, rows, "model_var_bin_count", b, 50.0/4+[]float64{-0.5, 0.5, -0.5, 0.5}[b], 0)
		c, _ := lookup(rows, "model_var_bin_count", b)
		total += c
		if b > 0 {
			if prev, _ := lookup(rows, "model_var_bin_var", b-1); prev > v {
				t.Errorf("bin %d variance %g < bin %d's %g: bins not sorted", b, v, b-1, prev)
			}
		}
	}
	if total != float64(data.Len()) {
		t.Errorf("bins count %g rows, want %d", total, data.Len())
	}
}

func TestQuantileBins(t *testing.T) {
	// Sorted by x: (1,10) (2,20) (3,30) (4,40) (5,50); 2 bins of 2 and 3.
	mx, my, c := quantileBins([]float64{5, 1, 4, 2, 3}, []float64{50, 10, 40, 20, 30}, 2)
	want := [][]float64{{1.5, 4}, {15, 40}}
	for b := range 2 {
		if mx[b] != want[0][b] || my[b] != want[1][b] || c[b] != []int{2, 3}[b] {
			t.Errorf("bin %d: (%g, %g, %d), want (%g, %g, %d)", b, mx[b], my[b], c[b], want[0][b], want[1][b], []int{2, 3}[b])
		}
	}
	if _, _, c := quantileBins([]float64{1, 2}, []float64{1, 2}, 10); len(c) != 2 {
		t.Errorf("2 rows in 10 bins: %d bins, want 2", len(c))
	}
}

// TestOpenLoop checks E_k of the walk model with bias b against k²b² (after
// k steps every prediction is k·b too far in each dimension, whatever the
// actions) and the window counts: an episode of length L has L-k+1
// windows of length k.
func TestOpenLoop(t *testing.T) {
	const K = 5
	cut := walk(6)
	cut.Truncated[2] = true // rows 0-2 and 3-5 are separate windows
	gap := walk(6)
	for i := 3; i < 6; i++ {
		gap.Step[i] += 10 // a gap in the step count after row 2
	}
	reset := walk(6)
	for i := 3 * walkDim; i < 6*walkDim; i++ {
		reset.Obs[i]++ // row 3 does not start where row 2 ended
		reset.NextObs[i]++
	}
	for _, tc := range []struct {
		name   string
		bias   float64
		data   *format.Transitions
		counts []float64 // k = 1..K; zero counts have no rows
	}{
		{"perfect", 0, walk(8, 3), []float64{11, 9, 7, 5, 4}},
		{"bias", 0.1, walk(8, 3), []float64{11, 9, 7, 5, 4}},
		{"episodes", -0.3, walk(3, 5), []float64{8, 6, 4, 2, 1}},
		{"truncated", 0.2, cut, []float64{6, 4, 2}},
		{"step gap", 0.2, gap, []float64{6, 4, 2}},
		{"obs mismatch", 0.2, reset, []float64{6, 4, 2}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rows, err := openLoop(walkModel([]float64{tc.bias}, nil, 1), tc.data, K, 0, nil)
			if err != nil {
				t.Fatal(err)
			}
			scale := stateVariance(tc.data)
			for k := 1; k <= K; k++ {
				if k > len(tc.counts) {
					if v, ok := lookup(rows, "model_ek", k); ok {
						t.Errorf("model_ek[%d] = %g, want no row (no window)", k, v)
					}
					continue
				}
				e := float64(k*k) * tc.bias * tc.bias
				checkMetric(t, rows, "model_ek", k, e, tolExact)
				checkMetric(t, rows, "model_ek_norm", k, (e/scale[0]+e/scale[1])/2, tolExact)
				checkMetric(t, rows, "model_ek_count", k, tc.counts[k-1], 0)
			}
		})
	}
}

func TestOpenLoopSubsample(t *testing.T) {
	data := walk(40, 40)
	m := walkModel([]float64{0.1}, nil, 1)
	run := func(seed uint64) []format.MetricRow {
		rows, err := openLoop(m, data, 3, 10, rand.New(rand.NewPCG(seed, 0)))
		if err != nil {
			t.Fatal(err)
		}
		return rows
	}
	rows := run(1)
	checkMetric(t, rows, "model_ek_count", 1, 10, 0)
	checkMetric(t, rows, "model_ek", 3, 0.09, tolExact)
	if fmt.Sprint(run(1)) != fmt.Sprint(rows) {
		t.Error("same seed, different rows")
	}
}

func TestBadData(t *testing.T) {
	m := walkModel([]float64{0}, nil, 1)
	cont := format.NewTransitions(walkDim, 1, false, 1)
	cont.AppendRow(format.Row{Obs: []float64{0, 0}, ActionVec: []float64{0}, NextObs: []float64{0, 0}})
	wide := format.NewTransitions(3, 1, true, 1)
	wide.AppendRow(format.Row{Obs: []float64{0, 0, 0}, NextObs: []float64{0, 0, 0}})
	badAct := walk(3)
	badAct.Action[1] = 2
	imagined := walk(3)
	imagined.Imagined[2] = true
	for _, tc := range []struct {
		name string
		data *format.Transitions
		want string
	}{
		{"empty", format.NewTransitions(walkDim, 1, true, 0), "no transitions"},
		{"obs dim", wide, "obs_dim 3, the model's is 2"},
		{"action type", cont, "continuous actions, the model's are discrete"},
		{"action range", badAct, "row 1: action 2 outside the model's 2 actions from 0"},
		{"imagined", imagined, "row 2 is imagined"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err1 := oneStep(m, tc.data, 10)
			_, err2 := openLoop(m, tc.data, 3, 0, nil)
			_, err3 := oldNew(m, walk(2), tc.data)
			for _, err := range []error{err1, err2, err3} {
				if err == nil || !strings.Contains(err.Error(), tc.want) {
					t.Errorf("error %v, want one containing %q", err, tc.want)
				}
			}
		})
	}
}

func TestOldNew(t *testing.T) {
	// Bias 0.1 + gain 0.01·s: the error at state s is 0.1 + 0.01·s, so
	// states far from 0 (the second episode starts at s = 10) err more.
	m := walkModel([]float64{0.1}, []float64{0.01}, 1)
	old := walk(1)    // s = 0: error 0.1
	new := walk(0, 1) // episode 1 starts at s = 10: error 0.2
	rows, err := oldNew(m, old, new)
	if err != nil {
		t.Fatal(err)
	}
	checkMetric(t, rows, "model_mse_old", format.NoIndex, 0.01, tolExact)
	checkMetric(t, rows, "model_mse_new", format.NoIndex, 0.04, tolExact)
}

func states(values ...float64) *format.Transitions {
	t := format.NewTransitions(1, 1, true, len(values))
	for _, v := range values {
		t.AppendRow(format.Row{Obs: []float64{v}, NextObs: []float64{v}})
	}
	return t
}

func TestHistograms(t *testing.T) {
	ranges := []Range{{0, 1}}
	// a: one state per bin of [0, 1] in 4 bins. b: -5 and 2 are out of
	// range and go to the edge bins: [0.75, 0, 0, 0.25]. TV = (0.5 +
	// 0.25 + 0.25 + 0) / 2 = 0.5.
	a, b := states(0.1, 0.3, 0.6, 0.9), states(-5, 0.1, 0.2, 2)
	rows, err := Histograms([]Set{{"a", a}, {"b", b}, {"c", a}}, ranges, 4)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range []float64{0.25, 0.25, 0.25, 0.25} {
		checkMetric(t, rows, "hist_a_d0", k, v, tolExact)
	}
	for k, v := range []float64{0.75, 0, 0, 0.25} {
		checkMetric(t, rows, "hist_b_d0", k, v, tolExact)
	}
	checkMetric(t, rows, "hist_tv_a_b", format.NoIndex, 0.5, tolExact)
	checkMetric(t, rows, "hist_tv_a_b_dim", 0, 0.5, tolExact)
	checkMetric(t, rows, "hist_tv_a_c", format.NoIndex, 0, tolExact)
	checkMetric(t, rows, "hist_tv_b_c", format.NoIndex, 0.5, tolExact)

	for _, tc := range []struct {
		name string
		sets []Set
		want string
	}{
		{"label", []Set{{"a_b", a}}, `label "a_b"`},
		{"duplicate", []Set{{"a", a}, {"a", b}}, `label "a" given twice`},
		{"dims", []Set{{"w", walk(2)}}, "obs_dim 2, the ranges have 1"},
		{"empty", []Set{{"e", states()}}, "no transitions"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := Histograms(tc.sets, ranges, 4); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want one containing %q", err, tc.want)
			}
		})
	}
}

func TestEdges(t *testing.T) {
	e := Edges(Range{-3, 3}, 4)
	for i, want := range []float64{-3, -1.5, 0, 1.5, 3} {
		if e[i] != want {
			t.Errorf("edge %d = %g, want %g", i, e[i], want)
		}
	}
	// A value on an edge goes to the bin above it, the top edge to the last bin.
	for _, c := range []struct {
		x    float64
		want int
	}{{-3, 0}, {-1.5, 1}, {0, 2}, {2.9, 3}, {3, 3}, {-100, 0}, {100, 3}} {
		if got := bin(c.x, Range{-3, 3}, 4); got != c.want {
			t.Errorf("bin(%g) = %d, want %d", c.x, got, c.want)
		}
	}
}

func TestEnvRanges(t *testing.T) {
	rs, err := EnvRanges("CartPole-v1")
	if err != nil {
		t.Fatal(err)
	}
	// Bounds from Gymnasium's cartpole.py (float32 of 4.8 and 24°·2π/360)
	// and the fixed ranges of the package documentation.
	want := []Range{{-4.8, 4.8}, {-3, 3}, {-0.41887903, 0.41887903}, {-3.5, 3.5}}
	for j, r := range rs {
		if math.Abs(r.Lo-want[j].Lo) > 1e-6 || math.Abs(r.Hi-want[j].Hi) > 1e-6 {
			t.Errorf("dim %d: %v, want %v", j, r, want[j])
		}
	}
	for _, id := range env.IDs() {
		if _, err := EnvRanges(id); err != nil {
			t.Errorf("%s: %v", id, err)
		}
	}
	if _, err := EnvRanges("Nope-v0"); err == nil {
		t.Error("unknown environment: no error")
	}
}

func TestParseRanges(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []Range
		err  bool
	}{
		{"-1:1", []Range{{-1, 1}}, false},
		{"-4.8:4.8, -3:3", []Range{{-4.8, 4.8}, {-3, 3}}, false},
		{"1:1", nil, true},
		{"1", nil, true},
		{"a:b", nil, true},
		{"-inf:0", nil, true},
		{"", nil, true},
	} {
		got, err := ParseRanges(tc.in)
		if (err != nil) != tc.err || fmt.Sprint(got) != fmt.Sprint(tc.want) {
			t.Errorf("ParseRanges(%q) = %v, %v; want %v, error %v", tc.in, got, err, tc.want, tc.err)
		}
	}
}

// TestEnsemble runs a real (untrained, normalised) ensemble and checks the
// identities of the package documentation: model_ek[1] is
// model_mse_next_obs, which is model_mse_delta, and model_var_mean is the
// mean of dynamics' own Spread.
func TestEnsemble(t *testing.T) {
	data := dynamicstest.Random(t, "CartPole-v1", 300, 1)
	e := dynamicstest.New(t, "CartPole-v1", "tuned", 3)
	d, err := dynamics.NewDataset(data)
	if err != nil {
		t.Fatal(err)
	}
	e.SetNorm(d)
	one, err := OneStep(e, data, 10)
	if err != nil {
		t.Fatal(err)
	}
	ek, err := OpenLoop(e, data, 5, 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	mse, _ := lookup(one, "model_mse_next_obs", format.NoIndex)
	checkMetric(t, ek, "model_ek", 1, mse, tolCross*math.Max(1, mse))
	checkMetric(t, one, "model_mse_delta", format.NoIndex, mse, tolCross*math.Max(1, mse))
	checkMetric(t, ek, "model_ek_count", 1, float64(data.Len()), 0)

	n, m := d.N, e.Members()
	delta, rew, term := make([]float64, m*n*4), make([]float64, m*n), make([]float64, m*n)
	e.PredictAll(d.Obs, d.Act, n, delta, rew, term)
	v := make([]float64, n)
	e.Spread(delta, rew, term, n, nil, nil, nil, v, nil)
	checkMetric(t, one, "model_var_mean", format.NoIndex, mean(v), tolCross)
}

// BenchmarkEvaluate times what evalmodel computes at a checkpoint: one-step
// metrics and E_1..E_20 on 500 held-out CartPole transitions. The cost is
// the members' forward passes; the tuned preset with every start (about
// 25 times the work of course) is left out to keep the run short.
func BenchmarkEvaluate(b *testing.B) {
	data := dynamicstest.Random(b, "CartPole-v1", 500, 1)
	for _, c := range []struct {
		preset  string
		members int
		starts  int
	}{{"course", 1, 0}, {"course", 1, 100}, {"tuned", 5, 100}} {
		e := dynamicstest.New(b, "CartPole-v1", c.preset, c.members)
		b.Run(fmt.Sprintf("%s-M%d-starts%d", c.preset, c.members, c.starts), func(b *testing.B) {
			rng := rand.New(rand.NewPCG(1, 1))
			for b.Loop() {
				if _, err := OneStep(e, data, 10); err != nil {
					b.Fatal(err)
				}
				if _, err := OpenLoop(e, data, 20, c.starts, rng); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// FuzzParseRanges checks that ParseRanges never panics and returns only
// finite ranges with Lo < Hi.
func FuzzParseRanges(f *testing.F) {
	for _, s := range []string{"-4.8:4.8,-3:3", "0:1", "1:0", "nan:1", ":", ",", "1e308:1e309"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		rs, err := ParseRanges(s)
		if err != nil {
			return
		}
		for _, r := range rs {
			if !(r.Lo < r.Hi) || math.IsInf(r.Lo, 0) || math.IsInf(r.Hi, 0) {
				t.Errorf("ParseRanges(%q) accepted %v", s, r)
			}
		}
	})
}

func TestDataRanges(t *testing.T) {
	a := &format.Transitions{ObsDim: 2, Obs: []float64{0, 5, 1, 5, math.Inf(1), 5}}
	b := &format.Transitions{ObsDim: 2, Obs: []float64{-2, 5, math.NaN(), 5}}
	got := DataRanges([]Set{{"a", a}, {"b", b}}, 2)
	want := []Range{{-2, 1}, {4, 6}}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("DataRanges = %v, want %v", got, want)
	}
}
