package ppo

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/dynago/dynago/lib/agent"
	"github.com/dynago/dynago/lib/detmath"
	"github.com/dynago/dynago/lib/format"
	"github.com/dynago/dynago/lib/nn"
)

// advEps is added to the standard deviation when normalising advantages,
// as in SB3 and CleanRL.
const advEps = 1e-8

// Stats summarises one update. The losses, entropy, approximate KL and
// clip fraction are means over the minibatches that took an optimiser
// step (with the KL of a stopping minibatch included); ExplainedVariance is
// 1 − Var(R − V)/Var(R) for the values before the update and is NaN when
// the returns have no variance.
type Stats struct {
	PolicyLoss, ValueLoss, Entropy float64
	ApproxKL, ClipFraction         float64
	ExplainedVariance              float64
	Minibatches                    int  // optimiser steps taken
	MVESteps                       int  // model steps taken for value-expansion targets
	EarlyStop                      bool // stopped by TargetKL
}

// Trainer runs PPO updates of one policy. It holds only buffers: all state
// that must survive between updates (parameters and Adam state) lives in
// the Policy, so updates split across processes through Save and Load give
// the same bits as updates in one process.
type Trainer struct {
	h               Hyper
	p               *agent.Policy
	params          []*nn.Param
	actorP, criticP []*nn.Param
	clip            float64 // this update's surrogate clip range
	clipGrad        bool    // this update clips gradient norms

	// Per-row buffers.
	actions, value, nextValue, adv, ret []float64
	cont                                []bool
	idx                                 []int
	bootRows                            []int
	bootObs, bootVal                    []float64

	// Value expansion (SetMVE): nil model means GAE returns.
	mve                 Model
	exp                 Expander
	mveRows             []int
	mveR, mveNext, mveY []float64
	mveDone             []bool

	// Per-minibatch buffers.
	mbObs, mbAct, mbOld, mbAdv, mbRet, mbVOld []float64
	mbImag                                    []bool
	logp, ent, val, dLogp, dEnt, dVal         []float64
}

// NewTrainer returns a trainer for p. It panics if h fails Check.
func NewTrainer(p *agent.Policy, h Hyper) *Trainer {
	if err := h.Check(); err != nil {
		panic("ppo: NewTrainer: " + err.Error())
	}
	return &Trainer{h: h, p: p, params: p.Params(), actorP: p.ActorParams(),
		criticP: p.Opt.Group("critic").Params, clip: h.Clip, clipGrad: h.MaxGradNorm > 0}
}

// Update runs one PPO update on the transitions t. ends lists the row
// counts at which a file ends when t concatenates several files (nil for
// one file): a file's last row is always a rollout end, even when the next
// file happens to continue its (episode, step). progress in [0, 1] is
// the fraction of the training budget used so far; with Anneal the
// learning rates, and with AnnealClip the surrogate clip range, are
// multiplied by 1 − progress. rng shuffles the minibatches. With
// ClipRealOnly, an update whose rows include an imagined one (the
// imagined column) clips no gradients.
//
// Values: V(obs) and the bootstrap values V(next_obs) are recomputed with
// the current critic (the stored value column is not used), so imagined
// rows without values and data collected by an older policy are treated
// alike. Log-probabilities: the ratio's denominator is the behaviour
// policy's log_prob column, which every row must have (collect --policy
// records it; for imagined rows the imagination tool does).
func (tr *Trainer) Update(t *format.Transitions, ends []int, progress float64, rng *rand.Rand) (Stats, error) {
	n := t.Len()
	if err := tr.load(t); err != nil {
		return Stats{}, err
	}
	for _, e := range ends {
		if e < 1 || e > n {
			return Stats{}, fmt.Errorf("file end %d outside [1, %d]", e, n)
		}
	}
	if math.IsNaN(progress) || progress < 0 || progress > 1 {
		return Stats{}, fmt.Errorf("progress %v: must be in [0, 1]", progress)
	}
	h, p := tr.h, tr.p
	tr.advantages(t, ends)
	var st Stats
	if tr.mve != nil {
		st.MVESteps = tr.expand(t, rng)
	}
	st.ExplainedVariance = explainedVariance(tr.ret, tr.value)
	if h.NormAdv && h.NormAdvBatch {
		tr.normalise(tr.adv, t.Imagined, 0)
	}
	tr.clip = h.Clip
	if h.AnnealClip {
		tr.clip = h.Clip * (1 - progress)
	}
	tr.clipGrad = h.MaxGradNorm > 0 && !(h.ClipRealOnly && slices.Contains(t.Imagined, true))

	frac := 1.0
	if h.Anneal {
		frac = 1 - progress
	}
	for _, g := range p.Opt.Groups {
		lr := h.ActorLR
		if g.Name == "critic" {
			lr = h.CriticLR
		}
		g.LR, g.Eps = lr*frac, h.AdamEps
	}

	tr.idx = growInt(tr.idx, n)
	for i := range tr.idx {
		tr.idx[i] = i
	}
	var sum Stats
epochs:
	for range h.Epochs {
		shuffle(tr.idx, rng)
		for start := 0; start < n; start += h.Minibatch {
			mb := tr.idx[start:min(start+h.Minibatch, n)]
			s, stop := tr.minibatch(t, mb)
			sum.ApproxKL += s.ApproxKL
			if stop {
				st.EarlyStop = true
				sum.Minibatches++
				break epochs
			}
			sum.PolicyLoss += s.PolicyLoss
			sum.ValueLoss += s.ValueLoss
			sum.Entropy += s.Entropy
			sum.ClipFraction += s.ClipFraction
			sum.Minibatches++
			st.Minibatches++
		}
	}
	if k := float64(st.Minibatches); k > 0 {
		st.PolicyLoss, st.ValueLoss = sum.PolicyLoss/k, sum.ValueLoss/k
		st.Entropy, st.ClipFraction = sum.Entropy/k, sum.ClipFraction/k
	}
	st.ApproxKL = sum.ApproxKL / float64(sum.Minibatches)
	return st, nil
}

// SetMVE makes the critic's targets on real rows model-based value
// expansions through m with horizon model steps (see Expander) instead of
// GAE returns; imagined rows keep their GAE returns and the actor's
// advantages stay GAE's. A nil m turns it off. The expansions sample
// actions from the rng given to Update, before it shuffles.
func (tr *Trainer) SetMVE(m Model, horizon int) {
	tr.mve = m
	tr.exp.Horizon, tr.exp.Gamma = horizon, tr.h.Gamma
}

// expand replaces the returns of t's real rows by value expansions and
// returns the model steps taken.
func (tr *Trainer) expand(t *format.Transitions, rng *rand.Rand) int {
	d := t.ObsDim
	tr.mveRows = tr.mveRows[:0]
	tr.mveR, tr.mveNext = tr.mveR[:0], tr.mveNext[:0]
	tr.mveDone = tr.mveDone[:0]
	for i := range t.Len() {
		if t.Imagined[i] {
			continue
		}
		tr.mveRows = append(tr.mveRows, i)
		tr.mveR = append(tr.mveR, t.Reward[i])
		tr.mveNext = append(tr.mveNext, t.NextObs[i*d:(i+1)*d]...)
		tr.mveDone = append(tr.mveDone, t.Terminated[i])
	}
	k := len(tr.mveRows)
	tr.mveY = grow(tr.mveY, k)
	steps := tr.exp.Targets(tr.p, tr.mve, tr.mveR, tr.mveNext, tr.mveDone, k, d, tr.p.ActDim(), rng, tr.mveY)
	for j, i := range tr.mveRows {
		tr.ret[i] = tr.mveY[j]
	}
	return steps
}

// load checks t against the policy and converts the actions to float64.
func (tr *Trainer) load(t *format.Transitions) error {
	p := tr.p
	n := t.Len()
	switch {
	case n == 0:
		return errors.New("no transitions")
	case t.ObsDim != p.ObsDim():
		return fmt.Errorf("transitions have observation dimension %d, policy %d", t.ObsDim, p.ObsDim())
	case t.Discrete != p.Discrete():
		return fmt.Errorf("transitions have discrete=%v actions, policy discrete=%v", t.Discrete, p.Discrete())
	case t.ActDim != p.ActDim():
		return fmt.Errorf("transitions have %d action components, policy %d", t.ActDim, p.ActDim())
	}
	for i, lp := range t.LogProb {
		if math.IsNaN(lp) || math.IsInf(lp, 0) {
			return fmt.Errorf("row %d: log_prob is %v; PPO needs the behaviour policy's log-probability (collect with --policy)", i, lp)
		}
	}
	tr.actions = grow(tr.actions, n*p.ActDim())
	if t.Discrete {
		for i, a := range t.Action {
			tr.actions[i] = float64(a)
		}
		// Reject actions outside the policy's space before Evaluate panics.
		if err := checkDiscrete(p, tr.actions); err != nil {
			return err
		}
	} else {
		copy(tr.actions, t.ActionVec)
	}
	return nil
}

// checkDiscrete returns an error for the first action the policy cannot
// evaluate.
func checkDiscrete(p *agent.Policy, actions []float64) error {
	lo, hi := p.ActionRange()
	for i, a := range actions {
		if a < float64(lo) || a > float64(hi) {
			return fmt.Errorf("row %d: action %v outside the policy's actions [%d, %d]", i, a, lo, hi)
		}
	}
	return nil
}

// advantages fills value, nextValue, cont, adv and ret.
func (tr *Trainer) advantages(t *format.Transitions, ends []int) {
	p, n, d := tr.p, t.Len(), t.ObsDim
	tr.value = grow(tr.value, n)
	tr.nextValue = grow(tr.nextValue, n)
	tr.adv, tr.ret = grow(tr.adv, n), grow(tr.ret, n)
	if cap(tr.cont) < n {
		tr.cont = make([]bool, n)
	}
	tr.cont = tr.cont[:n]
	Continues(tr.cont, t)
	for _, e := range ends {
		tr.cont[e-1] = false
	}
	p.Value(t.Obs, n, tr.value)

	// Bootstrap values only where the episode continues beyond the data.
	tr.bootRows = tr.bootRows[:0]
	tr.bootObs = tr.bootObs[:0]
	for i := range n {
		tr.nextValue[i] = 0
		if !tr.cont[i] && !t.Terminated[i] {
			tr.bootRows = append(tr.bootRows, i)
			tr.bootObs = append(tr.bootObs, t.NextObs[i*d:(i+1)*d]...)
		}
	}
	if k := len(tr.bootRows); k > 0 {
		tr.bootVal = grow(tr.bootVal, k)
		p.Value(tr.bootObs, k, tr.bootVal)
		for j, i := range tr.bootRows {
			tr.nextValue[i] = tr.bootVal[j]
		}
	}
	GAE(tr.adv, tr.ret, t.Reward, tr.value, tr.nextValue, tr.cont, tr.h.Gamma, tr.h.Lambda)
}

// minibatch runs one gradient step on rows mb and returns its statistics;
// stop reports that the approximate KL exceeded 1.5 TargetKL, in which case
// no step was taken.
func (tr *Trainer) minibatch(t *format.Transitions, mb []int) (s Stats, stop bool) {
	h, p := tr.h, tr.p
	m, d, ad := len(mb), t.ObsDim, p.ActDim()
	tr.mbObs, tr.mbAct = grow(tr.mbObs, m*d), grow(tr.mbAct, m*ad)
	tr.mbOld, tr.mbAdv, tr.mbRet, tr.mbVOld = grow(tr.mbOld, m), grow(tr.mbAdv, m), grow(tr.mbRet, m), grow(tr.mbVOld, m)
	if cap(tr.mbImag) < m {
		tr.mbImag = make([]bool, m)
	}
	tr.mbImag = tr.mbImag[:m]
	for j, i := range mb {
		copy(tr.mbObs[j*d:(j+1)*d], t.Obs[i*d:(i+1)*d])
		copy(tr.mbAct[j*ad:(j+1)*ad], tr.actions[i*ad:(i+1)*ad])
		tr.mbOld[j], tr.mbAdv[j], tr.mbRet[j], tr.mbVOld[j] = t.LogProb[i], tr.adv[i], tr.ret[i], tr.value[i]
		tr.mbImag[j] = t.Imagined[i]
	}
	if h.NormAdv && !h.NormAdvBatch {
		tr.normalise(tr.mbAdv, tr.mbImag, 1)
	}
	s, _ = tr.evalLoss(tr.mbObs, tr.mbAct, tr.mbOld, tr.mbAdv, tr.mbRet, tr.mbVOld)
	if h.TargetKL > 0 && s.ApproxKL > 1.5*h.TargetKL {
		return s, true
	}
	nn.ZeroGrad(tr.params)
	p.Backward(tr.dLogp, tr.dEnt, tr.dVal)
	tr.clipGrads()
	p.Opt.Step()
	return s, false
}

// clipGrads clips the gradient norm when this update clips: over actor
// and critic together, or each separately with ClipPerNetwork.
func (tr *Trainer) clipGrads() {
	h := tr.h
	switch {
	case !tr.clipGrad:
	case h.ClipPerNetwork:
		nn.ClipGradNorm(tr.actorP, h.MaxGradNorm)
		nn.ClipGradNorm(tr.criticP, h.MaxGradNorm)
	default:
		nn.ClipGradNorm(tr.params, h.MaxGradNorm)
	}
}

// Loss returns the PPO loss PolicyLoss − EntCoef·Entropy + VFCoef·ValueLoss
// of one minibatch given per-row inputs (advantages already normalised;
// the clip range of the last Update, Clip before any),
// and with grad true adds its gradient into the policy's parameter
// gradients. It is the function each minibatch step differentiates,
// exposed for gradient checks.
func (tr *Trainer) Loss(obs, actions, oldLogp, adv, ret, vOld []float64, grad bool) float64 {
	_, loss := tr.evalLoss(obs, actions, oldLogp, adv, ret, vOld)
	if grad {
		tr.p.Backward(tr.dLogp, tr.dEnt, tr.dVal)
	}
	return loss
}

// evalLoss evaluates the policy on a minibatch, returns its statistics and
// loss, and leaves ∂loss/∂(logp, entropy, value) in dLogp, dEnt, dVal.
func (tr *Trainer) evalLoss(obs, actions, oldLogp, adv, ret, vOld []float64) (s Stats, loss float64) {
	h, p := tr.h, tr.p
	m := len(oldLogp)
	tr.logp, tr.ent, tr.val = grow(tr.logp, m), grow(tr.ent, m), grow(tr.val, m)
	tr.dLogp, tr.dEnt, tr.dVal = grow(tr.dLogp, m), grow(tr.dEnt, m), grow(tr.dVal, m)
	p.Evaluate(obs, actions, m, tr.logp, tr.ent, tr.val)
	inv := 1 / float64(m)
	clipped := 0
	for j := range m {
		lr := tr.logp[j] - oldLogp[j]
		r := detmath.Exp(lr)
		s.ApproxKL += (r - 1) - lr
		if math.Abs(r-1) > tr.clip {
			clipped++
		}
		pl, dl := Surrogate(tr.logp[j], oldLogp[j], adv[j], tr.clip)
		vl, dv := ValueLoss(tr.val[j], vOld[j], ret[j], h.ValueClip)
		s.PolicyLoss += pl
		s.ValueLoss += vl
		s.Entropy += tr.ent[j]
		tr.dLogp[j] = dl * inv
		tr.dEnt[j] = -h.EntCoef * inv
		tr.dVal[j] = h.VFCoef * dv * inv
	}
	s.PolicyLoss *= inv
	s.ValueLoss *= inv
	s.Entropy *= inv
	s.ApproxKL *= inv
	s.ClipFraction = float64(clipped) * inv
	return s, s.PolicyLoss - float64(h.EntCoef*s.Entropy) + float64(h.VFCoef*s.ValueLoss)
}

// normalise normalises the advantages a (imagined[i] tells whether row i
// is imagined) with ddof as normaliseGroup: all rows together, or with
// NormAdvSplit the real rows and the imagined rows each as a group of
// their own, so that neither kind's scale sets the other's step size.
func (tr *Trainer) normalise(a []float64, imagined []bool, ddof int) {
	if !tr.h.NormAdvSplit {
		if len(a) > ddof {
			normalise(a, ddof)
		}
		return
	}
	normaliseGroup(a, imagined, false, ddof)
	normaliseGroup(a, imagined, true, ddof)
}

// normaliseGroup normalises, as normalise, the entries a[i] with
// imagined[i] == group among themselves; a group with at most ddof
// entries (one row, per minibatch) is left as it is.
func normaliseGroup(a []float64, imagined []bool, group bool, ddof int) {
	k, mean := 0, 0.0
	for i, v := range a {
		if imagined[i] == group {
			k++
			mean += v
		}
	}
	if k <= ddof {
		return
	}
	mean /= float64(k)
	ss := 0.0
	for i, v := range a {
		if imagined[i] == group {
			ss += float64((v - mean) * (v - mean))
		}
	}
	std := math.Sqrt(ss / float64(k-ddof))
	for i, v := range a {
		if imagined[i] == group {
			a[i] = (v - mean) / (std + advEps)
		}
	}
}

// normalise sets a to (a − mean)/(std + advEps), std the standard
// deviation with ddof degrees of freedom removed: 1 for the unbiased one
// (torch.Tensor.std, SB3 and CleanRL per minibatch), 0 for the population
// one (the course template over the whole batch).
func normalise(a []float64, ddof int) {
	mean := 0.0
	for _, v := range a {
		mean += v
	}
	mean = float64(mean / float64(len(a))) // a power-of-two length becomes a product
	ss := 0.0
	for _, v := range a {
		ss += float64((v - mean) * (v - mean))
	}
	std := math.Sqrt(ss / float64(len(a)-ddof))
	for i, v := range a {
		a[i] = (v - mean) / (std + advEps)
	}
}

// explainedVariance returns 1 − Var(y − pred)/Var(y), NaN if Var(y) = 0.
func explainedVariance(y, pred []float64) float64 {
	n := float64(len(y))
	my, mr := 0.0, 0.0
	for i, v := range y {
		my += v
		mr += v - pred[i]
	}
	my /= n
	mr /= n
	vy, vr := 0.0, 0.0
	for i, v := range y {
		vy += float64((v - my) * (v - my))
		r := v - pred[i] - mr
		vr += float64(r * r)
	}
	if vy == 0 {
		return math.NaN()
	}
	return 1 - vr/vy
}

// shuffle is a Fisher–Yates shuffle drawing from rng (what rand.Shuffle
// does, without a closure).
func shuffle(idx []int, rng *rand.Rand) {
	for i := len(idx) - 1; i > 0; i-- {
		j := rng.IntN(i + 1)
		idx[i], idx[j] = idx[j], idx[i]
	}
}

func grow(s []float64, n int) []float64 {
	if cap(s) < n {
		return make([]float64, n)
	}
	return s[:n]
}

func growInt(s []int, n int) []int {
	if cap(s) < n {
		return make([]int, n)
	}
	return s[:n]
}
