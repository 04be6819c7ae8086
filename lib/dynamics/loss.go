package dynamics

import (
	"math"

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
}

// Total is the objective minimised in training.
func (l Loss) Total(termWeight float64) float64 {
	return l.Delta + l.Reward + termWeight*l.Term
}

func (l *Loss) add(o Loss, w float64) {
	l.Delta += w * o.Delta
	l.Reward += w * o.Reward
	l.Term += w * o.Term
	l.MSEDelta += w * o.MSEDelta
	l.MSEReward += w * o.MSEReward
}

// batchLoss evaluates the loss of n rows of network output out (n×OutDim,
// layout in Config.OutDim) against normalised targets delta (n×ObsDim),
// reward and term (n each, term 0 or 1). If grad is not nil it is set to
// dLoss.Total/dout (n×OutDim).
func batchLoss(c *Config, out []float64, n int, delta, reward, term, grad []float64) Loss {
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
			se := e * e * scale
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
			k := d + 2 + j // raw log-variance of target j
			lv, dlv := boundLogVar(o[k], c.MinLogVar, c.MaxLogVar)
			iv := math.Exp(-lv)
			nll := 0.5 * (e*e*iv + lv) * scale
			if j < d {
				l.Delta += nll
			} else {
				l.Reward += nll
			}
			if g != nil {
				g[j] = e * iv * scale
				g[k] = 0.5 * (1 - e*e*iv) * scale * dlv
			}
		}
		// Weighted BCE: w·y·nn.Softplus(-z) + (1-y)·nn.Softplus(z), with
		// nn.Softplus(z) - z = nn.Softplus(-z); w = 1 gives nn.Softplus(z) - y·z.
		z, y, w := o[d+1], term[i], 1.0
		if c.TermPosWeight > 0 {
			w = c.TermPosWeight
		}
		l.Term += (w*y*nn.Softplus(-z) + (1-y)*nn.Softplus(z)) / nf
		if g != nil {
			g[d+1] = c.TermWeight * (-w*y*nn.Sigmoid(-z) + (1-y)*nn.Sigmoid(z)) / nf
		}
	}
	return l
}

// boundLogVar maps a raw network output to a log-variance softly bounded
// to (lo, hi), as in PETS (Chua et al. 2018, appendix A.1) with fixed
// bounds: v = hi - softplus(hi - raw), then lo + softplus(v - lo). It
// returns the value and its derivative with respect to raw.
func boundLogVar(raw, lo, hi float64) (lv, dlv float64) {
	v := hi - nn.Softplus(hi-raw)
	dv := nn.Sigmoid(hi - raw)
	lv = lo + nn.Softplus(v-lo)
	return lv, dv * nn.Sigmoid(v-lo)
}
