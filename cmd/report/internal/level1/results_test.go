package level1

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

// The tests below check the sections' computed results against values
// computed here from the fixture runs' rows, apart from the report's
// code: final and early returns, IQMs (RLiable's 25% trimmed mean), steps
// to the threshold, where the IQM curves cross, growth rates and counts
// of solved runs.

// load writes runs with write and loads them.
func load(t *testing.T, write func(t *testing.T, dir string)) *analysis.Set {
	t.Helper()
	dir := t.TempDir()
	write(t, dir)
	set, err := analysis.Load([]string{filepath.Join(dir, "*", "metrics.arrow")}, analysis.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return set
}

func testOpt() Options {
	return Options{Boot: estimate.Bootstrap{Seed: 1, Reps: 100}, Fraction: 0.8, EarlyUntil: 3000, EkRatio: 10}
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

func mean(v []float64) float64 {
	var s float64
	for _, x := range v {
		s += x
	}
	return s / float64(len(v))
}

// series returns a run's rows of metric at index by step.
func series(r *analysis.Run, metric string, index int64) (steps, vals []float64) {
	type pt struct{ s, v float64 }
	var pts []pt
	for _, row := range r.Rows {
		if row.Metric == metric && row.Index == index {
			pts = append(pts, pt{float64(row.RealSteps), row.Value})
		}
	}
	slices.SortFunc(pts, func(a, b pt) int { return cmp.Compare(a.s, b.s) })
	for _, p := range pts {
		steps, vals = append(steps, p.s), append(vals, p.v)
	}
	return steps, vals
}

// returns returns a run's evaluation returns by step.
func returns(r *analysis.Run) (steps, vals []float64) { return series(r, metric.EvalReturn, -1) }

// at returns each run's last value of metric at or before step.
func at(runs []*analysis.Run, metric string, step float64) []float64 {
	out := make([]float64, len(runs))
	for i, r := range runs {
		s, v := series(r, metric, -1)
		j := len(s) - 1
		for j > 0 && s[j] > step {
			j--
		}
		out[i] = v[j]
	}
	return out
}

// close reports whether got is within 1e-9 (relative above 1) of want;
// NaN equals NaN.
func close(got, want float64) bool {
	if math.IsNaN(want) {
		return math.IsNaN(got)
	}
	return math.Abs(got-want) <= 1e-9*max(1, math.Abs(want))
}

func TestComputeSooner(t *testing.T) {
	cases := []struct {
		name  string
		shift float64 // Dyna-PPO's curve ahead of PPO's by this many steps
	}{{"ahead", 3000}, {"level", 0}, {"behind", -3000}}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			set := load(t, level1Runs(analysistest.Ramp(c.shift, 0, 0)))
			sc := scale.Of(set.Runs)
			res, err := computeSooner(set, "dyna", "ppo", sc, testOpt())
			if err != nil {
				t.Fatal(err)
			}
			final := iqm(at(set.Of("ppo"), metric.EvalReturn, math.Inf(1)))
			thr := sc.Worst + 0.8*(final-sc.Worst)
			if !close(res.PPOFinal.Point, final) || !close(res.Threshold, thr) {
				t.Errorf("PPO final %g, threshold %g; want %g and %g", res.PPOFinal.Point, res.Threshold, final, thr)
			}
			steps := func(v string) float64 {
				var s []float64
				for _, r := range set.Of(v) {
					st, vals := returns(r)
					i := slices.IndexFunc(vals, func(x float64) bool { return x >= thr })
					if i < 0 {
						i = len(st) - 1
					}
					s = append(s, st[i])
				}
				return iqm(s)
			}
			dy, pp := steps("dyna"), steps("ppo")
			if res.StepsDyna.Variant != "dyna" || res.StepsPPO.Variant != "ppo" || !close(res.StepsDyna.Point, dy) || !close(res.StepsPPO.Point, pp) || len(res.Steps) != 2 {
				t.Errorf("steps %+v and %+v, want %g and %g", res.StepsDyna, res.StepsPPO, dy, pp)
			}
			if !close(res.Diff.Point, dy-pp) || math.Abs(res.Diff.Point+c.shift) > 1000 {
				t.Errorf("difference %+v, want %g (about %g)", res.Diff, dy-pp, -c.shift)
			}
			if len(res.Curves) != 2 || len(res.Grid.Steps) != 16 {
				t.Errorf("%d curves on %d steps, want 2 on 16", len(res.Curves), len(res.Grid.Steps))
			}
		})
	}
}

func TestComputeEarly(t *testing.T) {
	cases := []struct {
		name    string
		penalty float64
		until   float64
		want    bool
		err     string
	}{
		{"penalty", 200, 3000, true, ""},
		{"none", 0, 3000, false, ""},
		{"penalty after the early evaluations", 200, 1000, true, ""},
		{"no early evaluation", 0, 500, false, "no evaluation in (0, 500]"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			set := load(t, level1Runs(analysistest.Ramp(0, c.penalty, 3000)))
			opt := testOpt()
			opt.EarlyUntil = c.until
			res, err := computeEarly(set, "dyna", "ppo", opt)
			if c.err != "" || err != nil {
				if err == nil || c.err == "" || !strings.Contains(err.Error(), c.err) {
					t.Fatalf("error %v, want one containing %q", err, c.err)
				}
				return
			}
			early := func(v string) float64 {
				var m []float64
				for _, r := range set.Of(v) {
					s, vals := returns(r)
					var e []float64
					for i := range s {
						if s[i] > 0 && s[i] <= c.until {
							e = append(e, vals[i])
						}
					}
					m = append(m, mean(e))
				}
				return mean(m)
			}
			if want := early("dyna") - early("ppo"); !close(res.Diff.Point, want) || res.Until != c.until {
				t.Errorf("early difference %+v until %g, want %g until %g", res.Diff, res.Until, want, c.until)
			}
			if res.Penalty != c.want || res.Penalty != (res.Diff.Hi < 0) {
				t.Errorf("penalty %v with %+v, want %v", res.Penalty, res.Diff, c.want)
			}
		})
	}
}

func TestComputeCross(t *testing.T) {
	cases := []struct {
		name string
		dyna func(float64, int64) float64
	}{
		{"ahead", analysistest.Ramp(3000, 0, 3000)},
		{"penalty", analysistest.Ramp(3000, 200, 3000)},
		{"behind", analysistest.Ramp(-3000, 0, 0)},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			set := load(t, level1Runs(c.dyna))
			res, err := computeCross(set, "dyna", testOpt())
			if err != nil {
				t.Fatal(err)
			}
			// The first step from which Dyna-PPO's IQM is never below PPO's
			// and above it there, after step 0.
			want := math.NaN()
			for s := 15000.0; s > 0; s -= 1000 {
				d := iqm(at(set.Of("dyna"), metric.EvalReturn, s)) - iqm(at(set.Of("ppo"), metric.EvalReturn, s))
				if d < 0 {
					break
				}
				if d > 0 {
					want = s
				}
			}
			if !close(res.Step, want) {
				t.Fatalf("cross at %g, want %g", res.Step, want)
			}
			mse := 0.0
			if !math.IsNaN(want) {
				mse = iqm(at(set.Of("dyna"), "model_mse_delta", want))
			}
			if !close(res.MSE.Point, mse) || len(res.MSECurves) != 1 {
				t.Errorf("MSE there %+v, %d curves; want %g and one", res.MSE, len(res.MSECurves), mse)
			}
		})
	}
}

func TestComputeGrowth(t *testing.T) {
	cases := []struct {
		name  string
		ratio float64
	}{{"ratio 10", 10}, {"ratio 2", 2}}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			set := load(t, level1Runs(analysistest.Ramp(0, 0, 0)))
			opt := testOpt()
			opt.EkRatio = c.ratio
			res, err := computeGrowth(set, "dyna", opt)
			if err != nil {
				t.Fatal(err)
			}
			if res.At != [2]float64{1000, 15000} {
				t.Fatalf("checkpoints %v, want 1,000 and 15,000", res.At)
			}
			for i, s := range res.At {
				// The fixture's E_k = MSE g^(k-1) with g = DefaultGrowth: the
				// mean curve over runs has the same g; the horizon is the
				// last k whose E_k/E_1 is within the ratio.
				g := analysistest.DefaultGrowth(s)
				h := 0
				for k := 1; k <= 20 && math.Pow(g, float64(k-1)) <= c.ratio; k++ {
					h = k
				}
				if !close(res.Growth[i].Point, g) || res.Horizon[i] != h || len(res.Curves[i]) != 1 {
					t.Errorf("at %g: growth %+v, horizon %d, %d curves; want %g, %d, one", s, res.Growth[i], res.Horizon[i], len(res.Curves[i]), g, h)
				}
				ek := res.Curves[i][0].Est
				if e1 := iqm(at(set.Of("dyna"), "model_mse_delta", s)); len(ek) != 20 || math.Abs(ek[0].Point/e1-1) > 0.02 {
					t.Errorf("at %g: E_k curve of %d points starting at %g, want 20 from about %g", s, len(ek), ek[0].Point, e1)
				}
			}
		})
	}
	t.Run("no model_ek", func(t *testing.T) {
		set := load(t, level1Runs(analysistest.Ramp(0, 0, 0)))
		if _, err := computeGrowth(set, "ppo", testOpt()); err == nil || !strings.Contains(err.Error(), "no checkpoint with model_ek") {
			t.Errorf("error %v, want one saying there is no model_ek", err)
		}
	})
}

func TestComputeBudgets(t *testing.T) {
	cases := []struct {
		name  string
		write func(t *testing.T, dir string)
		at    []float64
	}{
		{"pendulum", writePendulum, []float64{2000, 20000, 100000}},
		{"cartpole, a budget past the runs", level1Runs(analysistest.Ramp(3000, 0, 0)), []float64{3000, 15000, 20000}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			set := load(t, c.write)
			sc := scale.Of(set.Runs)
			res, err := computeBudgets(set, c.at, sc, testOpt())
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(res.Variants, set.Variants()) || len(res.Runs) != len(res.Variants) || len(res.Checkpoints) != len(c.at) {
				t.Fatalf("variants %v with %v runs, %d checkpoints", res.Variants, res.Runs, len(res.Checkpoints))
			}
			for i, cp := range res.Checkpoints {
				var want []AtStep
				for _, v := range set.Variants() {
					if row, ok := budgetRow(set.Of(v), c.at[i], sc); ok {
						row.Variant = v
						want = append(want, row)
					}
				}
				if cp.Step != c.at[i] || len(cp.Rows) != len(want) {
					t.Errorf("checkpoint %g: rows %+v, want %+v", cp.Step, cp.Rows, want)
					continue
				}
				for j, row := range cp.Rows {
					w := want[j]
					if row.Variant != w.Variant || row.Runs != w.Runs || row.Solved != w.Solved || !close(row.IQM.Point, w.IQM.Point) {
						t.Errorf("at %g: %+v, want %+v", cp.Step, row, w)
					}
				}
			}
		})
	}
}

// budgetRow returns the runs' IQM return at step and how many reached the
// solved return by then, false when some run ends before step.
func budgetRow(runs []*analysis.Run, step float64, sc scale.Scale) (AtStep, bool) {
	row := AtStep{Runs: len(runs)}
	for _, r := range runs {
		s, v := returns(r)
		if s[len(s)-1] < step {
			return row, false
		}
		best := math.Inf(-1)
		for i := range s {
			if s[i] <= step {
				best = max(best, v[i])
			}
		}
		if sc.HasSolved && best >= sc.Solved {
			row.Solved++
		}
	}
	row.IQM.Point = iqm(at(runs, metric.EvalReturn, step))
	return row, true
}

func TestComputeOverall(t *testing.T) {
	cases := []struct {
		name  string
		write func(t *testing.T, dir string)
	}{
		{"cartpole", level1Runs(analysistest.Ramp(3000, 0, 0))},
		{"pendulum", writePendulum},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			set := load(t, c.write)
			if set, _ = set.Select([]string{"dyna", "ppo"}); set == nil {
				t.Fatal("no dyna and ppo runs")
			}
			sc := scale.Of(set.Runs)
			res, err := computeOverall(set, "dyna", "ppo", sc, testOpt())
			if err != nil {
				t.Fatal(err)
			}
			norm := func(v string) []float64 {
				x := at(set.Of(v), metric.EvalReturn, math.Inf(1))
				for i := range x {
					x[i] = (x[i] - sc.Worst) / (sc.Best - sc.Worst)
				}
				return x
			}
			if len(res.Estimates) != 2 || len(res.Metrics) != 4 {
				t.Fatalf("%d estimates of %d metrics, want 2 of 4", len(res.Estimates), len(res.Metrics))
			}
			for _, e := range res.Estimates {
				x := norm(e.Variant)
				med := slices.Sorted(slices.Values(x))[len(x)/2]
				gap := 0.0
				for _, v := range x {
					gap += max(0, 1-v) / float64(len(x))
				}
				for i, want := range []float64{iqm(x), mean(x), med, gap} {
					if !close(e.Intervals[i].Point, want) {
						t.Errorf("%s: %s %g, want %g", e.Variant, res.Metrics[i].Name, e.Intervals[i].Point, want)
					}
				}
			}
			var p float64
			dy, pp := norm("dyna"), norm("ppo")
			for _, a := range dy {
				for _, b := range pp {
					p += map[bool]float64{true: 1}[a > b] + map[bool]float64{true: 0.5}[a == b]
				}
			}
			p /= float64(len(dy) * len(pp))
			if res.Improve.X != "dyna" || res.Improve.Y != "ppo" || !close(res.Improve.P.Point, p) {
				t.Errorf("improvement %+v, want P(dyna > ppo) = %g", res.Improve, p)
			}
		})
	}
}
