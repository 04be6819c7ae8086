package level2

import (
	"cmp"
	"math"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/dynago/dynago/cmd/report/internal/scale"
	"github.com/dynago/dynago/lib/analysis"
	"github.com/dynago/dynago/lib/analysis/analysistest"
	"github.com/dynago/dynago/lib/estimate"
	"github.com/dynago/dynago/lib/format/metric"
)

// The tests below check the sweep sections' computed results against
// values computed here from the fixture runs' rows, apart from the
// report's code: final returns, IQMs (RLiable's 25% trimmed mean), areas
// under the return curves and the probabilities of improvement.

// fixture writes seeds runs of each variant and loads them.
func fixture(t *testing.T, seeds int, vs []analysistest.L2Variant) *analysis.Set {
	t.Helper()
	dir := t.TempDir()
	if err := analysistest.WriteLevel2(dir, seeds, vs); err != nil {
		t.Fatal(err)
	}
	set, err := analysis.Load([]string{filepath.Join(dir, "*", "metrics.arrow")}, analysis.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return set
}

// testOpt are the options of the result tests.
func testOpt(final int) Options {
	return Options{Boot: estimate.Bootstrap{Seed: 1, Reps: 100}, Final: final, Fraction: 0.8}
}

// iqm is the mean of the values between the 25% and 75% quantiles,
// len/4 values cut from each end.
func iqm(v []float64) float64 {
	s := slices.Sorted(slices.Values(v))
	cut := len(s) / 4
	var sum float64
	for _, x := range s[cut : len(s)-cut] {
		sum += x
	}
	return sum / float64(len(s)-2*cut)
}

// curve returns a run's eval_return rows by step.
func curve(r *analysis.Run) (steps, vals []float64) {
	type pt struct{ s, v float64 }
	var pts []pt
	for _, row := range r.Rows {
		if row.Metric == metric.EvalReturn {
			pts = append(pts, pt{float64(row.RealSteps), row.Value})
		}
	}
	slices.SortFunc(pts, func(a, b pt) int { return cmp.Compare(a.s, b.s) })
	for _, p := range pts {
		steps, vals = append(steps, p.s), append(vals, p.v)
	}
	return steps, vals
}

// finals returns each run's mean of its last n evaluation returns.
func finals(runs []*analysis.Run, n int) []float64 {
	out := make([]float64, len(runs))
	for i, r := range runs {
		_, v := curve(r)
		for _, x := range v[len(v)-n:] {
			out[i] += x / float64(n)
		}
	}
	return out
}

// areas returns each run's trapezoidal area under its return curve over
// the span of its evaluations (every fixture run has the same steps).
func areas(runs []*analysis.Run) []float64 {
	out := make([]float64, len(runs))
	for i, r := range runs {
		s, v := curve(r)
		for j := 1; j < len(s); j++ {
			out[i] += (s[j] - s[j-1]) * (v[j] + v[j-1]) / 2
		}
		out[i] /= s[len(s)-1] - s[0]
	}
	return out
}

// improvement is the fraction of pairs of runs with x > y, ties one half.
func improvement(x, y []float64) float64 {
	var n float64
	for _, a := range x {
		for _, b := range y {
			switch {
			case a > b:
				n++
			case a == b:
				n += 0.5
			}
		}
	}
	return n / float64(len(x)*len(y))
}

// close reports whether got is within 1e-9 (relative above 1) of want;
// NaN equals NaN.
func close(got, want float64) bool {
	if math.IsNaN(want) {
		return math.IsNaN(got)
	}
	return math.Abs(got-want) <= 1e-9*max(1, math.Abs(want))
}

// checkPoints compares a sweep's points with the final returns of their
// variants' runs.
func checkPoints(t *testing.T, set *analysis.Set, s Sweep, final int, values []float64) {
	t.Helper()
	if len(s.Points) != len(values) {
		t.Fatalf("%d points %+v, want values %v", len(s.Points), s.Points, values)
	}
	for i, p := range s.Points {
		runs := set.Of(p.Variant)
		if p.Value != values[i] || p.Runs != len(runs) || !close(p.Return.Point, iqm(finals(runs, final))) {
			t.Errorf("point %d: %+v, want value %g, %d runs, final IQM %g", i, p, values[i], len(runs), iqm(finals(runs, final)))
		}
		if !(p.Return.Lo <= p.Return.Point && p.Return.Point <= p.Return.Hi) {
			t.Errorf("point %d: interval %+v does not hold its IQM", i, p.Return)
		}
	}
}

// argmax returns the index of the largest value (the first of equals).
func argmax(v []float64) int {
	b := 0
	for i, x := range v {
		if x > v[b] {
			b = i
		}
	}
	return b
}

// finalIQMs returns the IQM final return of each point's variant.
func finalIQMs(set *analysis.Set, pts []Point, final int) []float64 {
	out := make([]float64, len(pts))
	for i, p := range pts {
		out[i] = iqm(finals(set.Of(p.Variant), final))
	}
	return out
}

func TestComputeHorizon(t *testing.T) {
	h30 := analysistest.L2Variant{Name: "dyna-h30", Final: 100, MSE: 0.002, Settings: analysistest.L2Dyna("HORIZON", "30")}
	noModel := func(name, h string) analysistest.L2Variant {
		return analysistest.L2Variant{Name: name, Final: 300, Settings: analysistest.L2Dyna("HORIZON", h, "EVAL_MODEL", "0")}
	}
	cases := []struct {
		name     string
		variants []analysistest.L2Variant
		values   []float64 // nil: no result
		only     string
		missing  []float64
		err      string
	}{
		{"full", pick("dyna", "dyna-h1", "dyna-h3", "dyna-h10", "dyna-h20"), []float64{1, 3, 5, 10, 20}, "", nil, ""},
		{"best last", pick("dyna", "dyna-h1", "dyna-h3"), []float64{1, 3, 5}, "", nil, ""},
		{"horizon beyond model_ek", append(pick("dyna", "dyna-h1"), h30), []float64{1, 5, 30}, "", []float64{30}, ""},
		{"one setting", pick("dyna-h1", "ppo"), nil, "dyna-h1", nil, ""},
		{"no sweep", pick("dyna", "ppo"), nil, "", nil, ""},
		{"no model_ek", []analysistest.L2Variant{noModel("dyna-h1", "1"), noModel("dyna-h3", "3")}, nil, "", nil, "EVAL_MODEL=1"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			set := fixture(t, 4, c.variants)
			res, err := computeHorizon(set, testOpt(1))
			if c.err != "" || err != nil {
				if err == nil || c.err == "" || !strings.Contains(err.Error(), c.err) {
					t.Fatalf("error %v, want one containing %q", err, c.err)
				}
				return
			}
			switch {
			case c.values == nil && c.only == "":
				if res != nil {
					t.Errorf("result %+v, want none", res)
				}
				return
			case c.only != "":
				if res == nil || res.Only != c.only || res.Points != nil {
					t.Errorf("result %+v, want only %s", res, c.only)
				}
				return
			}
			checkPoints(t, set, res.Sweep, 1, c.values)
			if res.LateAt != analysistest.L2Steps || !slices.Equal(res.Missing, c.missing) {
				t.Errorf("late at %g, missing %v; want %d and %v", res.LateAt, res.Missing, analysistest.L2Steps, c.missing)
			}
			var withEK []float64
			for _, p := range res.Points {
				want := 0.002 * math.Pow(analysistest.L2Growth, p.Value-1) // the fixture's E_k at k = H
				if slices.Contains(c.missing, p.Value) {
					want = math.NaN()
				} else {
					withEK = append(withEK, want)
				}
				if !close(p.Model.Point, want) {
					t.Errorf("H = %g: E_H %g, want %g", p.Value, p.Model.Point, want)
				}
			}
			if want := withEK[len(withEK)-1] / withEK[0]; !close(res.Compounds, want) {
				t.Errorf("compounds by %g, want %g", res.Compounds, want)
			}
			ret := finalIQMs(set, res.Points, 1)
			if res.Best != argmax(ret) {
				t.Errorf("best %d, want %d (returns %v)", res.Best, argmax(ret), ret)
			}
			b, last := res.Points[res.Best], res.Points[len(res.Points)-1]
			if res.LastBelow != (last.Return.Hi < b.Return.Lo) {
				t.Errorf("last below %v with intervals %+v and best %+v", res.LastBelow, last.Return, b.Return)
			}
			for _, p := range res.Points {
				if near := p.Variant != b.Variant && p.Return.Lo <= b.Return.Hi && b.Return.Lo <= p.Return.Hi; near != slices.Contains(res.Near, p.Value) {
					t.Errorf("H = %g near the best: %v, want %v", p.Value, !near, near)
				}
			}
		})
	}
}

func TestComputeBuffer(t *testing.T) {
	noModel := analysistest.L2Variant{Name: "dyna-buf1000", Final: 300, Settings: analysistest.L2Dyna("BUFFER_SIZE", "1000", "EVAL_MODEL", "0")}
	cases := []struct {
		name     string
		variants []analysistest.L2Variant
		final    int
		values   []float64
		mse      []float64 // the fixture's model_mse_delta per point
		err      string
	}{
		{"full", pick("dyna", "dyna-buf1000", "dyna-buf5000", "dyna-buf50000"), 1, []float64{1000, 5000, 10000, 50000}, []float64{0.01, 0.002, 0.002, 0.004}, ""},
		{"full, final of two", pick("dyna", "dyna-buf1000", "dyna-buf5000", "dyna-buf50000"), 2, []float64{1000, 5000, 10000, 50000}, []float64{0.01, 0.002, 0.002, 0.004}, ""},
		{"largest best", pick("dyna", "dyna-buf1000", "dyna-buf5000"), 1, []float64{1000, 5000, 10000}, []float64{0.01, 0.002, 0.002}, ""},
		{"no model error", append(pick("dyna"), noModel), 1, nil, nil, "EVAL_MODEL=1"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			set := fixture(t, 5, c.variants)
			res, err := computeBuffer(set, testOpt(c.final))
			if c.err != "" || err != nil {
				if err == nil || c.err == "" || !strings.Contains(err.Error(), c.err) {
					t.Fatalf("error %v, want one containing %q", err, c.err)
				}
				return
			}
			checkPoints(t, set, res.Sweep, c.final, c.values)
			for i, p := range res.Points {
				if !close(p.Model.Point, c.mse[i]) {
					t.Errorf("buffer %g: model error %g, want %g", p.Value, p.Model.Point, c.mse[i])
				}
			}
			ret := finalIQMs(set, res.Points, c.final)
			l := len(ret) - 1
			bi := argmax(ret[:l])
			lowest := slices.Index(c.mse, slices.Min(c.mse))
			if res.BestSmaller != bi || res.Lowest != lowest || res.LargestIsBest != (ret[l] > ret[bi]) {
				t.Errorf("best smaller %d, lowest error %d, largest best %v; want %d, %d, %v", res.BestSmaller, res.Lowest, res.LargestIsBest, bi, lowest, ret[l] > ret[bi])
			}
			if want := ret[l] - ret[bi]; !close(res.StaleReturn.Point, want) || res.StaleHurts != (res.StaleReturn.Hi < 0) {
				t.Errorf("stale return %+v (hurts %v), want %g", res.StaleReturn, res.StaleHurts, want)
			}
			if want := c.mse[l] - c.mse[bi]; !close(res.StaleMSE.Point, want) {
				t.Errorf("stale model error %+v, want %g", res.StaleMSE, want)
			}
		})
	}
}

func TestComputeNoise(t *testing.T) {
	justBelow := analysistest.L2Variant{Name: "dyna-noise0.2", Final: 349, Settings: analysistest.L2Dyna("NOISE_SIGMA", "0.2", "EVAL_MODEL", "0")}
	cases := []struct {
		name     string
		variants []analysistest.L2Variant
		values   []float64
		degrades float64 // the fixture's answer: σ = 0.03 is the first 10 below σ = 0
	}{
		{"full", pick("ppo", "dyna", "dyna-noise0.01", "dyna-noise0.03", "dyna-noise0.1", "dyna-noise0.3", "dyna-noise1"), []float64{0, 0.01, 0.03, 0.1, 0.3, 1}, 0.03},
		{"without ppo", pick("dyna", "dyna-noise0.03", "dyna-noise1"), []float64{0, 0.03, 1}, 0.03},
		{"above ppo", pick("ppo", "dyna", "dyna-noise0.01"), []float64{0, 0.01}, math.NaN()},
		{"without dyna", pick("ppo", "dyna-noise0.1", "dyna-noise1"), []float64{0.1, 1}, 1},
		{"IQM just below ppo's", append(pick("ppo", "dyna"), justBelow), []float64{0, 0.2}, 0.2},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			set := fixture(t, 5, c.variants)
			res, err := computeNoise(set, testOpt(1))
			if err != nil {
				t.Fatal(err)
			}
			checkPoints(t, set, res.Sweep, 1, c.values)
			if !close(res.Degrades, c.degrades) {
				t.Errorf("degrades at σ = %g, want %g", res.Degrades, c.degrades)
			}
			ppo := set.Of(PPO)
			wantIQM, wantPPO := math.NaN(), 0.0
			if len(ppo) > 0 {
				wantPPO = iqm(finals(ppo, 1))
				for i, r := range finalIQMs(set, res.Points, 1) {
					if r < wantPPO {
						wantIQM = res.Points[i].Value
						break
					}
				}
			}
			if res.PPORuns != len(ppo) || !close(res.PPOFinal.Point, wantPPO) || !close(res.BelowIQM, wantIQM) {
				t.Errorf("%d PPO runs, PPO final %g, below it at σ = %g; want %d, %g, %g", res.PPORuns, res.PPOFinal.Point, res.BelowIQM, len(ppo), wantPPO, wantIQM)
			}
			wantCI := math.NaN()
			for _, p := range res.Points {
				if len(ppo) > 0 && p.Return.Hi < res.PPOFinal.Lo {
					wantCI = p.Value
					break
				}
			}
			if !close(res.BelowCI, wantCI) {
				t.Errorf("interval below PPO's at σ = %g, want %g", res.BelowCI, wantCI)
			}
		})
	}
}

func TestComputeBudget(t *testing.T) {
	cases := []struct {
		name     string
		variants []analysistest.L2Variant
		names    []string // regimes by budget
		only     string
	}{
		{"three regimes", pick("dyna", "dyna-budget-conservative", "dyna-budget-aggressive"), []string{"conservative", "balanced", "aggressive"}, ""},
		{"without dyna", pick("dyna-budget-conservative", "dyna-budget-aggressive", "ppo"), []string{"conservative", "aggressive"}, ""},
		{"one regime", pick("dyna-budget-aggressive"), nil, "dyna-budget-aggressive"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			set := fixture(t, 5, c.variants)
			sc := scale.Of(set.Runs)
			res, err := computeBudget(set, sc, testOpt(1))
			if err != nil {
				t.Fatal(err)
			}
			if c.only != "" {
				if res.Only != c.only || res.Regimes != nil {
					t.Errorf("result %+v, want only %s", res, c.only)
				}
				return
			}
			if len(res.Regimes) != len(c.names) {
				t.Fatalf("regimes %+v, want %v", res.Regimes, c.names)
			}
			area, final := make([][]float64, len(c.names)), make([]float64, len(c.names))
			for i, reg := range res.Regimes {
				runs := set.Of(reg.Variant)
				area[i], final[i] = areas(runs), iqm(finals(runs, 1))
				if reg.Name != c.names[i] || reg.Runs != len(runs) || !close(reg.Area.Point, iqm(area[i])) || !close(reg.Final.Point, final[i]) {
					t.Errorf("regime %d: %+v, want %s with area %g and final return %g", i, reg, c.names[i], iqm(area[i]), final[i])
				}
				if i > 0 && reg.Updates <= res.Regimes[i-1].Updates {
					t.Errorf("regime %s (%g updates) after %g updates", reg.Name, reg.Updates, res.Regimes[i-1].Updates)
				}
			}
			checkSteps(t, set, res, sc.Fraction(0.8, slices.Max(final)))
			iqms := make([]float64, len(area))
			for i := range area {
				iqms[i] = iqm(area[i])
			}
			b := argmax(iqms)
			second := argmax(slices.Concat(iqms[:b], []float64{math.Inf(-1)}, iqms[b+1:]))
			if res.Best != b || res.Second != second || !close(res.Gap.Point, iqms[b]-iqms[second]) {
				t.Errorf("best %d, second %d, gap %+v; want %d, %d, %g", res.Best, res.Second, res.Gap, b, second, iqms[b]-iqms[second])
			}
			if n := len(c.names); len(res.Improve) != n*(n-1)/2 || len(res.Curves) != n {
				t.Fatalf("%d comparisons and %d curves, want %d and %d", len(res.Improve), len(res.Curves), n*(n-1)/2, n)
			}
			for _, cmp := range res.Improve {
				x, y := res.regime(cmp.X), res.regime(cmp.Y)
				if x.Updates < y.Updates || !close(cmp.P.Point, improvement(areas(set.Of(cmp.X)), areas(set.Of(cmp.Y)))) {
					t.Errorf("P(%s > %s) = %g, want %g with the larger budget first", cmp.X, cmp.Y, cmp.P.Point, improvement(areas(set.Of(cmp.X)), areas(set.Of(cmp.Y))))
				}
			}
		})
	}
}

// checkSteps checks the threshold and each regime's steps to reach it:
// the IQM over runs of the first evaluation at or above it (the last
// evaluation when never).
func checkSteps(t *testing.T, set *analysis.Set, res *BudgetResult, threshold float64) {
	t.Helper()
	if !close(res.Threshold, threshold) {
		t.Errorf("threshold %g, want %g", res.Threshold, threshold)
	}
	for _, reg := range res.Regimes {
		var steps []float64
		for _, r := range set.Of(reg.Variant) {
			s, v := curve(r)
			i := slices.IndexFunc(v, func(x float64) bool { return x >= threshold })
			if i < 0 {
				i = len(s) - 1
			}
			steps = append(steps, s[i])
		}
		if !close(reg.Steps.Point, iqm(steps)) {
			t.Errorf("regime %s: %g steps to %g, want %g", reg.Name, reg.Steps.Point, threshold, iqm(steps))
		}
	}
}
