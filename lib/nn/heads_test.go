package nn

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// valueTol is for closed-form values computed two ways in float64; the
// results agree to a few ulps of O(1) numbers.
const valueTol = 1e-12

func TestCategoricalValues(t *testing.T) {
	cases := []struct {
		name    string
		logits  []float64
		a       int
		logProb float64 // exact from the definition
		entropy float64
		argmax  int
	}{
		{"uniform", []float64{0, 0, 0, 0}, 2, -math.Log(4), math.Log(4), 0},
		{"shifted", []float64{5, 5}, 1, -math.Log(2), math.Log(2), 0},
		// p = (1, e⁻¹⁰⁰⁰ ≈ 0): log p(0) = -log(1+e⁻¹⁰⁰⁰) = 0 in float64,
		// log p(1) = -1000; entropy 0 to float64 precision.
		{"large", []float64{1000, 0}, 1, -1000, 0, 0},
		// p = (e, 1)/(e+1).
		{"two", []float64{1, 0}, 0, 1 - math.Log(math.E+1),
			-(math.E/(math.E+1))*(1-math.Log(math.E+1)) + (1/(math.E+1))*math.Log(math.E+1), 0},
		{"neg-inf", []float64{math.Inf(-1), 2, 1}, 1, 2 - math.Log(math.Exp(2)+math.E),
			math.Log(math.Exp(2)+math.E) - (2*math.Exp(2)+math.E)/(math.Exp(2)+math.E), 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := Categorical(tc.logits)
			if got := c.LogProb(tc.a); math.Abs(got-tc.logProb) > valueTol {
				t.Errorf("LogProb(%d) = %v, want %v", tc.a, got, tc.logProb)
			}
			if got := c.Entropy(); math.Abs(got-tc.entropy) > valueTol {
				t.Errorf("Entropy = %v, want %v", got, tc.entropy)
			}
			if got := c.Argmax(); got != tc.argmax {
				t.Errorf("Argmax = %d, want %d", got, tc.argmax)
			}
		})
	}
}

// TestCategoricalSample checks empirical frequencies against softmax. With
// n draws each frequency has standard deviation ≤ 0.5/√n; sampleTol is
// five of those.
func TestCategoricalSample(t *testing.T) {
	const n = 40000
	sampleTol := 5 * 0.5 / math.Sqrt(n)
	c := Categorical{0.5, -1, 2, 0}
	rng := newRNG(10)
	counts := make([]int, len(c))
	for i := 0; i < n; i++ {
		counts[c.Sample(rng)]++
	}
	for a := range c {
		p := math.Exp(c.LogProb(a))
		if f := float64(counts[a]) / n; math.Abs(f-p) > sampleTol {
			t.Errorf("action %d: frequency %v, want %v", a, f, p)
		}
	}
	if a := (Categorical{math.Inf(-1), 0}).Sample(rng); a != 1 {
		t.Errorf("sampled impossible action %d", a)
	}
}

func TestCategoricalGradient(t *testing.T) {
	for _, n := range []int{2, 5} {
		for a := 0; a < n; a++ {
			t.Run(fmt.Sprintf("n%d-a%d", n, a), func(t *testing.T) {
				logits := randVec(newRNG(uint64(11+n)), n, 2)
				set := func(v []float64) { copy(logits, v) }
				c := Categorical(logits)

				got := make([]float64, n)
				c.LogProbGrad(got, a, 1)
				checkGrad(t, "dLogProb", got, numGrad(logits, set, func() float64 { return c.LogProb(a) }), gradTol)

				clear(got)
				c.EntropyGrad(got, 1)
				checkGrad(t, "dEntropy", got, numGrad(logits, set, c.Entropy), gradTol)

				// scale and accumulation: adding -0.5 × dH onto dH leaves 0.5 dH.
				want := append([]float64(nil), got...)
				c.EntropyGrad(got, -0.5)
				for i := range want {
					want[i] *= 0.5
				}
				checkGrad(t, "scaled dEntropy", got, want, valueTol)
			})
		}
	}
}

func TestDiagGaussian(t *testing.T) {
	g := NewDiagGaussian(3, 0)
	copy(g.LogStd.Data, []float64{-0.5, 0, 0.7})
	mean := []float64{0.1, -1, 2}
	x := []float64{0.3, -0.2, 1}

	// Closed form for one component: -½((x-μ)/σ)² - log σ - ½ log 2π.
	want := 0.0
	for i := range x {
		s := math.Exp(g.LogStd.Data[i])
		z := (x[i] - mean[i]) / s
		want += -0.5*z*z - math.Log(s) - 0.5*math.Log(2*math.Pi)
	}
	if got := g.LogProb(mean, x); math.Abs(got-want) > valueTol {
		t.Errorf("LogProb = %v, want %v", got, want)
	}
	// Entropy of N(μ, σ²) is ½ log(2πe σ²).
	wantH := 0.0
	for _, ls := range g.LogStd.Data {
		wantH += 0.5 * math.Log(2*math.Pi*math.E*math.Exp(2*ls))
	}
	if got := g.Entropy(); math.Abs(got-wantH) > valueTol {
		t.Errorf("Entropy = %v, want %v", got, wantH)
	}

	t.Run("grad-mean", func(t *testing.T) {
		got := make([]float64, 3)
		g.LogProbGrad(got, nil, mean, x, 1)
		checkGrad(t, "dmean", got, numGrad(mean, func(v []float64) { copy(mean, v) }, func() float64 { return g.LogProb(mean, x) }), gradTol)
	})
	t.Run("grad-logstd", func(t *testing.T) {
		got := make([]float64, 3)
		g.LogProbGrad(nil, got, mean, x, 1)
		ls := g.LogStd.Data
		checkGrad(t, "dlogstd", got, numGrad(ls, func(v []float64) { copy(ls, v) }, func() float64 { return g.LogProb(mean, x) }), gradTol)
	})
	t.Run("entropy-grad", func(t *testing.T) {
		got := make([]float64, 3)
		g.EntropyGrad(got, 1)
		ls := g.LogStd.Data
		checkGrad(t, "dH/dlogstd", got, numGrad(ls, func(v []float64) { copy(ls, v) }, g.Entropy), gradTol)
	})
	t.Run("sample", func(t *testing.T) {
		// Sample mean and std per component, n draws: standard errors
		// σ/√n and ≈ σ/√(2n); tolerance five of those.
		const n = 40000
		rng := newRNG(12)
		sum, sum2 := make([]float64, 3), make([]float64, 3)
		a := make([]float64, 3)
		for k := 0; k < n; k++ {
			g.Sample(a, mean, rng)
			for i, v := range a {
				sum[i] += v
				sum2[i] += v * v
			}
		}
		for i := range a {
			s := math.Exp(g.LogStd.Data[i])
			m := sum[i] / n
			sd := math.Sqrt(sum2[i]/n - m*m)
			if math.Abs(m-mean[i]) > 5*s/math.Sqrt(n) || math.Abs(sd-s) > 5*s/math.Sqrt(2*n) {
				t.Errorf("component %d: mean %v sd %v, want %v %v", i, m, sd, mean[i], s)
			}
		}
		g.Mean(a, mean)
		for i := range a {
			if a[i] != mean[i] {
				t.Fatal("Mean does not return the mean")
			}
		}
	})
}

func TestMSE(t *testing.T) {
	pred := []float64{1, 2, -3, 0.5}
	target := []float64{0, 2.5, -1, 0.5}
	// (1 + 0.25 + 4 + 0)/4.
	if got := MSE(pred, target); math.Abs(got-1.3125) > valueTol {
		t.Errorf("MSE = %v, want 1.3125", got)
	}
	got := make([]float64, 4)
	MSEGrad(got, pred, target, 1)
	checkGrad(t, "dMSE", got, numGrad(pred, func(v []float64) { copy(pred, v) }, func() float64 { return MSE(pred, target) }), gradTol)
}

// TestCategoricalFused checks that LogProbEntropy and PolicyGrad give the
// same bits as the separate methods they replace in the PPO update.
func TestCategoricalFused(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for trial := 0; trial < 200; trial++ {
		k := 2 + trial%4
		c := make(Categorical, k)
		for i := range c {
			c[i] = 6 * rng.NormFloat64()
		}
		if trial%10 == 0 {
			c[0] = math.Inf(-1) // an impossible action
		}
		a := k - 1
		dl, de := rng.NormFloat64(), rng.NormFloat64()
		lp, h := c.LogProbEntropy(a)
		if lp != c.LogProb(a) || h != c.Entropy() {
			t.Fatalf("%v: LogProbEntropy = %v, %v; want %v, %v", c, lp, h, c.LogProb(a), c.Entropy())
		}
		want, got := make([]float64, k), make([]float64, k)
		for i := range want {
			want[i] = float64(i) // gradients add into dst
			got[i] = float64(i)
		}
		c.LogProbGrad(want, a, dl)
		c.EntropyGrad(want, de)
		c.PolicyGrad(got, a, dl, de)
		for i := range want {
			if got[i] != want[i] && !(math.IsNaN(got[i]) && math.IsNaN(want[i])) {
				t.Fatalf("%v: PolicyGrad[%d] = %v, want %v", c, i, got[i], want[i])
			}
		}
	}
}
