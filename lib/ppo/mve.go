package ppo

import (
	"math"
	"math/rand/v2"

	"github.com/dynago/dynago/lib/dynamics"
)

// Model predicts one step of the environment for n observations (n×d)
// and actions (n×actDim): the next observations, the rewards and whether
// each next observation is terminal. Model-based value expansion (MVE)
// rolls the policy through it.
type Model interface {
	Step(obs, act []float64, n int, next, reward []float64, term []bool)
}

// EnsembleModel is a Model from a dynamics ensemble: the members' mean
// state change and reward, and the environment's termination rule on the
// predicted observation. Continuous actions are clipped to [Low, High]
// (nil: no bounds) before they reach the model, as the environment clips
// them.
type EnsembleModel struct {
	E         *dynamics.Ensemble
	Terminal  dynamics.Terminal // nil: never terminal
	Low, High []float64

	in, pd, pr, pt, md, mr []float64
}

// Step implements Model.
func (m *EnsembleModel) Step(obs, act []float64, n int, next, reward []float64, term []bool) {
	c := &m.E.Config
	d, ad, k := c.ObsDim, c.ActDim, m.E.Members()
	m.in = grow(m.in, n*ad)
	copy(m.in, act[:n*ad])
	if m.Low != nil {
		for i := range m.in {
			m.in[i] = math.Max(m.Low[i%ad], math.Min(m.High[i%ad], m.in[i]))
		}
	}
	m.pd, m.pr, m.pt = grow(m.pd, k*n*d), grow(m.pr, k*n), grow(m.pt, k*n)
	m.md, m.mr = grow(m.md, n*d), grow(m.mr, n)
	m.E.PredictAll(obs[:n*d], m.in, n, m.pd, m.pr, m.pt)
	m.E.Spread(m.pd, m.pr, m.pt, n, m.md, m.mr, nil, nil, nil)
	for i := range n {
		for j := range d {
			next[i*d+j] = obs[i*d+j] + m.md[i*d+j]
		}
		reward[i] = m.mr[i]
		term[i] = m.Terminal != nil && m.Terminal(next[i*d:(i+1)*d])
	}
}

// ValuePolicy is what value expansion needs of agent.Policy: actions
// sampled for a batch of observations, and the critic's values.
type ValuePolicy interface {
	ActBatch(obs []float64, n int, rng *rand.Rand, greedy bool, actions, logp, value []float64)
	Value(obs []float64, n int, dst []float64)
}

// Expander computes model-based value expansion targets (Feinberg et al.
// 2018, MVE): for a real transition (s, a, r, s', done),
//
//	y = r + γ(1−done)·G_H(s'),  G_0(s) = V(s),
//	G_k(s) = r̂(s, â) + γ(1−d̂)·G_{k−1}(ŝ'),  â ~ π(·|s),
//
// that is H model steps with the current policy after the real one and the
// critic's value at the end; a predicted terminal state ends the sum. H = 0
// is the one-step TD target. It holds buffers only.
type Expander struct {
	Horizon int
	Gamma   float64

	rows                    []int // rows still expanding, as indices into the targets
	x, next, act            []float64
	rew, logp, val, disc, y []float64
	term                    []bool
}

// Targets writes into y (n) the expansion targets of n transitions with
// rewards r, next observations nextObs (n×d) and terminal flags done,
// acting with p through m (rng samples the actions), and returns the
// number of model steps taken.
func (e *Expander) Targets(p ValuePolicy, m Model, r, nextObs []float64, done []bool, n, d, actDim int, rng *rand.Rand, y []float64) int {
	e.rows, e.disc = growInt(e.rows, n)[:0], grow(e.disc, n)
	e.x, e.next = grow(e.x, n*d), grow(e.next, n*d)
	e.act, e.rew, e.logp, e.val = grow(e.act, n*actDim), grow(e.rew, n), grow(e.logp, n), grow(e.val, n)
	if cap(e.term) < n {
		e.term = make([]bool, n)
	}
	e.term = e.term[:n]
	for i := range n {
		y[i] = r[i]
		if !done[i] {
			copy(e.x[len(e.rows)*d:], nextObs[i*d:(i+1)*d])
			e.rows = append(e.rows, i)
			e.disc[i] = e.Gamma
		}
	}
	steps := 0
	for range e.Horizon {
		k := len(e.rows)
		if k == 0 {
			break
		}
		p.ActBatch(e.x[:k*d], k, rng, false, e.act[:k*actDim], e.logp[:k], e.val[:k])
		m.Step(e.x[:k*d], e.act[:k*actDim], k, e.next[:k*d], e.rew[:k], e.term[:k])
		steps += k
		alive := 0
		for j, i := range e.rows {
			y[i] += float64(e.disc[i] * e.rew[j])
			if e.term[j] {
				continue
			}
			e.disc[i] *= e.Gamma
			copy(e.x[alive*d:(alive+1)*d], e.next[j*d:(j+1)*d])
			e.rows[alive] = i
			alive++
		}
		e.rows = e.rows[:alive]
	}
	if k := len(e.rows); k > 0 {
		p.Value(e.x[:k*d], k, e.val[:k])
		for j, i := range e.rows {
			y[i] += float64(e.disc[i] * e.val[j])
		}
	}
	return steps
}
