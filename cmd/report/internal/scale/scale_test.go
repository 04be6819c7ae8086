package scale

import (
	"fmt"
	"math"
	"path/filepath"
	"testing"

	"github.com/dynago/dynago/lib/analysis"
	"github.com/dynago/dynago/lib/analysis/analysistest"
)

// TestScale: the bounds and solved return of a Go environment, the data's
// bounds for an environment without them, and the fraction on the
// normalised scale for positive and negative returns.
func TestScale(t *testing.T) {
	ret := func(s float64, seed int64) float64 { return -900 + s/10 + float64(seed) }
	cases := []struct {
		env                string
		worst, best        float64
		fromData, hasSolve bool
		solved             float64
	}{
		{"CartPole-v1", 0, 500, false, true, 475},
		{"Pendulum-v1", -200 * (math.Pi*math.Pi + 0.1*64 + 0.004), 0, false, true, -200},
		{"gym:Toy-v0", -900, -700 + 1, true, false, 0},
	}
	for _, c := range cases {
		t.Run(c.env, func(t *testing.T) {
			dir := t.TempDir()
			for seed := range int64(2) {
				r := analysistest.Run{Variant: "ppo", Seed: seed, Steps: 2000, Every: 1000, Return: ret, Env: c.env}
				if err := analysistest.Write(filepath.Join(dir, fmt.Sprintf("ppo-s%d", seed)), r); err != nil {
					t.Fatal(err)
				}
			}
			set, err := analysis.Load([]string{filepath.Join(dir, "*", "metrics.arrow")}, analysis.LoadOptions{})
			if err != nil {
				t.Fatal(err)
			}
			s := Of(set.Runs)
			if s.Env != c.env || math.Abs(s.Worst-c.worst) > 1e-9 || s.Best != c.best || s.FromData != c.fromData || s.HasSolved != c.hasSolve || s.Solved != c.solved {
				t.Errorf("scale %+v", s)
			}
			want := s.Worst + 0.8*(-700-s.Worst)
			if got := s.Fraction(0.8, -700); math.Abs(got-want) > 1e-9 || (s.Worst <= -700 && (got < s.Worst || got > -700)) {
				t.Errorf("fraction %g, want %g, between the worst return and -700", got, want)
			}
		})
	}
}
