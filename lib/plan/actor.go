package plan

import (
	"math"
	"math/rand/v2"
)

// Actor lets an agent.Runner act with a CEM planner: it plans at every
// real step, tells the planner each real step (Observe, for OffsetRate)
// and forgets the warm start when an episode ends. It counts the steps
// planned and the model rows they evaluated. Planned actions have no
// log-probability or value (NaN).
type Actor struct {
	CEM         *CEM
	Steps, Rows int64 // real steps planned and model rows evaluated
}

// Act implements agent.Actor.
func (a *Actor) Act(obs []float64, rng *rand.Rand, action []float64) (logp, value float64, err error) {
	info, err := a.CEM.Act(obs, rng, action)
	if err != nil {
		return math.NaN(), math.NaN(), err
	}
	a.Steps++
	a.Rows += int64(info.Rows)
	return math.NaN(), math.NaN(), nil
}

// Observe implements agent.Actor.
func (a *Actor) Observe(obs, action, next []float64, ended bool) {
	a.CEM.Observe(obs, action, next)
	if ended {
		a.CEM.Reset()
	}
}

// RowsPerStep is the mean number of model rows evaluated per planned step
// (0 before the first).
func (a *Actor) RowsPerStep() float64 {
	if a.Steps == 0 {
		return 0
	}
	return float64(a.Rows) / float64(a.Steps)
}
