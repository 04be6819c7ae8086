package level3

import (
	"math"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/dynago/dynago/lib/analysis"
	"github.com/dynago/dynago/lib/analysis/analysistest"
	"github.com/dynago/dynago/lib/estimate"
	"github.com/dynago/dynago/lib/format"
	"github.com/dynago/dynago/lib/format/metric"
	"github.com/dynago/dynago/lib/markdown"
	"github.com/dynago/dynago/lib/stats"
)

// load writes l's runs and returns them with their catalogue.
func load(t *testing.T, l analysistest.Level3) (*analysis.Set, catalogue) {
	t.Helper()
	dir := t.TempDir()
	writeLevel3(t, dir, l)
	return loadCatalogue(t, dir)
}

func curveNames(c []estimate.Curve) []string {
	var s []string
	for _, x := range c {
		s = append(s, x.Variant)
	}
	return s
}

// TestComputeGating checks sections 2 and 3's computed results without
// rendering or drawing them: run counts, the curves each figure gets, and
// PPO left out when there are no PPO runs.
func TestComputeGating(t *testing.T) {
	set, cat := load(t, full)
	opt := Options{Boot: estimate.Bootstrap{Seed: 1, Reps: 100}}
	gated := []string{"dyna-m5-gate0.01", "dyna-m5-gate0.05", "dyna-m5-gate0.1"}
	for _, ppo := range []bool{true, false} {
		c := cat
		if !ppo {
			c.PPO = ""
		}
		g, err := computeGating(set, c, 5, opt)
		if err != nil {
			t.Fatal(err)
		}
		want := append([]string{"dyna-m5"}, gated...)
		if ppo {
			want = append(want, "ppo")
		}
		got := curveNames(g.Curves)
		slices.Sort(got)
		slices.Sort(want)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("ppo %v: return curves of %v, want %v", ppo, got, want)
		}
		if !reflect.DeepEqual(curveNames(g.Kept), gated) {
			t.Errorf("ppo %v: kept-fraction curves of %v, want %v", ppo, curveNames(g.Kept), gated)
		}
		if len(g.Runs) != len(want) || g.Runs["dyna-m5"] != 5 || g.Runs["dyna-m5-gate0.1"] != 5 {
			t.Errorf("ppo %v: runs %v, want 5 of each of %v", ppo, g.Runs, want)
		}
		if (g.PPO != "") != ppo || (g.PPOEff != stats.Interval{}) != ppo {
			t.Errorf("ppo %v: PPO %q with efficiency %+v", ppo, g.PPO, g.PPOEff)
		}
		if !slices.Equal(g.Presets, []string{"tuned"}) || len(g.Grid.Steps) == 0 {
			t.Errorf("ppo %v: model presets %q, grid %v", ppo, g.Presets, g.Grid.Steps)
		}
		// The kept fraction is min(1, 5τ) at every step.
		for i, k := range []float64{0.05, 0.25, 0.5} {
			for _, e := range g.Kept[i].Est {
				if math.Abs(e.Point-k) > 1e-12 {
					t.Fatalf("%s: kept-fraction curve at %g, want %g", gated[i], e.Point, k)
				}
			}
		}
	}
	s, err := computeStress(set, cat, 5, opt)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"dyna-m1-stress", "dyna-m5-stress", "dyna-m5-gate0.1-stress", "ppo"}; !reflect.DeepEqual(curveNames(s.Curves), want) {
		t.Errorf("stress return curves of %v, want %v", curveNames(s.Curves), want)
	}
	if want := []string{"dyna-m5-gate0.1-stress"}; !reflect.DeepEqual(curveNames(s.Kept), want) {
		t.Errorf("stress kept-fraction curves of %v, want %v", curveNames(s.Kept), want)
	}
	// Final return: the mean of the last 3 evaluations, 30 + seed mod 5 for
	// the collapsed runs (mean 32) and 500 for the gated ones.
	if s.Final[1].Point != 32 || s.Final[2].Point != 500 || s.Runs["dyna-m1-stress"] != 5 {
		t.Errorf("stress finals %+v, runs %v", s.Final, s.Runs)
	}

	ens, cat := load(t, analysistest.Level3{Seeds: 2, Corr: map[int]float64{3: 0.3}, TopRatio: map[int]float64{3: 2}})
	if g, err := computeGating(ens, cat, 3, opt); g != nil || err != nil {
		t.Errorf("no gated runs: %v, %v; want nil, nil", g, err)
	}
	if s, err := computeStress(ens, cat, 3, opt); s != nil || err != nil {
		t.Errorf("no stressed runs: %v, %v; want nil, nil", s, err)
	}
}

// TestGatingJudge: the best τ has the highest efficiency; τ helps or hurts
// when its difference's interval lies above or below 0.
func TestGatingJudge(t *testing.T) {
	iv := func(p, lo, hi float64) stats.Interval { return stats.Interval{Point: p, Lo: lo, Hi: hi} }
	cases := []struct {
		name         string
		eff, diff    []stats.Interval
		best         int
		helps, hurts []float64
	}{
		{"none clear", []stats.Interval{iv(1, 0, 2), iv(3, 2, 4)}, []stats.Interval{iv(0, -1, 1), iv(0.5, -0.1, 1)}, 1, nil, nil},
		{"helps and hurts", []stats.Interval{iv(5, 4, 6), iv(1, 0, 2)}, []stats.Interval{iv(2, 1, 3), iv(-2, -3, -1)}, 0, []float64{0.01}, []float64{0.1}},
		{"first of equals", []stats.Interval{iv(2, 1, 3), iv(2, 1, 3)}, []stats.Interval{iv(-1, -2, -0.5), iv(-1, -2, -0.5)}, 0, nil, []float64{0.01, 0.1}},
		{"boundary is not clear", []stats.Interval{iv(2, 1, 3), iv(2, 1, 3)}, []stats.Interval{iv(1, 0, 2), iv(-1, -2, 0)}, 0, nil, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			g := &GatingAnswers{Tau: []float64{0.01, 0.1}, Eff: c.eff, EffDiff: c.diff, Best: 7, Helps: []float64{9}}
			g.judge()
			if g.Best != c.best || !reflect.DeepEqual(g.Helps, c.helps) || !reflect.DeepEqual(g.Hurts, c.hurts) {
				t.Errorf("best %d, helps %v, hurts %v; want %d, %v, %v", g.Best, g.Helps, g.Hurts, c.best, c.helps, c.hurts)
			}
		})
	}
}

// TestRenderGating renders hand-made results: each verdict's wording, and
// no PPO row or sentence without PPO runs.
func TestRenderGating(t *testing.T) {
	if testing.Short() {
		t.Skip("draws figures")
	}
	iv := func(p float64) stats.Interval { return stats.Interval{Point: p, Lo: p - 1, Hi: p + 1} }
	curve := []estimate.Curve{{Variant: "dyna-m5-gate0.1", Runs: 2, X: []float64{0, 1000}, Est: []stats.Interval{iv(10), iv(20)}}}
	base := GatingAnswers{M: 5, Ungated: "dyna-m5", Gated: []string{"dyna-m5-gate0.1"}, Tau: []float64{0.1},
		UngatedEff: iv(100), Eff: []stats.Interval{iv(150)}, EffDiff: []stats.Interval{iv(50)}, POI: []stats.Interval{iv(0.5)}, Kept: []stats.Interval{iv(0.5)}, UngatedVar: iv(0.01)}
	cases := []struct {
		name      string
		edit      func(g *GatingAnswers)
		want, not []string
	}{
		{"helps, no PPO", func(g *GatingAnswers) {}, []string{"**Gating helps** at τ = 0.1", "| dyna-m5 | ∞ | 2 | 100 |"}, []string{"For reference", "| ppo |"}},
		{"hurts", func(g *GatingAnswers) { g.EffDiff[0] = iv(-50) }, []string{"**Gating hurts** at τ = 0.1: those intervals lie below 0."}, nil},
		{"no clear effect", func(g *GatingAnswers) { g.EffDiff[0] = iv(0) }, []string{"**No clear effect**"}, nil},
		{"with PPO", func(g *GatingAnswers) { g.PPO, g.PPOEff, g.UngatedVsPPODiff = "ppo", iv(80), iv(20) },
			[]string{"and PPO's 80 (95% CI [79, 81]) (Dyna-PPO minus PPO: 20 (95% CI [19, 21]))", "| ppo |  | 2 | 80 | [79, 81] |"}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			g := base
			g.EffDiff = slices.Clone(base.EffDiff)
			c.edit(&g)
			g.judge()
			res := &GatingResult{GatingAnswers: g, Runs: map[string]int{"ppo": 2, "dyna-m5": 2, "dyna-m5-gate0.1": 2}, Presets: []string{"tuned"}, Curves: curve, Kept: curve}
			path := filepath.Join(t.TempDir(), "report.md")
			r := markdown.NewReport("t", path)
			if err := res.render(r, Options{}); err != nil {
				t.Fatal(err)
			}
			if err := r.Write(); err != nil {
				t.Fatal(err)
			}
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range c.want {
				if !strings.Contains(string(b), w) {
					t.Errorf("report lacks %q:\n%s", w, b)
				}
			}
			for _, w := range c.not {
				if strings.Contains(string(b), w) {
					t.Errorf("report has %q", w)
				}
			}
		})
	}
}

// curveStats are a run's efficiency (mean return at 1,000 to 15,000
// steps), final return (mean of the last three) and drop from its best,
// from its curve on WriteLevel3's grid.
func curveStats(f func(float64, int64) float64, seed int64) (eff, final, drop float64) {
	var vals []float64
	for s := 0.0; s <= 15000; s += 1000 {
		vals = append(vals, f(s, seed))
	}
	eff = stats.MeanOf(vals[1:])
	final = stats.MeanOf(vals[len(vals)-3:])
	return eff, final, max(slices.Max(vals)-final, 0)
}

// TestGatingNumbers checks sections 2 and 3's intervals against values
// computed from WriteLevel3's curves: each gate's Ramp(shift) against the
// ungated Ramp(2,000) and PPO's Ramp(0); under stress, runs collapsing
// to 30 + seed mod 5 after 6,000 steps against gated ones that do not.
func TestGatingNumbers(t *testing.T) {
	set, cat := load(t, full)
	opt := Options{Boot: estimate.Bootstrap{Seed: 1, Reps: 200}}
	seeds := int64(full.Seeds)
	perSeed := func(f func(float64, int64) float64) (eff, final, drop []float64) {
		for seed := range seeds {
			e, fi, d := curveStats(f, seed)
			eff, final, drop = append(eff, e), append(final, fi), append(drop, d)
		}
		return eff, final, drop
	}
	g, err := computeGating(set, cat, 5, opt)
	if err != nil {
		t.Fatal(err)
	}
	ungated, _, _ := perSeed(analysistest.Ramp(analysistest.DynaShift, 0, 0))
	ppo, _, _ := perSeed(analysistest.Ramp(0, 0, 0))
	checkInterval(t, "ungated efficiency", g.UngatedEff, stats.MeanOf(ungated))
	checkInterval(t, "PPO efficiency", g.PPOEff, stats.MeanOf(ppo))
	checkInterval(t, "ungated − PPO", g.UngatedVsPPODiff, stats.MeanOf(ungated)-stats.MeanOf(ppo))
	for i, tau := range g.Tau {
		eff, _, _ := perSeed(analysistest.Ramp(full.Shift[tau], 0, 0))
		name := "τ = " + tauText(tau)
		checkInterval(t, name+" efficiency", g.Eff[i], stats.MeanOf(eff))
		checkInterval(t, name+" − ungated", g.EffDiff[i], stats.MeanOf(eff)-stats.MeanOf(ungated))
		checkInterval(t, name+" P(gated > ungated)", g.POI[i], poiPoint(eff, ungated))
		checkInterval(t, name+" kept", g.GatingAnswers.Kept[i], math.Min(1, 5*tau))
	}
	// imagined_var_delta is 0.05·exp(−step/5000) at 250, 500, ..., 15,000.
	var v float64
	for st := 250.0; st <= 15000; st += 250 {
		v += 0.05 * math.Exp(-st/5000) / 60
	}
	checkInterval(t, "ungated imagined variance", g.UngatedVar, v)

	s, err := computeStress(set, cat, 5, opt)
	if err != nil {
		t.Fatal(err)
	}
	collapse := func(st float64, seed int64) float64 {
		if st > 6000 {
			return 30 + float64(seed%5)
		}
		return analysistest.Ramp(analysistest.DynaShift, 0, 0)(st, seed)
	}
	curves := map[string]func(float64, int64) float64{"dyna-m1-stress": collapse, "dyna-m5-stress": collapse,
		"dyna-m5-gate0.1-stress": analysistest.Ramp(analysistest.DynaShift, 0, 0)}
	for i, v := range s.Variants {
		eff, final, drop := perSeed(curves[v])
		checkInterval(t, v+" efficiency", s.Eff[i], stats.MeanOf(eff))
		checkInterval(t, v+" final", s.Final[i], stats.MeanOf(final))
		checkInterval(t, v+" drop", s.Drop[i], stats.MeanOf(drop))
		collapsed := 0
		for j := range final {
			if final[j] < (final[j]+drop[j])/2 {
				collapsed++
			}
		}
		if want := float64(collapsed) / float64(seeds); s.Collapsed[i] != want {
			t.Errorf("%s: collapsed %g, want %g", v, s.Collapsed[i], want)
		}
	}
	_, fg, dg := perSeed(curves["dyna-m5-gate0.1-stress"])
	_, fu, du := perSeed(collapse)
	checkInterval(t, "gated − ungated final", s.FinalDiff[0], stats.MeanOf(fg)-stats.MeanOf(fu))
	checkInterval(t, "gated − ungated drop", s.DropDiff[0], stats.MeanOf(dg)-stats.MeanOf(du))
}

// TestStressCollapse: a run collapses when its final return (the mean of
// its last finalEvals evaluations) lies below half its best, both measured
// from the environment's worst return; exactly half is not below.
func TestStressCollapse(t *testing.T) {
	cases := []struct {
		name      string
		worst     float64
		evals     []float64
		collapsed bool
	}{
		{"CartPole, above half", 0, []float64{100, 500, 260, 260, 260}, false},
		{"CartPole, exactly half", 0, []float64{100, 500, 250, 250, 250}, false},
		{"CartPole, below half", 0, []float64{100, 500, 240, 240, 240}, true},
		{"negative returns at their best", -1600, []float64{-1200, -200, -200, -200}, false},
		{"negative returns, exactly half", -1600, []float64{-1200, -200, -900, -900, -900}, false},
		{"negative returns, below half", -1600, []float64{-1200, -200, -950, -950, -950}, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			rows := &analysistest.Rows{Run: "v-s0", Variant: "v"}
			for i, v := range c.evals {
				rows.Add(int64(1000*(i+1)), metric.EvalReturn, format.NoIndex, v)
			}
			if err := analysistest.WriteRows(filepath.Join(dir, "v-s0"), rows, nil); err != nil {
				t.Fatal(err)
			}
			set, err := analysis.Load([]string{filepath.Join(dir, "*", "metrics.arrow")}, analysis.LoadOptions{})
			if err != nil {
				t.Fatal(err)
			}
			var s StressAnswers
			if _, _, err := s.add("v", set.Of("v"), c.worst, Options{Boot: estimate.Bootstrap{Seed: 1, Reps: 10}}); err != nil {
				t.Fatal(err)
			}
			if got := s.Collapsed[0] == 1; got != c.collapsed {
				t.Errorf("collapsed %v, want %v", got, c.collapsed)
			}
		})
	}
}
