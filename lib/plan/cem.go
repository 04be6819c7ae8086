package plan

import (
	"cmp"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/dynago/dynago/lib/detmath"
	"github.com/dynago/dynago/lib/dynamics"
	"github.com/dynago/dynago/lib/env"
)

// model is what the planner needs of a dynamics model; *dynamics.Ensemble
// implements it. Tests substitute hand-made models.
type model interface {
	Members() int
	// Predict writes member k's predicted state change (n×obsDim), reward
	// (n) and termination probability (n) for n rows of observations and
	// actions.
	Predict(k int, obs, act []float64, n int, delta, reward, termProb []float64)
}

// Info reports one call of Act.
type Info struct {
	Best      float64 // best score of any sequence in any iteration
	EliteMean float64 // mean score of the last iteration's elites
	Mean      float64 // mean score of the last iteration's samples
	Rows      int     // model rows evaluated: at most Samples·Horizon·Members·Iters (ended rollouts cost none)
}

// CEM is a cross-entropy-method model-predictive controller over an
// ensemble. It holds the sampling distribution between steps (the warm
// start) and every buffer it uses, so Act allocates nothing. A CEM must not
// be used concurrently, nor its model by anything else during Act.
type CEM struct {
	cfg                Config
	m                  model
	members, elites    int
	obsDim, actDim     int
	discrete           bool
	numActions         int
	start              int
	low, high          []float64 // continuous bounds, actDim each
	modelTerm, envTerm bool
	softTerm           bool
	threshold          float64

	// Sampling distribution, one per step of the horizon.
	probs     []float64 // discrete: H×numActions
	mean, std []float64 // continuous: H×actDim, std in action units

	seqs   []float64 // sampled sequences, time-major: H×K×actDim
	states []float64 // members' predicted observations: M×K×obsDim
	delta  []float64 // K×obsDim
	reward []float64 // K
	term   []float64 // K
	ret    []float64 // M×K cumulative discounted reward
	surv   []float64 // M×K weight of the next reward: 1 alive, 0 ended, or a survival probability
	val    []float64 // M×K terminal values
	score  []float64 // K
	order  []int     // K, indices by decreasing score
	best   []float64 // actDim, first action of the best sequence
	counts []float64 // numActions

	rows               int       // model rows evaluated in this Act
	alive              []int     // K, indices of the rollouts still alive
	aliveObs, aliveAct []float64 // K×obsDim, K×actDim: their states and actions
	offset             []float64 // OffsetRate's running estimate of the model's error per step
	dataMean, dataInv  []float64 // DensityPenalty's Gaussian: mean and 1/std of each observation component
}

// argmax returns the first index of p's largest value.
func argmax(p []float64) int {
	b := 0
	for a, v := range p {
		if v > p[b] {
			b = a
		}
	}
	return b
}

// NewCEM returns a planner for model, whose spaces must match actSpace and
// obsDim. The configuration and the model's fit to it are checked; errors
// name the field. The planner plans with a copy of the model's weights
// taken now, rearranged for speed (see SetModel).
func NewCEM(cfg Config, model *dynamics.Ensemble, actSpace env.Space, obsDim int) (*CEM, error) {
	if model == nil {
		return nil, fmt.Errorf("plan: no model")
	}
	mc := &model.Config
	switch {
	case mc.ObsDim != obsDim:
		return nil, fmt.Errorf("plan: model has ObsDim %d, environment %d", mc.ObsDim, obsDim)
	case mc.Discrete != actSpace.Discrete:
		return nil, fmt.Errorf("plan: model has discrete actions %v, environment %v", mc.Discrete, actSpace.Discrete)
	case actSpace.Discrete && (mc.NumActions != actSpace.N || mc.ActStart != actSpace.Start):
		return nil, fmt.Errorf("plan: model has %d actions from %d, environment %d from %d", mc.NumActions, mc.ActStart, actSpace.N, actSpace.Start)
	case !actSpace.Discrete && mc.ActDim != actSpace.Dim:
		return nil, fmt.Errorf("plan: model has ActDim %d, environment %d", mc.ActDim, actSpace.Dim)
	case (cfg.Termination == dynamics.TermModel || cfg.Termination == dynamics.TermModelEnv || cfg.Termination == dynamics.TermSoft) && mc.TermWeight == 0:
		return nil, fmt.Errorf("plan: Termination %q: the model's termination head is untrained (TermWeight 0); use %q or %q", cfg.Termination, dynamics.TermEnv, dynamics.TermNone)
	case cfg.TermPenalty > 0 && mc.TermWeight == 0:
		return nil, fmt.Errorf("plan: TermPenalty %g: the model's termination head is untrained (TermWeight 0)", cfg.TermPenalty)
	case cfg.DensityPenalty > 0 && !mc.Normalize:
		return nil, fmt.Errorf("plan: DensityPenalty %g: the model is not normalised, so it has no statistics of its data", cfg.DensityPenalty)
	}
	f, err := newForward(model)
	if err != nil {
		return nil, err
	}
	c, err := newCEM(cfg, f, actSpace, obsDim)
	if err != nil {
		return nil, err
	}
	c.setData(model)
	return c, nil
}

// setData takes DensityPenalty's Gaussian from model's normalisation.
func (c *CEM) setData(model *dynamics.Ensemble) {
	nm := &model.Norm
	for j := range c.dataMean {
		c.dataMean[j] = nm.InMean[j]
		c.dataInv[j] = 1 / nm.InStd[j]
	}
}

// SetModel replaces the planning copy of the model's weights by model's
// current ones, keeping the configuration and the warm start. NewCEM takes
// such a copy; call SetModel after the model is refitted or reloaded.
// model must have the same spaces and layer sizes.
func (c *CEM) SetModel(model *dynamics.Ensemble) error {
	old, ok := c.m.(*forward)
	if !ok || model == nil {
		return fmt.Errorf("plan: SetModel: planner was not built by NewCEM, or no model")
	}
	f, err := newForward(model)
	if err != nil {
		return err
	}
	if f.Members() != old.Members() || f.obsDim != old.obsDim || f.actDim != old.actDim || f.discrete != old.discrete || len(f.h) != len(old.h) {
		return fmt.Errorf("plan: SetModel: model of a different shape (%d members)", f.Members())
	}
	c.m = f
	clear(c.offset) // the new model has its own errors
	c.setData(model)
	return nil
}

func newCEM(cfg Config, m model, as env.Space, obsDim int) (*CEM, error) {
	n := 0
	if as.Discrete {
		n = as.N
		if n < 1 {
			return nil, fmt.Errorf("plan: discrete action space with %d actions", n)
		}
	} else {
		if as.Dim < 1 || len(as.Low) != as.Dim || len(as.High) != as.Dim {
			return nil, fmt.Errorf("plan: action space Dim %d with %d low and %d high bounds", as.Dim, len(as.Low), len(as.High))
		}
		for j := range as.Low {
			if math.IsInf(as.Low[j], 0) || math.IsInf(as.High[j], 0) || !(as.Low[j] < as.High[j]) {
				return nil, fmt.Errorf("plan: action component %d has bounds [%g, %g]: need finite low < high", j, as.Low[j], as.High[j])
			}
		}
	}
	if err := cfg.validate(n); err != nil {
		return nil, err
	}
	if obsDim < 1 {
		return nil, fmt.Errorf("plan: obsDim %d: must be >= 1", obsDim)
	}
	k, h, mm := cfg.Samples, cfg.Horizon, m.Members()
	c := &CEM{
		cfg: cfg, m: m, members: mm, elites: cfg.eliteCount(),
		obsDim: obsDim, actDim: 1, discrete: as.Discrete, numActions: n, start: as.Start,
		modelTerm: cfg.Termination == dynamics.TermModel || cfg.Termination == dynamics.TermModelEnv,
		envTerm:   cfg.Termination == dynamics.TermEnv || cfg.Termination == dynamics.TermModelEnv,
		softTerm:  cfg.Termination == dynamics.TermSoft, threshold: cfg.TermThreshold,
	}
	if as.Discrete {
		c.probs = make([]float64, h*n)
		c.counts = make([]float64, n)
	} else {
		c.actDim = as.Dim
		c.low = append([]float64(nil), as.Low...)
		c.high = append([]float64(nil), as.High...)
		c.mean = make([]float64, h*c.actDim)
		c.std = make([]float64, h*c.actDim)
	}
	c.seqs = make([]float64, h*k*c.actDim)
	c.states = make([]float64, mm*k*obsDim)
	c.delta = make([]float64, k*obsDim)
	c.reward = make([]float64, k)
	c.term = make([]float64, k)
	c.ret = make([]float64, mm*k)
	c.surv = make([]float64, mm*k)
	c.val = make([]float64, mm*k)
	c.score = make([]float64, k)
	c.order = make([]int, k)
	c.best = make([]float64, c.actDim)
	c.alive = make([]int, k)
	c.aliveObs = make([]float64, k*obsDim)
	c.aliveAct = make([]float64, k*c.actDim)
	c.offset = make([]float64, obsDim)
	c.dataMean = make([]float64, obsDim)
	c.dataInv = make([]float64, obsDim)
	for j := range c.dataInv {
		c.dataInv[j] = 1
	}
	c.Reset()
	return c, nil
}

// Reset forgets the warm start: every step's distribution becomes the
// initial one (uniform over discrete actions; mean at the centre of the
// bounds and std InitStd·range for continuous ones). Call it at the start
// of an episode.
func (c *CEM) Reset() {
	for t := 0; t < c.cfg.Horizon; t++ {
		c.initStep(t)
	}
}

// initStep sets step t's distribution to the initial one.
func (c *CEM) initStep(t int) {
	if c.discrete {
		p := c.probs[t*c.numActions : (t+1)*c.numActions]
		for a := range p {
			p[a] = 1 / float64(c.numActions)
		}
		return
	}
	for j := 0; j < c.actDim; j++ {
		c.mean[t*c.actDim+j] = (c.low[j] + c.high[j]) / 2
		c.std[t*c.actDim+j] = c.cfg.InitStd * (c.high[j] - c.low[j])
	}
}

// Act plans from obs and writes the first action of the best sequence
// found into action (len ActDim; a discrete action is its integer value).
// It then shifts the distribution's mean one step for the next call. All
// randomness comes from rng.
func (c *CEM) Act(obs []float64, rng *rand.Rand, action []float64) (Info, error) {
	if len(obs) != c.obsDim || len(action) != c.actDim {
		panic(fmt.Sprintf("plan: Act: len(obs)=%d, len(action)=%d; want %d, %d", len(obs), len(action), c.obsDim, c.actDim))
	}
	for j, v := range obs {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return Info{}, fmt.Errorf("plan: observation component %d is %v", j, v)
		}
	}
	k := c.cfg.Samples
	info := Info{Best: math.Inf(-1)}
	c.rows = 0
	for it := 0; it < c.cfg.Iters; it++ {
		c.sample(rng)
		if err := c.evaluate(obs); err != nil {
			return Info{}, err
		}
		for i := range c.order {
			c.order[i] = i
		}
		score := c.score
		slices.SortFunc(c.order, func(a, b int) int {
			if s := cmp.Compare(score[b], score[a]); s != 0 {
				return s
			}
			return a - b
		})
		if b := c.order[0]; score[b] > info.Best {
			info.Best = score[b]
			copy(c.best, c.seqs[b*c.actDim:(b+1)*c.actDim])
		}
		info.EliteMean, info.Mean = 0, 0
		for r, i := range c.order {
			if r < c.elites {
				info.EliteMean += score[i]
			}
			info.Mean += score[i]
		}
		info.EliteMean /= float64(c.elites)
		info.Mean /= float64(k)
		c.refit()
	}
	info.Rows = c.rows
	copy(action, c.best)
	if c.cfg.ModeAction {
		if c.discrete {
			action[0] = float64(c.start + argmax(c.probs[:c.numActions]))
		} else {
			copy(action, c.mean[:c.actDim])
		}
	}
	c.shift()
	return info, nil
}

// sample draws Samples sequences from the current distribution.
func (c *CEM) sample(rng *rand.Rand) {
	k, ad := c.cfg.Samples, c.actDim
	for t := 0; t < c.cfg.Horizon; t++ {
		seq := c.seqs[t*k*ad : (t+1)*k*ad]
		if c.discrete {
			p := c.probs[t*c.numActions : (t+1)*c.numActions]
			for i := range seq {
				seq[i] = float64(c.start + categorical(p, rng.Float64()))
			}
			continue
		}
		for j := 0; j < ad; j++ {
			mu, sd := c.mean[t*ad+j], c.std[t*ad+j]
			lo, hi := c.low[j], c.high[j]
			// mbrl-lib's constraint: two std either side stay in bounds.
			sd = min(sd, (mu-lo)/2, (hi-mu)/2)
			for i := 0; i < k; i++ {
				seq[i*ad+j] = min(max(mu+float64(sd*truncNorm(rng)), lo), hi)
			}
		}
	}
}

// categorical returns the action whose cumulative probability interval
// holds u in [0, 1).
func categorical(p []float64, u float64) int {
	for a, pa := range p {
		u -= pa
		if u < 0 {
			return a
		}
	}
	return len(p) - 1
}

// truncNorm draws a standard normal truncated to [-2, 2] by rejection.
func truncNorm(rng *rand.Rand) float64 {
	for {
		if z := detmath.NormFloat64(rng); z >= -2 && z <= 2 {
			return z
		}
	}
}

// evaluate rolls every sequence out from obs in every member and sets the
// scores.
func (c *CEM) evaluate(obs []float64) error {
	k, d, ad, mm := c.cfg.Samples, c.obsDim, c.actDim, c.members
	for r := 0; r < mm*k; r++ {
		copy(c.states[r*d:(r+1)*d], obs)
	}
	clear(c.ret)
	for i := range c.surv {
		c.surv[i] = 1
	}
	disc, lambda := 1.0, c.cfg.TermPenalty
	for t := 0; t < c.cfg.Horizon; t++ {
		act := c.seqs[t*k*ad : (t+1)*k*ad]
		for m := 0; m < mm; m++ {
			s := c.states[m*k*d : (m+1)*k*d]
			ret, surv := c.ret[m*k:(m+1)*k], c.surv[m*k:(m+1)*k]
			if lambda > 0 {
				// An ended rollout is charged as if its termination
				// probability were 1, so that ending early never
				// escapes the penalty.
				for i, w := range surv {
					ret[i] -= float64(disc * lambda * (1 - w))
				}
			}
			n := c.predictAlive(m, s, act, surv)
			c.rows += n
			for r := 0; r < n; r++ {
				i := c.alive[r]
				ret[i] += float64(disc * surv[i] * (c.reward[r] - float64(lambda*c.term[r])))
				si := s[i*d : (i+1)*d]
				for j, v := range c.delta[r*d : (r+1)*d] {
					si[j] += v
				}
				if c.cfg.OffsetRate > 0 {
					for j, v := range c.offset {
						si[j] += v
					}
				}
				switch {
				case c.softTerm:
					surv[i] *= 1 - c.term[r]
				case c.modelTerm && c.term[r] > c.threshold || c.envTerm && c.cfg.Terminal(si):
					surv[i] = 0
				}
			}
			if beta := c.cfg.DensityPenalty; beta > 0 {
				// Every rollout, ended ones at their last state.
				for i := range ret {
					q := 0.0
					for j, v := range s[i*d : (i+1)*d] {
						z := (v - c.dataMean[j]) * c.dataInv[j]
						q += float64(z * z)
					}
					ret[i] -= float64(disc * beta * -detmath.Expm1(-q/2))
				}
			}
		}
		disc *= c.cfg.Gamma
	}
	if c.cfg.Value != nil {
		c.cfg.Value(c.states, mm*k, c.val)
		for r, v := range c.val {
			c.ret[r] += float64(disc * c.surv[r] * v)
		}
	}
	for i := 0; i < k; i++ {
		c.score[i] = c.objective(i)
		if math.IsNaN(c.score[i]) {
			return fmt.Errorf("plan: sequence %d has score NaN: the model predicts non-finite values", i)
		}
	}
	return nil
}

// predictAlive predicts member m's step for the rollouts still alive
// (surv > 0): their indices go to c.alive and row r of c.delta, c.reward
// and c.term is rollout c.alive[r]'s. Ended rollouts cost nothing, which
// with a termination that ends rollouts (dynamics.TermModel, dynamics.TermEnv) saves much of
// the model's work on the hopeless samples. It returns the number alive.
func (c *CEM) predictAlive(m int, s, act, surv []float64) int {
	k, d, ad := c.cfg.Samples, c.obsDim, c.actDim
	n := 0
	for i := 0; i < k; i++ {
		if surv[i] != 0 {
			c.alive[n] = i
			n++
		}
	}
	if n == k {
		c.m.Predict(m, s, act, k, c.delta, c.reward, c.term)
		return n
	}
	for r, i := range c.alive[:n] {
		copy(c.aliveObs[r*d:(r+1)*d], s[i*d:(i+1)*d])
		copy(c.aliveAct[r*ad:(r+1)*ad], act[i*ad:(i+1)*ad])
	}
	if n > 0 {
		c.m.Predict(m, c.aliveObs, c.aliveAct, n, c.delta, c.reward, c.term)
	}
	return n
}

// Observe tells the planner the real step from obs with action to next,
// for OffsetRate: the error of the members' mean predicted state change
// enters the running offset that planning adds to every predicted step.
// It does nothing when OffsetRate is 0, and allocates nothing.
func (c *CEM) Observe(obs, action, next []float64) {
	a := c.cfg.OffsetRate
	if a == 0 {
		return
	}
	d := c.obsDim
	if len(obs) != d || len(next) != d || len(action) != c.actDim {
		panic(fmt.Sprintf("plan: Observe: len(obs)=%d, len(action)=%d, len(next)=%d; want %d, %d, %d",
			len(obs), len(action), len(next), d, c.actDim, d))
	}
	mean := c.aliveObs[:d] // scratch between calls of Act
	clear(mean)
	for m := 0; m < c.members; m++ {
		c.m.Predict(m, obs, action, 1, c.delta[:d], c.reward[:1], c.term[:1])
		for j, v := range c.delta[:d] {
			mean[j] += v
		}
	}
	for j := range c.offset {
		e := (next[j] - obs[j]) - mean[j]/float64(c.members)
		c.offset[j] = float64((1-a)*c.offset[j]) + float64(a*e)
	}
}

// objective scores sequence i from its members' returns.
func (c *CEM) objective(i int) float64 {
	k, mm := c.cfg.Samples, c.members
	if c.cfg.Objective == Worst {
		w := math.Inf(1)
		for m := 0; m < mm; m++ {
			w = min(w, c.ret[m*k+i])
		}
		return w
	}
	s := 0.0
	for m := 0; m < mm; m++ {
		s += c.ret[m*k+i]
	}
	mu := s / float64(mm)
	if c.cfg.Kappa == 0 {
		return mu
	}
	ss := 0.0
	for m := 0; m < mm; m++ {
		x := c.ret[m*k+i] - mu
		ss += float64(x * x)
	}
	return mu - float64(c.cfg.Kappa*math.Sqrt(ss/float64(mm)))
}

// refit moves every step's distribution toward the elites' statistics.
func (c *CEM) refit() {
	k, ad, a := c.cfg.Samples, c.actDim, c.cfg.Alpha
	elites := c.order[:c.elites]
	fe := float64(len(elites))
	for t := 0; t < c.cfg.Horizon; t++ {
		seq := c.seqs[t*k*ad : (t+1)*k*ad]
		if c.discrete {
			clear(c.counts)
			for _, i := range elites {
				c.counts[int(seq[i])-c.start]++
			}
			refitCategorical(c.probs[t*c.numActions:(t+1)*c.numActions], c.counts, a, c.cfg.MinProb)
			continue
		}
		for j := 0; j < ad; j++ {
			s := 0.0
			for _, i := range elites {
				s += seq[i*ad+j]
			}
			mu := s / fe
			ss := 0.0
			for _, i := range elites {
				x := seq[i*ad+j] - mu
				ss += float64(x * x)
			}
			p := t*ad + j
			c.mean[p] = float64(a*c.mean[p]) + float64((1-a)*mu)
			v := float64(a*c.std[p]*c.std[p]) + float64((1-a)*ss/fe)
			c.std[p] = max(math.Sqrt(v), c.cfg.MinStd*(c.high[j]-c.low[j]))
		}
	}
}

// refitCategorical sets p ← alpha·p + (1-alpha)·freq, where freq is counts
// normalised, and then lifts every probability to at least floor by
// p ← (1-N·floor)·p + floor, which keeps the sum 1.
func refitCategorical(p, counts []float64, alpha, floor float64) {
	n := 0.0
	for _, v := range counts {
		n += v
	}
	lift := 1 - float64(float64(len(p))*floor)
	for a := range p {
		p[a] = float64(lift*(float64(alpha*p[a])+float64((1-alpha)*counts[a]/n))) + floor
	}
}

// shift moves every step's distribution one step earlier (the warm start
// of the next call, as mbrl-lib's keep_last_solution) and sets the last
// step's to the initial one. A continuous std returns to its initial value
// at every step, as mbrl-lib restarts the variance.
func (c *CEM) shift() {
	h := c.cfg.Horizon
	if c.discrete {
		n := c.numActions
		copy(c.probs, c.probs[n:])
	} else {
		copy(c.mean, c.mean[c.actDim:])
		for t := 0; t < h-1; t++ {
			for j := 0; j < c.actDim; j++ {
				c.std[t*c.actDim+j] = c.cfg.InitStd * (c.high[j] - c.low[j])
			}
		}
	}
	c.initStep(h - 1)
}
