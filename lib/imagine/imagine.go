package imagine

import (
	"math"
	"math/rand/v2"

	"github.com/dynago/dynago/lib/detmath"
	"github.com/dynago/dynago/lib/dynamics"
	"github.com/dynago/dynago/lib/format"
)

// Policy is what imagination needs of agent.Policy; tests supply a fake.
type Policy interface {
	ObsDim() int
	ActDim() int
	Discrete() bool
	ActBatch(obs []float64, n int, rng *rand.Rand, greedy bool, actions, logp, value []float64)
}

// Ways to propagate a rollout through the ensemble.
const (
	PropRandom = "random" // a random member each step (PETS TS1, MBPO)
	PropMember = "member" // one member, drawn at the start, per rollout (PETS TS-∞)
	PropMean   = "mean"   // the mean across members, no sampling
)

// Propagations are the ways to propagate, in the order help texts list them.
var Propagations = []string{PropRandom, PropMember, PropMean}

// TermModes are the termination modes of imagined steps:
// dynamics.TermModel (the learned head, p > 0.5; the members' mean for
// PropMean), dynamics.TermEnv (the environment's rule on the predicted
// next observation) and dynamics.TermCourse (terminal with probability
// 0.05).
var TermModes = []dynamics.TermMode{dynamics.TermModel, dynamics.TermEnv, dynamics.TermCourse}

// courseTermProb is the course's chance that an imagined step ends the
// rollout.
const courseTermProb = 0.05

// Rollout configures imagination.
type Rollout struct {
	Batches, Horizon int
	Propagation      string
	Termination      dynamics.TermMode // one of TermModes
	Terminal         dynamics.Terminal // for dynamics.TermEnv
	HorizonTerminal  bool              // mark the horizon's last step terminated (the course) instead of truncated
	Gate             float64           // keep steps with var_delta < Gate and cut the rollout at the first other; +Inf disables
	Noise            float64           // std of Gaussian noise added to predicted state change and reward, raw units
	// Penalty λ is MOPO's reward penalty: each imagined reward becomes
	// r̂ − λ·u with u = √var_delta, the members' standard deviation of the
	// predicted state change (normalised targets, root mean square over
	// dimensions). MOPO's u is the largest predicted standard deviation of
	// probabilistic members; the disagreement of the members is the
	// estimate every ensemble here has (0 for one member). 0 disables.
	Penalty   float64
	Low, High []float64 // continuous action bounds the model's input is clipped to; nil: none
}

// Stats summarises one imagination.
type Stats struct {
	Simulated    int     // model steps taken, including steps cut by the gate
	Kept         int     // steps written
	MeanPenalty  float64 // mean λ·u taken off the kept steps' rewards (NaN if none)
	MeanVarDelta float64 // mean var_delta over the kept steps (NaN if none)
}

// step is one imagined transition of one rollout.
type step struct {
	obs, act, next        []float64
	reward, logp, value   float64
	varDelta, varReward   float64
	terminated, truncated bool
}

// Imagine runs r.Batches rollouts of up to r.Horizon steps from start
// states drawn uniformly (with replacement) from buf's observations, acting
// with p. Rollout b is episode -(b+1), its steps numbered from 0; rows are
// written rollout by rollout. polRNG drives the policy; rng the start
// states, member choices, trajectory samples, noise and the course's coin
// flips.
//
// With PropRandom and PropMember a probabilistic model's step is sampled
// as in PETS' trajectory sampling: s' = s + μ_k + σ_k·ε and r = μ_r,k +
// σ_r,k·ε' with ε, ε' standard normal (ObsDim draws, then one), μ and σ²
// member k's predicted mean and variance in raw units. A deterministic
// model, and PropMean, use the mean.
func Imagine(model *dynamics.Ensemble, p Policy, buf *format.Transitions, r Rollout, polRNG, rng *rand.Rand) (*format.Transitions, Stats) {
	c := &model.Config
	d, ad, m, nb := c.ObsDim, c.ActDim, model.Members(), r.Batches
	obs := make([]float64, nb*d)
	for b := 0; b < nb; b++ {
		i := rng.IntN(buf.Len())
		copy(obs[b*d:(b+1)*d], buf.Obs[i*d:(i+1)*d])
	}
	memberOf := make([]int, nb)
	if r.Propagation == PropMember {
		for b := range memberOf {
			memberOf[b] = rng.IntN(m)
		}
	}
	var (
		alive          = make([]int, nb) // indices of rollouts still running
		rolls          = make([][]step, nb)
		x              = make([]float64, nb*d)
		act, in        = make([]float64, nb*ad), make([]float64, nb*ad)
		logp, value    = make([]float64, nb), make([]float64, nb)
		pd             = make([]float64, m*nb*d)
		pr, pt         = make([]float64, m*nb), make([]float64, m*nb)
		sample         = c.Probabilistic && r.Propagation != PropMean
		pdv, prv       []float64 // members' own variances when sampling
		md             = make([]float64, nb*d)
		mr, mt, vd, vr = make([]float64, nb), make([]float64, nb), make([]float64, nb), make([]float64, nb)
		st             Stats
		sumVar, sumPen float64
	)
	for b := range alive {
		alive[b] = b
	}
	if sample {
		pdv, prv = make([]float64, m*nb*d), make([]float64, m*nb)
	}
	for h := 0; h < r.Horizon && len(alive) > 0; h++ {
		n := len(alive)
		for i, b := range alive {
			copy(x[i*d:(i+1)*d], obs[b*d:(b+1)*d])
		}
		p.ActBatch(x[:n*d], n, polRNG, false, act[:n*ad], logp[:n], value[:n])
		copy(in, act[:n*ad])
		if r.Low != nil {
			for i := 0; i < n*ad; i++ {
				in[i] = math.Max(r.Low[i%ad], math.Min(r.High[i%ad], in[i]))
			}
		}
		if sample {
			model.PredictAllVar(x[:n*d], in[:n*ad], n, pd[:m*n*d], pr[:m*n], pt[:m*n], pdv[:m*n*d], prv[:m*n])
		} else {
			model.PredictAll(x[:n*d], in[:n*ad], n, pd[:m*n*d], pr[:m*n], pt[:m*n])
		}
		model.Spread(pd[:m*n*d], pr[:m*n], pt[:m*n], n, md[:n*d], mr[:n], mt[:n], vd[:n], vr[:n])
		next := alive[:0]
		for i, b := range alive {
			st.Simulated++
			if vd[i] >= r.Gate {
				cutLast(rolls[b])
				continue
			}
			s := step{
				obs: append([]float64(nil), x[i*d:(i+1)*d]...), act: append([]float64(nil), act[i*ad:(i+1)*ad]...),
				next: make([]float64, d), logp: logp[i], value: value[i], varDelta: vd[i], varReward: vr[i],
			}
			k := memberOf[b]
			if r.Propagation == PropRandom {
				k = rng.IntN(m)
			}
			delta, reward, term := pd[(k*n+i)*d:(k*n+i+1)*d], pr[k*n+i], pt[k*n+i]
			if r.Propagation == PropMean {
				delta, reward, term = md[i*d:(i+1)*d], mr[i], mt[i]
			}
			for j := range s.next {
				s.next[j] = s.obs[j] + delta[j]
			}
			if sample {
				for j := range s.next {
					s.next[j] += float64(math.Sqrt(pdv[(k*n+i)*d+j]) * detmath.NormFloat64(rng))
				}
				reward += float64(math.Sqrt(prv[k*n+i]) * detmath.NormFloat64(rng))
			}
			for j := range s.next {
				if r.Noise > 0 {
					s.next[j] += float64(r.Noise * detmath.NormFloat64(rng))
				}
			}
			s.reward = reward
			if r.Noise > 0 {
				s.reward += float64(r.Noise * detmath.NormFloat64(rng))
			}
			if r.Penalty > 0 {
				pen := float64(r.Penalty * math.Sqrt(vd[i]))
				s.reward -= pen
				sumPen += pen
			}
			switch r.Termination {
			case dynamics.TermModel:
				s.terminated = term > 0.5
			case dynamics.TermEnv:
				s.terminated = r.Terminal(s.next)
			case dynamics.TermCourse:
				s.terminated = rng.Float64() < courseTermProb
			}
			if h == r.Horizon-1 && !s.terminated {
				s.terminated, s.truncated = r.HorizonTerminal, !r.HorizonTerminal
			}
			rolls[b] = append(rolls[b], s)
			st.Kept++
			sumVar += s.varDelta
			copy(obs[b*d:(b+1)*d], s.next)
			if !s.terminated && !s.truncated {
				next = append(next, b)
			}
		}
		alive = next
	}
	st.MeanVarDelta, st.MeanPenalty = math.NaN(), math.NaN()
	if st.Kept > 0 {
		st.MeanVarDelta = sumVar / float64(st.Kept)
		st.MeanPenalty = sumPen / float64(st.Kept)
	}
	out := format.NewTransitions(d, ad, c.Discrete, st.Kept)
	for b, steps := range rolls {
		for h, s := range steps {
			out.AppendRow(format.Row{Episode: -int64(b + 1), Step: int64(h), Obs: s.obs,
				Action: int64(s.act[0]), ActionVec: s.act, Reward: s.reward, NextObs: s.next,
				Terminated: s.terminated, Truncated: s.truncated, LogProb: s.logp, Value: s.value,
				Imagined: true, VarDelta: s.varDelta, VarReward: s.varReward})
		}
	}
	return out, st
}

// cutLast marks the last kept step of a rollout the gate cut as
// truncated: PPO bootstraps from V of its next observation.
func cutLast(steps []step) {
	if n := len(steps); n > 0 && !steps[n-1].terminated {
		steps[n-1].truncated = true
	}
}
