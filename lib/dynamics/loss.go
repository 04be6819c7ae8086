package dynamics

import (
	"github.com/dynago/dynago/lib/detmath"
	"github.com/dynago/dynago/lib/nn"
)

// Loss holds the per-target training objectives of one batch, each a mean
// over rows (and over state dimensions for Delta). For a deterministic
// model Delta and Reward are mean squared errors; for a probabilistic one
// they are Gaussian negative log-likelihoods 0.5·((y-μ)²/σ² + log σ²)
// without the constant 0.5·log 2π. Term is the binary cross-entropy of the
// termination logit. MSEDelta and MSEReward are the mean squared errors of
// the means in either case. All are on normalised targets.
type Loss struct {
	Delta, Reward, Term float64
	MSEDelta, MSEReward float64
	// Bounds is PETS' penalty on learned log-variance bounds,
	// BoundsPenalty·(Σ max − Σ min) (0 for a deterministic model).
	Bounds float64
}

// BoundsPenalty is the weight of the learned log-variance bounds' width in
// the loss (PETS, mbrl-lib: 0.01).
const BoundsPenalty = 0.01

// Total is the objective minimised in training.
func (l Loss) Total(termWeight float64) float64 {
	return l.Delta + l.Reward + float64(termWeight*l.Term) + l.Bounds
}

// logVarBounds are a probabilistic member's learned soft bounds of the
// log-variance (ObsDim+1 values each: the state change's, then the
// reward's) and, in training, the gradients batchLoss adds into.
type logVarBounds struct {
	lo, hi, gLo, gHi []float64
}

func (l *Loss) add(o Loss, w float64) {
	l.Delta += float64(w * o.Delta)
	l.Reward += float64(w * o.Reward)
	l.Term += float64(w * o.Term)
	l.MSEDelta += float64(w * o.MSEDelta)
	l.MSEReward += float64(w * o.MSEReward)
	l.Bounds += float64(w * o.Bounds)
}

// batchLoss evaluates the loss of n rows of network output out (n×OutDim,
// layout in Config.OutDim) against normalised targets delta (n×ObsDim),
// reward and term (n each, term 0 or 1). If grad is not nil it is set to
// dLoss.Total/dout (n×OutDim). A probabilistic model's log-variances are
// bounded by b (learned bounds; with grad, their gradients are added into
// b.gLo and b.gHi) or, when b is nil, by Config's fixed MinLogVar and
// MaxLogVar.
func batchLoss(c *Config, out []float64, n int, delta, reward, term, grad []float64, b *logVarBounds) Loss {
	d, w := c.ObsDim, c.OutDim()
	var l Loss
	nd, nf := float64(n*d), float64(n)
	for i := 0; i < n; i++ {
		o := out[i*w : (i+1)*w]
		var g []float64
		if grad != nil {
			g = grad[i*w : (i+1)*w]
		}
		for j := 0; j <= d; j++ { // j == d is the reward
			y, scale := 0.0, 1/nd
			if j < d {
				y = delta[i*d+j]
			} else {
				y, scale = reward[i], 1/nf
			}
			e := o[j] - y
			se := float64(e * e * scale)
			if j < d {
				l.MSEDelta += se
			} else {
				l.MSEReward += se
			}
			if !c.Probabilistic {
				if j < d {
					l.Delta += se
				} else {
					l.Reward += se
				}
				if g != nil {
					g[j] = 2 * e * scale
				}
				continue
			}
			k := c.OutLogVar() + j // raw log-variance of target j
			lo, hi := c.MinLogVar, c.MaxLogVar
			if b != nil {
				lo, hi = b.lo[j], b.hi[j]
			}
			lv, dlv, dhi, dlo := boundLogVarBounds(o[k], lo, hi)
			iv := detmath.Exp(-lv)
			nll := float64(0.5 * (float64(e*e*iv) + lv) * scale)
			if j < d {
				l.Delta += nll
			} else {
				l.Reward += nll
			}
			if g != nil {
				g[j] = e * iv * scale
				dl := 0.5 * (1 - float64(e*e*iv)) * scale
				g[k] = dl * dlv
				if b != nil {
					b.gHi[j] += float64(dl * dhi)
					b.gLo[j] += float64(dl * dlo)
				}
			}
		}
		// Weighted BCE: w·y·nn.Softplus(-z) + (1-y)·nn.Softplus(z), with
		// nn.Softplus(z) - z = nn.Softplus(-z); w = 1 gives nn.Softplus(z) - y·z.
		z, y, w := o[d+1], term[i], 1.0
		if c.TermPosWeight > 0 {
			w = c.TermPosWeight
		}
		l.Term += float64((float64(w*y*nn.Softplus(-z)) + float64((1-y)*nn.Softplus(z))) / nf)
		if g != nil {
			g[d+1] = c.TermWeight * (float64(-w*y*nn.Sigmoid(-z)) + float64((1-y)*nn.Sigmoid(z))) / nf
		}
	}
	if c.Probabilistic && b != nil {
		for j := range b.lo {
			l.Bounds += float64(BoundsPenalty * (b.hi[j] - b.lo[j]))
			if grad != nil {
				b.gHi[j] += BoundsPenalty
				b.gLo[j] -= BoundsPenalty
			}
		}
	}
	return l
}

// boundLogVar maps a raw network output to a log-variance softly bounded
// to (lo, hi), as in PETS (Chua et al. 2018, appendix A.1) with fixed
// bounds: v = hi - softplus(hi - raw), then lo + softplus(v - lo). It
// returns the value and its derivative with respect to raw.
func boundLogVar(raw, lo, hi float64) (lv, dlv float64) {
	lv, dlv, _, _ = boundLogVarBounds(raw, lo, hi)
	return lv, dlv
}

// boundLogVarBounds is boundLogVar with the derivatives with respect to
// the bounds hi and lo as well, for learned bounds (PETS).
func boundLogVarBounds(raw, lo, hi float64) (lv, dRaw, dHi, dLo float64) {
	v := hi - nn.Softplus(hi-raw)
	s1 := nn.Sigmoid(hi - raw) // dv/draw; dv/dhi = 1 - s1
	lv = lo + nn.Softplus(v-lo)
	s2 := nn.Sigmoid(v - lo) // dlv/dv; dlv/dlo = 1 - s2
	return lv, s2 * s1, s2 * (1 - s1), 1 - s2
}
