package nn

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/dynago/dynago/lib/detmath"
)

// Gradient functions in this file add scale × gradient into their
// destination, so that the terms of a loss (PPO's surrogate, its entropy
// bonus, a value loss) can be accumulated into one buffer without
// temporaries. Callers clear the destination first.

// Categorical is one row of logits of a categorical distribution. The
// probabilities are softmax(logits); all methods are stable for large
// logits and do not allocate.
type Categorical []float64

// logSumExp returns log Σ exp(c[i]) and max c.
func (c Categorical) logSumExp() float64 {
	mx := math.Inf(-1)
	for _, v := range c {
		if v > mx {
			mx = v
		}
	}
	s := 0.0
	for _, v := range c {
		s += detmath.Exp(v - mx)
	}
	return mx + detmath.Log(s)
}

// LogProb returns log p(a).
func (c Categorical) LogProb(a int) float64 { return c[a] - c.logSumExp() }

// Entropy returns -Σ p log p.
func (c Categorical) Entropy() float64 {
	lse := c.logSumExp()
	h := 0.0
	for _, v := range c {
		if p := detmath.Exp(v - lse); p > 0 { // 0 log 0 = 0, also for -Inf logits
			h -= float64(p * (v - lse))
		}
	}
	return h
}

// LogProbEntropy returns LogProb(a) and Entropy() with one log-sum-exp
// (the same values, bit for bit).
func (c Categorical) LogProbEntropy(a int) (logp, h float64) {
	lse := c.logSumExp()
	for _, v := range c {
		if p := detmath.Exp(v - lse); p > 0 {
			h -= float64(p * (v - lse))
		}
	}
	return c[a] - lse, h
}

// PolicyGrad adds into dst what LogProbGrad(dst, a, dLogp) followed by
// EntropyGrad(dst, dEntropy) add, bit for bit, computing the
// probabilities once: the PPO update's per-row head gradient.
func (c Categorical) PolicyGrad(dst []float64, a int, dLogp, dEntropy float64) {
	lse := c.logSumExp()
	dst = dst[:len(c)]
	h := 0.0
	for i, v := range c {
		p := detmath.Exp(v - lse)
		dst[i] -= float64(dLogp * p)
		if p > 0 {
			h -= float64(p * (v - lse))
		}
	}
	dst[a] += dLogp
	for i, v := range c {
		if p := detmath.Exp(v - lse); p > 0 {
			dst[i] -= float64(dEntropy * p * (v - lse + h))
		}
	}
}

// Sample draws an action using one rng.Float64.
func (c Categorical) Sample(rng *rand.Rand) int {
	lse := c.logSumExp()
	u := rng.Float64()
	cum := 0.0
	for i, v := range c {
		cum += detmath.Exp(v - lse)
		if u < cum {
			return i
		}
	}
	// Rounding left Σ p slightly below u: return the last action with p > 0.
	for i := len(c) - 1; i > 0; i-- {
		if !math.IsInf(c[i], -1) {
			return i
		}
	}
	return 0
}

// Argmax returns the most probable action (the first on ties).
func (c Categorical) Argmax() int {
	best := 0
	for i, v := range c {
		if v > c[best] {
			best = i
		}
	}
	return best
}

// LogProbGrad adds scale × d log p(a) / d logits = scale × (onehot(a) - p)
// into dst.
func (c Categorical) LogProbGrad(dst []float64, a int, scale float64) {
	lse := c.logSumExp()
	dst = dst[:len(c)]
	for i, v := range c {
		dst[i] -= float64(scale * detmath.Exp(v-lse))
	}
	dst[a] += scale
}

// EntropyGrad adds scale × dH/dlogits into dst, where
// dH/dlogit_j = -p_j (log p_j + H).
func (c Categorical) EntropyGrad(dst []float64, scale float64) {
	lse := c.logSumExp()
	h := c.Entropy()
	dst = dst[:len(c)]
	for i, v := range c {
		if p := detmath.Exp(v - lse); p > 0 {
			dst[i] -= float64(scale * p * (v - lse + h))
		}
	}
}

var halfLog2Pi = 0.5 * detmath.Log(2*math.Pi)

// DiagGaussian is a diagonal Gaussian policy head whose mean comes from a
// network and whose log standard deviation is a state-independent
// parameter, LogStd (shape [dim], named "log_std"). Train LogStd by adding
// it to an optimiser group.
type DiagGaussian struct {
	LogStd *Param
}

// NewDiagGaussian returns a head of dim components with log-std initLogStd
// (0 is PPO's usual choice).
func NewDiagGaussian(dim int, initLogStd float64) *DiagGaussian {
	p := NewParam("log_std", dim)
	for i := range p.Data {
		p.Data[i] = initLogStd
	}
	return &DiagGaussian{LogStd: p}
}

// Dim returns the number of action components.
func (g *DiagGaussian) Dim() int { return len(g.LogStd.Data) }

func (g *DiagGaussian) check(v []float64, what string) {
	if len(v) != len(g.LogStd.Data) {
		panic(fmt.Sprintf("nn: DiagGaussian: len(%s)=%d, want %d", what, len(v), len(g.LogStd.Data)))
	}
}

// LogProb returns log N(x; mean, diag(exp(2 logstd))), summed over
// components.
func (g *DiagGaussian) LogProb(mean, x []float64) float64 {
	g.check(mean, "mean")
	g.check(x, "x")
	lp := 0.0
	for i, ls := range g.LogStd.Data {
		z := (x[i] - mean[i]) * detmath.Exp(-ls)
		lp -= float64(0.5*z*z) + ls + halfLog2Pi
	}
	return lp
}

// Entropy returns Σ (logstd + ½ log 2πe); it does not depend on the mean.
func (g *DiagGaussian) Entropy() float64 {
	h := 0.0
	for _, ls := range g.LogStd.Data {
		h += ls + 0.5 + halfLog2Pi
	}
	return h
}

// Sample sets dst = mean + exp(logstd) ⊙ ε with ε standard normal, drawing
// one detmath.NormFloat64(rng) per component in order.
func (g *DiagGaussian) Sample(dst, mean []float64, rng *rand.Rand) {
	g.check(dst, "dst")
	g.check(mean, "mean")
	for i, ls := range g.LogStd.Data {
		dst[i] = mean[i] + float64(detmath.Exp(ls)*detmath.NormFloat64(rng))
	}
}

// Mean sets dst to the distribution's mean, the deterministic action.
func (g *DiagGaussian) Mean(dst, mean []float64) {
	g.check(dst, "dst")
	g.check(mean, "mean")
	copy(dst, mean)
}

// LogProbGrad adds scale × d log p(x)/d mean = scale (x-μ)/σ² into dMean
// and scale × d log p(x)/d logstd = scale ((x-μ)²/σ² - 1) into dLogStd
// (normally g.LogStd.Grad). Either destination may be nil to skip it.
func (g *DiagGaussian) LogProbGrad(dMean, dLogStd, mean, x []float64, scale float64) {
	g.check(mean, "mean")
	g.check(x, "x")
	for i, ls := range g.LogStd.Data {
		inv := detmath.Exp(-ls)
		z := (x[i] - mean[i]) * inv
		if dMean != nil {
			dMean[i] += float64(scale * z * inv)
		}
		if dLogStd != nil {
			dLogStd[i] += float64(scale * (float64(z*z) - 1))
		}
	}
}

// EntropyGrad adds scale × dH/dlogstd = scale into every component of
// dLogStd. The entropy does not depend on the mean.
func (g *DiagGaussian) EntropyGrad(dLogStd []float64, scale float64) {
	g.check(dLogStd, "dLogStd")
	for i := range dLogStd {
		dLogStd[i] += scale
	}
}

// MSE returns mean((pred - target)²), torch.nn.functional.mse_loss.
func MSE(pred, target []float64) float64 {
	if len(pred) != len(target) || len(pred) == 0 {
		panic("nn: MSE: length mismatch or empty")
	}
	s := 0.0
	for i, p := range pred {
		d := p - target[i]
		s += float64(d * d)
	}
	return s / float64(len(pred))
}

// MSEGrad adds scale × dMSE/dpred = scale × 2(pred - target)/n into dst.
func MSEGrad(dst, pred, target []float64, scale float64) {
	if len(pred) != len(target) || len(dst) != len(pred) {
		panic("nn: MSEGrad: length mismatch")
	}
	c := 2 * scale / float64(len(pred))
	for i, p := range pred {
		dst[i] += float64(c * (p - target[i]))
	}
}

// Softplus returns log(1 + eˣ) without overflow: log1p(eˣ), which is
// accurate to rounding down the negative tail, and x itself above 37,
// where e⁻ˣ is below half an ulp of x.
func Softplus(x float64) float64 {
	if x > 37 {
		return x
	}
	return detmath.Log1p(detmath.Exp(x))
}

// Sigmoid returns 1/(1 + e⁻ˣ) without overflow, as eˣ/(1 + eˣ) for
// x < 0; it is Softplus'.
func Sigmoid(x float64) float64 {
	if x >= 0 {
		return 1 / (1 + detmath.Exp(-x))
	}
	e := detmath.Exp(x)
	return e / (1 + e)
}
