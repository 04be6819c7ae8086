package dynamics

import (
	"fmt"
	"github.com/dynago/dynago/lib/nn"

	"math"
	"math/rand/v2"
	"testing"
)

// Tolerances of the gradient checks: central differences with step fdStep
// have truncation error O(h²) ≈ 1e-12 relative to the curvature, and
// rounding error ≈ 1e-16/h ≈ 1e-10 relative to the loss, so analytic and
// numeric gradients agree to about 1e-7 relative.
const (
	fdStep  = 1e-6
	gradTol = 1e-6
)

func TestBatchLossGradient(t *testing.T) {
	for _, tc := range []struct {
		name string
		c    Config
	}{
		{"mse", Config{ObsDim: 3, TermWeight: 0}},
		{"mse with term", Config{ObsDim: 3, TermWeight: 0.7}},
		{"mse with weighted term", Config{ObsDim: 3, TermWeight: 0.7, TermPosWeight: 12}},
		{"gaussian nll", Config{ObsDim: 3, Probabilistic: true, MinLogVar: -10, MaxLogVar: 0.5, TermWeight: 1}},
		// Raw log-variances far beyond both bounds exercise the soft clamps.
		{"gaussian nll tight bounds", Config{ObsDim: 2, Probabilistic: true, MinLogVar: -1, MaxLogVar: 0.2, TermWeight: 1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(1, 2))
			c := &tc.c
			n, w, d := 5, c.OutDim(), c.ObsDim
			out := make([]float64, n*w)
			for i := range out {
				out[i] = 3 * rng.NormFloat64()
			}
			delta, reward, term := make([]float64, n*d), make([]float64, n), make([]float64, n)
			for i := range delta {
				delta[i] = rng.NormFloat64()
			}
			for i := range reward {
				reward[i] = rng.NormFloat64()
				term[i] = float64(rng.IntN(2))
			}
			grad := make([]float64, n*w)
			batchLoss(c, out, n, delta, reward, term, grad, nil)
			f := func() float64 { return batchLoss(c, out, n, delta, reward, term, nil, nil).Total(c.TermWeight) }
			for i := range out {
				x := out[i]
				out[i] = x + fdStep
				up := f()
				out[i] = x - fdStep
				down := f()
				out[i] = x
				num := (up - down) / (2 * fdStep)
				if diff := math.Abs(num - grad[i]); diff > gradTol*math.Max(1, math.Abs(num)) {
					t.Errorf("d/dout[%d]: analytic %.10g, central difference %.10g", i, grad[i], num)
				}
			}
		})
	}
}

// TestTermPosWeight: a positive-class weight of 1 is the unweighted BCE,
// and a weight w multiplies the terminal rows' loss by w. Reference
// values: nn.Softplus(-z) for y = 1 and nn.Softplus(z) for y = 0 (BCE with
// logits), computed by hand.
func TestTermPosWeight(t *testing.T) {
	const tol = 1e-12
	c := Config{ObsDim: 1, TermWeight: 1}
	out := []float64{0, 0, 0.3, 0, 0, -1.2} // two rows: Δs, r, term logit
	zero := []float64{0, 0}
	term := []float64{1, 0}
	base := batchLoss(&c, out, 2, zero, zero, term, nil, nil).Term
	want := (nn.Softplus(-0.3) + nn.Softplus(-1.2)) / 2
	if math.Abs(base-want) > tol {
		t.Errorf("unweighted: got %.15g, want %.15g", base, want)
	}
	c.TermPosWeight = 1
	if got := batchLoss(&c, out, 2, zero, zero, term, nil, nil).Term; math.Abs(got-want) > tol {
		t.Errorf("weight 1: got %.15g, want %.15g", got, want)
	}
	c.TermPosWeight = 4
	want = (4*nn.Softplus(-0.3) + nn.Softplus(-1.2)) / 2
	if got := batchLoss(&c, out, 2, zero, zero, term, nil, nil).Term; math.Abs(got-want) > tol {
		t.Errorf("weight 4: got %.15g, want %.15g", got, want)
	}
}

func TestBoundLogVar(t *testing.T) {
	const lo, hi = -10.0, 0.5
	for _, raw := range []float64{-40, -10, -3, 0, 0.5, 3, 40} {
		lv, dlv := boundLogVar(raw, lo, hi)
		// The upper clamp is applied first, so the lower one can lift the
		// value above hi by at most nn.Softplus(lo - hi) = log(1+e^-10.5) ≈ 2.8e-5.
		if slack := nn.Softplus(lo - hi); lv <= lo || lv > hi+slack+1e-12 {
			t.Errorf("boundLogVar(%g) = %g, not inside (%g, %g+%g]", raw, lv, lo, hi, slack)
		}
		up, _ := boundLogVar(raw+fdStep, lo, hi)
		down, _ := boundLogVar(raw-fdStep, lo, hi)
		if num := (up - down) / (2 * fdStep); math.Abs(num-dlv) > gradTol {
			t.Errorf("boundLogVar'(%g): analytic %g, central difference %g", raw, dlv, num)
		}
	}
}

// TestLearnedBoundsGradient checks the loss with learned log-variance
// bounds, PETS' penalty 0.01·(Σ max − Σ min) included, against central
// differences in every output and every bound, with raw log-variances
// inside and far beyond the bounds.
func TestLearnedBoundsGradient(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	c := &Config{ObsDim: 2, Probabilistic: true, MinLogVar: -1, MaxLogVar: 0.2, TermWeight: 1}
	n, w, d := 6, c.OutDim(), c.ObsDim
	out := make([]float64, n*w)
	for i := range out {
		out[i] = 3 * rng.NormFloat64()
	}
	delta, reward, term := make([]float64, n*d), make([]float64, n), make([]float64, n)
	for i := range delta {
		delta[i] = rng.NormFloat64()
	}
	for i := range reward {
		reward[i], term[i] = rng.NormFloat64(), float64(rng.IntN(2))
	}
	b := &logVarBounds{lo: []float64{-1, -0.5, -2}, hi: []float64{0.2, 1, 0.5},
		gLo: make([]float64, d+1), gHi: make([]float64, d+1)}
	grad := make([]float64, n*w)
	l := batchLoss(c, out, n, delta, reward, term, grad, b)
	if want := 0.01 * ((0.2 + 1 + 0.5) - (-1 - 0.5 - 2)); math.Abs(l.Bounds-want) > 1e-15 {
		t.Errorf("penalty %v, want %v", l.Bounds, want)
	}
	f := func() float64 { return batchLoss(c, out, n, delta, reward, term, nil, b).Total(c.TermWeight) }
	check := func(name string, x []float64, analytic []float64) {
		for i := range x {
			v := x[i]
			x[i] = v + fdStep
			up := f()
			x[i] = v - fdStep
			down := f()
			x[i] = v
			if num := (up - down) / (2 * fdStep); math.Abs(num-analytic[i]) > gradTol*math.Max(1, math.Abs(num)) {
				t.Errorf("d/d%s[%d]: analytic %.10g, central difference %.10g", name, i, analytic[i], num)
			}
		}
	}
	check("out", out, grad)
	check("max_logvar", b.hi, b.gHi)
	check("min_logvar", b.lo, b.gLo)
}

// TestLearnedBoundsMove fits a probabilistic ensemble and checks that its
// log-variance bounds are trained: they leave their initial values, are
// and are saved and loaded with the model.
func TestLearnedBoundsMove(t *testing.T) {
	c, _ := Preset("tuned")
	c.ObsDim, c.Discrete, c.NumActions, c.ActDim = 1, false, 0, 1
	c.Hidden, c.Members = []int{16}, 2
	rng := rand.New(rand.NewPCG(5, 6))
	e, err := New(c, rng)
	if err != nil {
		t.Fatal(err)
	}
	const n = 400
	ds := &Dataset{N: n, ObsDim: 1, ActDim: 1, Obs: make([]float64, n), Act: make([]float64, n),
		Delta: make([]float64, n), Reward: make([]float64, n), Term: make([]float64, n)}
	for i := range n {
		ds.Obs[i], ds.Act[i] = rng.NormFloat64(), rng.NormFloat64()
		ds.Delta[i] = 0.5*ds.Obs[i] + 0.3*rng.NormFloat64()
		ds.Reward[i] = ds.Act[i] + 0.1*rng.NormFloat64()
	}
	e.SetNorm(ds)
	if _, err := e.Fit(ds, FitOptions{Epochs: 30}, rng); err != nil {
		t.Fatal(err)
	}
	for k, m := range e.members {
		for j := range m.maxLV.Data {
			if m.maxLV.Data[j] == c.MaxLogVar || m.minLV.Data[j] == c.MinLogVar {
				t.Errorf("member %d bound %d did not move: [%v, %v]", k, j, m.minLV.Data[j], m.maxLV.Data[j])
			}
		}
	}
	path := t.TempDir() + "/m.arrow"
	if err := e.Save(path, nil); err != nil {
		t.Fatal(err)
	}
	back, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	for k, m := range e.members {
		if fmt.Sprint(m.maxLV.Data, m.minLV.Data) != fmt.Sprint(back.members[k].maxLV.Data, back.members[k].minLV.Data) {
			t.Errorf("member %d bounds not restored", k)
		}
	}
}
