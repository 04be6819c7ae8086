package level3

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/dynago/dynago/lib/analysis"
	"github.com/dynago/dynago/lib/analysis/analysistest"
	"github.com/dynago/dynago/lib/estimate"
	"github.com/dynago/dynago/lib/format"
	"github.com/dynago/dynago/lib/stats"
)

// TestComputeEnsemble checks section 1's numbers against those
// analysistest.WriteLevel3 writes: per run the correlation corr + 0.01 ×
// (seed mod 3) − 0.01 at every checkpoint, the mean variance 0.3 ×
// exp(−step/5000) at checkpoints 1,000 to 15,000, and bin errors rising
// by TopRatio from the lowest bin to the highest.
func TestComputeEnsemble(t *testing.T) {
	cases := []struct {
		name  string
		l     analysistest.Level3
		sizes []int // nil: no ensemble runs, no section
	}{
		{"every experiment", full, []int{3, 5, 10}},
		{"two sizes, three seeds", analysistest.Level3{Seeds: 3, Corr: map[int]float64{3: 0.2, 10: 0.6}, TopRatio: map[int]float64{3: 1.5, 10: 3}}, []int{3, 10}},
		{"one size", analysistest.Level3{Seeds: 4, Corr: map[int]float64{5: 0.4}, TopRatio: map[int]float64{5: 2}}, []int{5}},
		{"no model evaluations", analysistest.Level3{Seeds: 2, GateM: 5, MPC: true}, nil},
	}
	const checkpoints = 15 // 1,000 to 15,000
	var varMean float64
	for st := 1000.0; st <= 15000; st += 1000 {
		varMean += 0.3 * math.Exp(-st/5000) / checkpoints
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			set, cat := load(t, c.l)
			res, err := computeEnsemble(set, cat, Options{Boot: estimate.Bootstrap{Seed: 1, Reps: 200}})
			if err != nil {
				t.Fatal(err)
			}
			if c.sizes == nil {
				if res != nil {
					t.Fatalf("result %+v, want none", res)
				}
				return
			}
			if !slices.Equal(res.M, c.sizes) || !slices.Equal(res.Presets, []string{"tuned"}) {
				t.Fatalf("sizes %v, presets %v; want %v, [tuned]", res.M, res.Presets, c.sizes)
			}
			corr := make([]float64, len(c.sizes)) // mean over seeds
			for i, m := range c.sizes {
				if res.Variants[i] != fmt.Sprintf("dyna-m%d", m) || res.Runs[i] != c.l.Seeds {
					t.Errorf("M = %d: variant %s with %d runs, want dyna-m%d with %d", m, res.Variants[i], res.Runs[i], m, c.l.Seeds)
				}
				for seed := range c.l.Seeds {
					corr[i] += (c.l.Corr[m] + 0.01*float64(seed%3) - 0.01) / float64(c.l.Seeds)
				}
				checkInterval(t, fmt.Sprintf("M = %d Spearman", m), res.Spearman[i], corr[i])
				checkInterval(t, fmt.Sprintf("M = %d Pearson", m), res.Pearson[i], corr[i])
				checkInterval(t, fmt.Sprintf("M = %d top/bottom ratio", m), res.TopRatio[i], c.l.TopRatio[m])
				checkInterval(t, fmt.Sprintf("M = %d mean variance", m), res.VarMean[i], varMean)
			}
			diff := 0.0
			if last := len(c.sizes) - 1; last > 0 {
				diff = corr[last] - corr[0]
			}
			if len(c.sizes) == 1 && res.SpearmanDiff != (stats.Interval{}) {
				t.Errorf("one size, but a Spearman difference %+v", res.SpearmanDiff)
			} else {
				checkInterval(t, "Spearman difference", res.SpearmanDiff, diff)
			}
			checkEnsembleFigures(t, res, c.l)
		})
	}
}

// checkEnsembleFigures checks the figures' inputs: curves labelled by
// size, every bin of every checkpoint and run in the scatter, and the
// error per bin at the last checkpoint.
func checkEnsembleFigures(t *testing.T, res *EnsembleResult, l analysistest.Level3) {
	t.Helper()
	var labels []string
	for _, m := range res.M {
		labels = append(labels, fmt.Sprintf("M = %d", m))
	}
	for name, cs := range map[string][]estimate.Curve{"imagined": res.Imagined, "held-out": res.HeldOut, "binned": res.Bins} {
		if got := curveNames(cs); !slices.Equal(got, labels) {
			t.Errorf("%s curves %v, want %v", name, got, labels)
		}
	}
	if len(res.Scatter) != len(res.M) {
		t.Fatalf("%d scatters, want %d", len(res.Scatter), len(res.M))
	}
	for i, s := range res.Scatter {
		if s.M != res.M[i] || s.I != i || len(s.X) != 10*15*l.Seeds || len(s.Y) != len(s.X) {
			t.Errorf("scatter %d: M = %d (index %d) with %d and %d points, want M = %d with %d", i, s.M, s.I, len(s.X), len(s.Y), res.M[i], 10*15*l.Seeds)
		}
	}
	if res.BinsAt != 15000 {
		t.Errorf("binned errors at %g, want 15000", res.BinsAt)
	}
	for i, c := range res.Bins {
		if !slices.Equal(c.X, []float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}) {
			t.Errorf("%s: bins %v, want 1 to 10", c.Variant, c.X)
			continue
		}
		for b, e := range c.Est {
			checkInterval(t, fmt.Sprintf("%s bin %d", c.Variant, b+1), e, 0.01*math.Pow(l.TopRatio[res.M[i]], float64(b)/9))
		}
	}
}

// TestModelPresets: what var_delta is measured on, from the runs' model
// presets.
func TestModelPresets(t *testing.T) {
	run := func(settings string) *analysis.Run {
		return &analysis.Run{Path: "r/metrics.arrow", Meta: map[string]string{format.RunSettingsKey: settings}}
	}
	cases := []struct {
		name     string
		settings []string
		presets  []string
		text     string
	}{
		{"tuned", []string{`{"MODEL_PRESET":"tuned"}`, `{"MODEL_PRESET":"tuned"}`}, []string{"tuned"}, "**standardised targets**"},
		{"course", []string{`{"MODEL_PRESET":"course"}`}, []string{"course"}, "**raw units**"},
		{"mixed and unset", []string{`{"MODEL_PRESET":"tuned"}`, `{}`, `{"MODEL_PRESET":"course"}`}, []string{"course", "tuned", "unknown"}, "these runs use course, tuned, unknown)."},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var runs []*analysis.Run
			for _, s := range c.settings {
				runs = append(runs, run(s))
			}
			got, err := modelPresets(runs)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, c.presets) {
				t.Errorf("presets %v, want %v", got, c.presets)
			}
			if text := scaleText(got); !strings.Contains(text, c.text) {
				t.Errorf("scale %q lacks %q", text, c.text)
			}
		})
	}
}
