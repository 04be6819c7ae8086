package present

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dynago/dynago/lib/estimate"
	"github.com/dynago/dynago/lib/figure"
	"github.com/dynago/dynago/lib/markdown"
	"github.com/dynago/dynago/lib/stats"
)

func csv(t *testing.T, tab *markdown.Table) string {
	t.Helper()
	var b strings.Builder
	if err := tab.CSV(&b); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestTables(t *testing.T) {
	iv := func(p, lo, hi float64) stats.Interval { return stats.Interval{Point: p, Lo: lo, Hi: hi} }
	cases := []struct {
		name string
		tab  *markdown.Table
		want string
	}{
		{"estimates", EstimatesTable("t", []estimate.Estimate{
			{Variant: "a", Runs: 3, Intervals: []stats.Interval{iv(0.5, 0.25, 0.75), iv(0.4, 0.3, 0.6)}},
			{Variant: "b", Runs: 2, Intervals: []stats.Interval{iv(1, 1, 1), iv(0, 0, 0)}},
		}, []stats.Metric{stats.MetricIQM(), stats.MetricMean()}),
			"variant,runs,IQM,IQM CI,Mean,Mean CI\na,3,0.500,\"[0.250, 0.750]\",0.400,\"[0.300, 0.600]\"\nb,2,1,\"[1, 1]\",0,\"[0, 0]\"\n"},
		{"steps", StepsTable("t", []estimate.StepsTo{
			{Variant: "a", StepsEstimate: stats.StepsEstimate{Steps: []float64{100, 200, 300, 400}, Reached: 0.75, Interval: iv(250, 100, 400)}},
		}), "variant,runs,reached,IQM steps,CI\na,4,75%,250,\"[100, 400]\"\n"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := csv(t, c.tab); got != c.want {
				t.Errorf("CSV\n%s\nwant\n%s", got, c.want)
			}
		})
	}
}

// TestFiguresAsLibFigure: the conversions draw what lib/figure draws from
// the same data, byte for byte.
func TestFiguresAsLibFigure(t *testing.T) {
	dir := t.TempDir()
	same := func(name string, ours, theirs func(string) error) {
		t.Helper()
		a, b := filepath.Join(dir, name+"-a.svg"), filepath.Join(dir, name+"-b.svg")
		if err := ours(a); err != nil {
			t.Fatal(err)
		}
		if err := theirs(b); err != nil {
			t.Fatal(err)
		}
		x, _ := os.ReadFile(a)
		y, _ := os.ReadFile(b)
		if len(x) == 0 || string(x) != string(y) {
			t.Errorf("%s: figures differ (%d and %d bytes)", name, len(x), len(y))
		}
	}
	p := stats.Interval{Point: 0.7, Lo: 0.6, Hi: 0.8}
	same("poi", func(path string) error {
		return ImprovementFigure(path, []estimate.Comparison{{X: "a", Y: "b", P: p}}, figure.Options{})
	}, func(path string) error {
		return figure.ProbabilityOfImprovement(path, []figure.Comparison{{X: "a", Y: "b", P: p}}, figure.Options{})
	})
	est := []stats.Interval{{Point: 1, Lo: 0, Hi: 2}, {Point: 3, Lo: 2, Hi: 4}}
	c := estimate.Curve{Variant: "a", Runs: 2, X: []float64{0, 10}, Est: est}
	same("curves", func(path string) error {
		return CurvesFigure(path, []estimate.Curve{c}, figure.LineOptions{YLabel: "y"})
	}, func(path string) error {
		return figure.Lines(path, []figure.Series{figure.SeriesFromIntervals("a", c.X, est)}, figure.LineOptions{YLabel: "y"})
	})
}
