package figure

import (
	"bytes"
	"flag"
	"image"
	"image/png"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/dynago/dynago/lib/stats"
)

var update = flag.Bool("update", false, "rewrite the golden images in testdata/")

// maxMeanAbsDiff is the largest mean absolute difference per colour channel
// (0-255 scale, over all pixels) between a figure and its golden image. Font
// rasterisation may differ slightly across platforms; a changed figure (a
// moved legend, a missing band) differs by far more.
const maxMeanAbsDiff = 0.5

// figures draws every figure kind from small fixed data.
func figures() map[string]func(path string) error {
	steps := []float64{0, 25e3, 50e3, 75e3, 100e3}
	iqm := func(scale float64) []stats.Interval {
		iv := make([]stats.Interval, len(steps))
		for i, s := range steps {
			m := scale * (1 - math.Exp(-s/40e3))
			iv[i] = stats.Interval{Point: m, Lo: m - 0.05 - 0.1*m, Hi: m + 0.05 + 0.1*m}
		}
		return iv
	}
	tau := []float64{0, 0.25, 0.5, 0.75, 1, 1.25, 1.5}
	profile := func(shift float64) []stats.Interval {
		iv := make([]stats.Interval, len(tau))
		for i, t := range tau {
			f := 1 / (1 + math.Exp(6*(t-shift)))
			iv[i] = stats.Interval{Point: f, Lo: math.Max(0, f-0.08), Hi: math.Min(1, f+0.08)}
		}
		return iv
	}
	ref := 1e-2
	rnd := rand.New(rand.NewPCG(1, 2))
	vx, vy := make([]float64, 200), make([]float64, 200)
	for i := range vx {
		vx[i] = math.Exp(rnd.NormFloat64() - 4)
		vy[i] = vx[i] * math.Exp(0.5*rnd.NormFloat64()) * 3
	}
	sample := func(n int, mu, sd float64) []float64 {
		v := make([]float64, n)
		for i := range v {
			v[i] = mu + sd*rnd.NormFloat64()
		}
		return v
	}
	sets := []HistogramSet{
		{Name: "early", Values: [][]float64{sample(300, 0, 0.2), sample(300, 0, 0.5), sample(300, 0, 0.05), sample(300, 0, 0.4)}},
		{Name: "mid", Values: [][]float64{sample(300, 0.3, 0.4), sample(300, 0.2, 0.6), sample(300, 0, 0.1), sample(300, 0.1, 0.5)}},
		{Name: "late", Values: [][]float64{sample(300, 0.6, 0.5), sample(300, 0.4, 0.7), sample(300, 0.02, 0.15), sample(300, 0.1, 0.6)}},
	}
	return map[string]func(string) error{
		"intervals": func(path string) error {
			return IntervalEstimates(path, []string{"PPO", "MBPO", "Dreamer"}, []Panel{
				{"Median", []stats.Interval{ci(0.62, 0.55, 0.70), ci(0.81, 0.72, 0.90), ci(0.75, 0.60, 0.86)}},
				{"IQM", []stats.Interval{ci(0.60, 0.54, 0.66), ci(0.85, 0.78, 0.93), ci(0.77, 0.66, 0.85)}},
				{"Mean", []stats.Interval{ci(0.66, 0.60, 0.72), ci(0.88, 0.80, 0.97), ci(0.79, 0.70, 0.88)}},
				{"Optimality Gap", []stats.Interval{ci(0.40, 0.35, 0.45), ci(0.22, 0.16, 0.28), ci(0.28, 0.20, 0.35)}},
			}, IntervalOptions{})
		},
		"interval-groups": func(path string) error {
			nan := stats.Interval{Point: math.NaN(), Lo: math.NaN(), Hi: math.NaN()}
			return IntervalGroups(path, []string{"PPO", "Dyna-PPO: + mirror", "MPC: learned model only"}, []Panel{
				{"at 3,000 steps", []stats.Interval{ci(150, 140, 160), ci(300, 250, 340), ci(320, 300, 340)}},
				{"at 15,000 steps", []stats.Interval{ci(480, 470, 500), ci(500, 500, 500), nan}},
			}, IntervalOptions{XLabel: "IQM return"})
		},
		"sample-efficiency": func(path string) error {
			return SampleEfficiency(path, []Series{
				SeriesFromIntervals("PPO", steps, iqm(0.7)),
				SeriesFromIntervals("MBPO", steps, iqm(1.0)),
			}, LineOptions{Options: Options{Title: "Sample efficiency"}})
		},
		"profiles": func(path string) error {
			return PerformanceProfiles(path, []Series{
				SeriesFromIntervals("PPO", tau, profile(0.6)),
				SeriesFromIntervals("MBPO", tau, profile(0.9)),
			}, LineOptions{})
		},
		"poi": func(path string) error {
			return ProbabilityOfImprovement(path, []Comparison{
				{"MBPO", "PPO", stats.Interval{Point: 0.78, Lo: 0.66, Hi: 0.88}},
				{"MBPO", "Dreamer", stats.Interval{Point: 0.55, Lo: 0.41, Hi: 0.68}},
			}, Options{})
		},
		"lines-log": func(path string) error {
			mse := Series{Name: "one-step MSE", X: steps, Y: []float64{0.5, 0.1, 0.03, 0.012, 0.008}, Lo: []float64{0.3, 0.06, 0.02, 0.008, 0.005}, Hi: []float64{0.8, 0.15, 0.05, 0.02, 0.012}}
			return Lines(path, []Series{mse}, LineOptions{XLabel: "Environment steps", YLabel: "MSE", LogY: true, HLine: &ref})
		},
		"scatter": func(path string) error {
			return Scatter(path, vx, vy, ScatterOptions{XLabel: "Ensemble variance", YLabel: "Squared error", LogX: true, LogY: true, Bins: 8})
		},
		"histograms": func(path string) error {
			return Histograms(path, []string{"cart position", "cart velocity", "pole angle", "pole velocity"}, sets, HistogramOptions{Cols: 2, Bins: 20})
		},
	}
}

func TestGolden(t *testing.T) {
	for name, draw := range figures() {
		t.Run(name, func(t *testing.T) {
			golden := filepath.Join("testdata", name+".png")
			got := filepath.Join(t.TempDir(), name+".png")
			if *update {
				got = golden
			}
			if err := draw(got); err != nil {
				t.Fatal(err)
			}
			if *update {
				return
			}
			d, err := meanAbsDiff(readPNG(t, got), readPNG(t, golden))
			if err != nil {
				t.Fatalf("%v (rerun with -update if the change is intended)", err)
			}
			if d > maxMeanAbsDiff {
				t.Errorf("differs from %s: mean absolute difference %.3f > %.3f; output left in %s (rerun with -update if intended)", golden, d, maxMeanAbsDiff, got)
			}
		})
	}
}

func TestDeterministic(t *testing.T) {
	for _, ext := range []string{".png", ".svg"} {
		for name, draw := range figures() {
			t.Run(name+ext, func(t *testing.T) {
				dir := t.TempDir()
				a, b := filepath.Join(dir, "a"+ext), filepath.Join(dir, "b"+ext)
				if err := draw(a); err != nil {
					t.Fatal(err)
				}
				if err := draw(b); err != nil {
					t.Fatal(err)
				}
				ba, _ := os.ReadFile(a)
				bb, _ := os.ReadFile(b)
				if len(ba) == 0 || !bytes.Equal(ba, bb) {
					t.Errorf("two drawings differ (%d and %d bytes)", len(ba), len(bb))
				}
				if ext == ".svg" && !bytes.Contains(ba, []byte("<svg")) {
					t.Errorf("%s is not SVG", a)
				}
			})
		}
	}
}

func TestErrors(t *testing.T) {
	dir := t.TempDir()
	one := []Series{{Name: "a", X: []float64{1, 2}, Y: []float64{0, 1}}}
	tests := []struct {
		name string
		run  func() error
	}{
		{"bad-extension", func() error { return Lines(filepath.Join(dir, "x.jpg"), one, LineOptions{}) }},
		{"no-series", func() error { return Lines(filepath.Join(dir, "x.png"), nil, LineOptions{}) }},
		{"ragged-series", func() error {
			return Lines(filepath.Join(dir, "x.png"), []Series{{X: []float64{1}, Y: []float64{1, 2}}}, LineOptions{})
		}},
		{"panel-size", func() error {
			return IntervalEstimates(filepath.Join(dir, "x.png"), []string{"a", "b"}, []Panel{{"IQM", []stats.Interval{ci(0, 0, 0)}}}, IntervalOptions{})
		}},
		{"groups-size", func() error {
			return IntervalGroups(filepath.Join(dir, "x.png"), []string{"a", "b"}, []Panel{{"3k", []stats.Interval{ci(0, 0, 0)}}}, IntervalOptions{})
		}},
		{"groups-none-measured", func() error {
			nan := stats.Interval{Point: math.NaN(), Lo: math.NaN(), Hi: math.NaN()}
			return IntervalGroups(filepath.Join(dir, "x.png"), []string{"a"}, []Panel{{"3k", []stats.Interval{nan}}}, IntervalOptions{})
		}},
		{"histogram-dims", func() error {
			return Histograms(filepath.Join(dir, "x.png"), []string{"x", "y"}, []HistogramSet{{Name: "a", Values: [][]float64{{1}}}}, HistogramOptions{})
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.run(); err == nil {
				t.Error("no error")
			}
		})
	}
}

// TestSmallInputs: valid data that stops a report draw unless handled: a zero on a
// log axis (drawn linear), one constant value on a log axis (gonum/plot
// widens an empty range by ±1, below 0 on a log scale, and panics), one
// point, one seed's band of zero width.
func TestSmallInputs(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name string
		run  func(path string) error
	}{
		{"zero on log axis", func(p string) error {
			return Lines(p, []Series{{Name: "a", X: []float64{1, 2}, Y: []float64{0, 1}}}, LineOptions{LogY: true})
		}},
		{"constant on log axis", func(p string) error {
			return Lines(p, []Series{{Name: "a", X: []float64{1, 2}, Y: []float64{0.5, 0.5}}}, LineOptions{LogY: true})
		}},
		{"one point, zero-width band, log axis", func(p string) error {
			return Lines(p, []Series{{Name: "a", X: []float64{1000}, Y: []float64{2e-4}, Lo: []float64{2e-4}, Hi: []float64{2e-4}}}, LineOptions{LogY: true})
		}},
		{"one point", func(p string) error {
			return SampleEfficiency(p, []Series{SeriesFromIntervals("a", []float64{0}, []stats.Interval{ci(1, 1, 1)})}, LineOptions{})
		}},
		{"scatter zero on log axes", func(p string) error {
			return Scatter(p, []float64{0, 1, 2}, []float64{1, 0, 3}, ScatterOptions{LogX: true, LogY: true, Bins: 2})
		}},
		{"scatter one point on log axes", func(p string) error {
			return Scatter(p, []float64{3}, []float64{3}, ScatterOptions{LogX: true, LogY: true})
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, ext := range []string{".png", ".svg"} {
				p := filepath.Join(dir, strings.ReplaceAll(tt.name, " ", "-")+ext)
				if err := tt.run(p); err != nil {
					t.Fatal(err)
				}
				if st, err := os.Stat(p); err != nil || st.Size() == 0 {
					t.Fatalf("no figure at %s: %v", p, err)
				}
			}
		})
	}
}

func readPNG(t *testing.T, path string) image.Image {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("decoding %s: %v", path, err)
	}
	return img
}

// meanAbsDiff returns the mean absolute difference of a and b per RGBA
// channel on a 0-255 scale.
func meanAbsDiff(a, b image.Image) (float64, error) {
	if a.Bounds() != b.Bounds() {
		return 0, errSize{a.Bounds(), b.Bounds()}
	}
	var sum float64
	r := a.Bounds()
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			ar, ag, ab, aa := a.At(x, y).RGBA()
			br, bg, bb, ba := b.At(x, y).RGBA()
			for _, d := range [4][2]uint32{{ar, br}, {ag, bg}, {ab, bb}, {aa, ba}} {
				sum += math.Abs(float64(d[0])-float64(d[1])) / 257
			}
		}
	}
	return sum / float64(4*r.Dx()*r.Dy()), nil
}

type errSize struct{ got, want image.Rectangle }

func (e errSize) Error() string {
	return "image size " + e.got.String() + ", golden " + e.want.String()
}

func ci(point, lo, hi float64) stats.Interval { return stats.Interval{Point: point, Lo: lo, Hi: hi} }

func TestBinSamples(t *testing.T) {
	got := BinSamples([]float64{0.5, 0, 0.5}, []float64{0, 1, 2, 3}, 4)
	if want := []float64{0.25, 0.75, 2.25, 2.75}; !slices.Equal(got, want) {
		t.Errorf("samples %v, want %v", got, want)
	}
}
