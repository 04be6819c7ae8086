package dynamics

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/dynago/dynago/lib/detmath"
	"github.com/dynago/dynago/lib/nn"
)

// Ensemble is M independently initialised networks sharing one Config and
// one Norm. Each member has its own Adam optimiser.
//
// Prediction methods reuse buffers held by the Ensemble: after the first
// call at a given batch size they do not allocate, and they must not be
// called concurrently on one Ensemble.
type Ensemble struct {
	Config Config
	Norm   Norm

	members []*member
	in      []float64 // encoded input scratch, n×InDim
}

type member struct {
	net  *nn.MLP
	opt  *nn.Adam
	pred *nn.Tape // prediction tape; training uses the net's own tape

	// A probabilistic member's learned soft bounds of the log-variance
	// (PETS): "max_logvar" and "min_logvar", ObsDim+1 values each (the
	// state change's, then the reward's), initialised to Config's
	// MaxLogVar and MinLogVar and trained with the network (nil for a
	// deterministic member).
	maxLV, minLV *nn.Param
	params       []*nn.Param // the network's parameters and the bounds
	bounds       logVarBounds
}

// Norm holds the standardisation of inputs and targets: the network sees
// (x - InMean)/InStd and predicts (Δs - DeltaMean)/DeltaStd and
// (r - RewardMean)/RewardStd. One-hot action inputs have mean 0 and std 1.
// Without normalisation every mean is 0 and every std 1.
type Norm struct {
	InMean, InStd         []float64 // InDim each
	DeltaMean, DeltaStd   []float64 // ObsDim each
	RewardMean, RewardStd float64
}

// minStd replaces a standard deviation below it (a constant column) by 1,
// as scikit-learn's StandardScaler and MBPO's scaler do.
const minStd = 1e-8

func identityNorm(c *Config) Norm {
	nm := Norm{
		InMean: make([]float64, c.InDim()), InStd: make([]float64, c.InDim()),
		DeltaMean: make([]float64, c.ObsDim), DeltaStd: make([]float64, c.ObsDim),
		RewardStd: 1,
	}
	fill(nm.InStd, 1)
	fill(nm.DeltaStd, 1)
	return nm
}

func fill(x []float64, v float64) {
	for i := range x {
		x[i] = v
	}
}

// New returns an ensemble for c with identity normalisation, each member's
// weights drawn in turn from rng as PyTorch's nn.Linear initialises them.
func New(c Config, rng *rand.Rand) (*Ensemble, error) {
	e, err := newEnsemble(c)
	if err != nil {
		return nil, err
	}
	for _, m := range e.members {
		m.net.InitPyTorch(rng)
	}
	return e, nil
}

// newEnsemble returns an ensemble with zero weights.
func newEnsemble(c Config) (*Ensemble, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	c.Hidden = append([]int(nil), c.Hidden...)
	e := &Ensemble{Config: c, Norm: identityNorm(&c)}
	sizes := append([]int{c.InDim()}, c.Hidden...)
	sizes = append(sizes, c.OutDim())
	for k := 0; k < c.Members; k++ {
		net := nn.NewMLP(sizes, c.Activation)
		m := &member{net: net, pred: net.NewTape(), params: net.Params()}
		if c.Probabilistic {
			m.maxLV, m.minLV = nn.NewParam("max_logvar", c.ObsDim+1), nn.NewParam("min_logvar", c.ObsDim+1)
			fill(m.maxLV.Data, c.MaxLogVar)
			fill(m.minLV.Data, c.MinLogVar)
			m.params = append(slices.Clip(m.params), m.maxLV, m.minLV)
			m.bounds = logVarBounds{lo: m.minLV.Data, hi: m.maxLV.Data, gLo: m.minLV.Grad, gHi: m.maxLV.Grad}
		}
		m.opt = nn.NewAdam()
		m.opt.AddGroup("model", m.params, nn.DefaultAdam(c.LR))
		e.members = append(e.members, m)
	}
	return e, nil
}

// Members returns M.
func (e *Ensemble) Members() int { return len(e.members) }

// SetNorm sets the normalisation from the data set's statistics when
// Config.Normalize is set, and to the identity otherwise. Call it before
// the first Fit of a new model; a warm-started model keeps the statistics
// its weights were trained with.
func (e *Ensemble) SetNorm(d *Dataset) {
	c := &e.Config
	nm := identityNorm(c)
	if c.Normalize && d.N > 0 {
		meanStd(nm.InMean[:c.ObsDim], nm.InStd[:c.ObsDim], d.Obs, d.N, c.ObsDim)
		if !c.Discrete {
			meanStd(nm.InMean[c.ObsDim:], nm.InStd[c.ObsDim:], d.Act, d.N, c.ActDim)
		}
		meanStd(nm.DeltaMean, nm.DeltaStd, d.Delta, d.N, c.ObsDim)
		m, s := []float64{0}, []float64{0}
		meanStd(m, s, d.Reward, d.N, 1)
		nm.RewardMean, nm.RewardStd = m[0], s[0]
		if c.ExactConstReward && constant(d.Reward[:d.N]) {
			nm.RewardStd = 0
		}
	}
	e.Norm = nm
}

// constant reports whether every value of x equals the first.
func constant(x []float64) bool {
	for _, v := range x {
		if v != x[0] {
			return false
		}
	}
	return true
}

// meanStd sets mean and std (population) of the columns of x (n×dim).
func meanStd(mean, std, x []float64, n, dim int) {
	clear(mean)
	clear(std)
	for i := 0; i < n; i++ {
		for j := 0; j < dim; j++ {
			mean[j] += x[i*dim+j]
		}
	}
	for j := range mean {
		mean[j] /= float64(n)
	}
	for i := 0; i < n; i++ {
		for j := 0; j < dim; j++ {
			d := x[i*dim+j] - mean[j]
			std[j] += float64(d * d)
		}
	}
	for j := range std {
		std[j] = math.Sqrt(std[j] / float64(n))
		if std[j] < minStd {
			std[j] = 1
		}
	}
}

func grow(s []float64, n int) []float64 {
	if cap(s) < n {
		return make([]float64, n)
	}
	return s[:n]
}

// encode writes the normalised network inputs of n rows into dst
// (n×InDim). Discrete actions must be integers in the action range; an
// action outside it panics (callers validate data first).
func (e *Ensemble) encode(dst, obs, act []float64, n int) {
	c := &e.Config
	d, in, aw := c.ObsDim, c.InDim(), c.actWidth()
	if len(obs) < n*d || len(act) < n*c.ActDim {
		panic(fmt.Sprintf("dynamics: %d rows need %d obs and %d action values, have %d and %d", n, n*d, n*c.ActDim, len(obs), len(act)))
	}
	mean, std := e.Norm.InMean, e.Norm.InStd
	for i := 0; i < n; i++ {
		x := dst[i*in : (i+1)*in]
		o := obs[i*d : (i+1)*d]
		for j, v := range o {
			x[j] = (v - mean[j]) / std[j]
		}
		if c.Discrete {
			a := int(act[i]) - c.ActStart
			if a < 0 || a >= aw || float64(a+c.ActStart) != act[i] {
				panic(fmt.Sprintf("dynamics: action %g outside the %d actions from %d", act[i], aw, c.ActStart))
			}
			clear(x[d:])
			x[d+a] = 1
			continue
		}
		for j := 0; j < aw; j++ {
			x[d+j] = (act[i*aw+j] - mean[d+j]) / std[d+j]
		}
	}
}

// Predict evaluates member k on n rows of raw observations obs (n×ObsDim)
// and actions act (n×ActDim; a discrete action is its integer value) and
// writes the predicted state change delta (n×ObsDim) and reward (n) in raw
// units, and the termination probability termProb (n). For a probabilistic
// model these are the means of its Gaussian.
func (e *Ensemble) Predict(k int, obs, act []float64, n int, delta, reward, termProb []float64) {
	e.PredictVar(k, obs, act, n, delta, reward, termProb, nil, nil)
}

// PredictVar is Predict that also writes, when deltaVar (n×ObsDim) and
// rewardVar (n) are not nil, member k's own (aleatoric) predicted variance
// in raw units: zero for a deterministic model.
func (e *Ensemble) PredictVar(k int, obs, act []float64, n int, delta, reward, termProb, deltaVar, rewardVar []float64) {
	c := &e.Config
	d, w, or, ot, olv := c.ObsDim, c.OutDim(), c.OutReward(), c.OutTerm(), c.OutLogVar()
	if len(delta) < n*d || len(reward) < n || len(termProb) < n {
		panic("dynamics: Predict: output slices too short")
	}
	e.in = grow(e.in, n*c.InDim())
	e.encode(e.in, obs, act, n)
	mb := e.members[k]
	out := mb.pred.Forward(e.in, n)
	nm := &e.Norm
	for i := 0; i < n; i++ {
		o := out[i*w : (i+1)*w]
		for j := 0; j < d; j++ {
			delta[i*d+j] = float64(o[OutDelta+j]*nm.DeltaStd[j]) + nm.DeltaMean[j]
		}
		reward[i] = float64(o[or]*nm.RewardStd) + nm.RewardMean
		termProb[i] = nn.Sigmoid(o[ot])
		if deltaVar == nil {
			continue
		}
		for j := 0; j <= d; j++ {
			v := 0.0
			if c.Probabilistic {
				lv, _ := boundLogVar(o[olv+j], mb.minLV.Data[j], mb.maxLV.Data[j])
				v = detmath.Exp(lv)
			}
			if j < d {
				deltaVar[i*d+j] = v * nm.DeltaStd[j] * nm.DeltaStd[j]
			} else {
				rewardVar[i] = v * nm.RewardStd * nm.RewardStd
			}
		}
	}
}

// PredictAll runs Predict for every member on the same rows, writing
// member-major outputs: member k's state changes are
// delta[k*n*ObsDim:(k+1)*n*ObsDim], its rewards reward[k*n:(k+1)*n].
func (e *Ensemble) PredictAll(obs, act []float64, n int, delta, reward, termProb []float64) {
	d := e.Config.ObsDim
	for k := range e.members {
		e.Predict(k, obs, act, n, delta[k*n*d:(k+1)*n*d], reward[k*n:(k+1)*n], termProb[k*n:(k+1)*n])
	}
}

// PredictAllVar is PredictAll that also writes each member's own
// (aleatoric) variances, member-major like the means: deltaVar
// (M×n×ObsDim) and rewardVar (M×n), zero for a deterministic model.
func (e *Ensemble) PredictAllVar(obs, act []float64, n int, delta, reward, termProb, deltaVar, rewardVar []float64) {
	d := e.Config.ObsDim
	for k := range e.members {
		e.PredictVar(k, obs, act, n, delta[k*n*d:(k+1)*n*d], reward[k*n:(k+1)*n], termProb[k*n:(k+1)*n],
			deltaVar[k*n*d:(k+1)*n*d], rewardVar[k*n:(k+1)*n])
	}
}

// Spread summarises PredictAll's outputs for n rows: the mean across
// members of the state change, reward and termination probability (raw
// units), and the variance across members (population, divisor M) of the
// state change, on normalised targets and averaged over dimensions, and of
// the reward, on the normalised target. This is the epistemic spread only;
// each member's own predicted variance is not included. Any destination
// may be nil.
func (e *Ensemble) Spread(delta, reward, termProb []float64, n int, meanDelta, meanReward, meanTerm, varDelta, varReward []float64) {
	m, d := len(e.members), e.Config.ObsDim
	fm := float64(m)
	nm := &e.Norm
	for i := 0; i < n; i++ {
		vd := 0.0
		for j := 0; j < d; j++ {
			s := 0.0
			for k := 0; k < m; k++ {
				s += delta[(k*n+i)*d+j]
			}
			mu := s / fm
			ss := 0.0
			for k := 0; k < m; k++ {
				x := delta[(k*n+i)*d+j] - mu
				ss += float64(x * x)
			}
			if meanDelta != nil {
				meanDelta[i*d+j] = mu
			}
			vd += ss / fm / (nm.DeltaStd[j] * nm.DeltaStd[j])
		}
		if varDelta != nil {
			varDelta[i] = vd / float64(d)
		}
		sr, st := 0.0, 0.0
		for k := 0; k < m; k++ {
			sr += reward[k*n+i]
			st += termProb[k*n+i]
		}
		mr := sr / fm
		ss := 0.0
		for k := 0; k < m; k++ {
			x := reward[k*n+i] - mr
			ss += float64(x * x)
		}
		if meanReward != nil {
			meanReward[i] = mr
		}
		if meanTerm != nil {
			meanTerm[i] = st / fm
		}
		if varReward != nil {
			varReward[i] = 0 // a constant reward (RewardStd 0) has no spread
			if nm.RewardStd > 0 {
				varReward[i] = ss / fm / (nm.RewardStd * nm.RewardStd)
			}
		}
	}
}

// SetLR sets every member's Adam learning rate, keeping its moments.
func (e *Ensemble) SetLR(lr float64) {
	e.Config.LR = lr
	for _, m := range e.members {
		for _, g := range m.opt.Groups {
			g.LR = lr
		}
	}
}
