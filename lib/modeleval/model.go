package modeleval

import (
	"fmt"
	"math"

	"github.com/dynago/dynago/lib/dynamics"
	"github.com/dynago/dynago/lib/format"
)

// predictor is the part of *dynamics.Ensemble the analysis uses; tests
// substitute exact models.
type predictor interface {
	Members() int
	Predict(k int, obs, act []float64, n int, delta, reward, termProb []float64)
}

// model is a predictor with the spaces it accepts and the scale of its
// state-change targets.
type model struct {
	p        predictor
	cfg      dynamics.Config // only the space fields are used
	deltaStd []float64       // ObsDim standard deviations normalising predicted state changes
}

func fromEnsemble(e *dynamics.Ensemble) *model {
	return &model{p: e, cfg: e.Config, deltaStd: e.Norm.DeltaStd}
}

// check reports why t cannot be fed to m: another layout, an action
// outside the model's range, an imagined row or no rows at all.
func (m *model) check(t *format.Transitions) error {
	c := &m.cfg
	switch {
	case t.Len() == 0:
		return fmt.Errorf("no transitions")
	case t.ObsDim != c.ObsDim:
		return fmt.Errorf("obs_dim %d, the model's is %d", t.ObsDim, c.ObsDim)
	case t.Discrete != c.Discrete:
		return fmt.Errorf("%s actions, the model's are %s", actionKind(t.Discrete), actionKind(c.Discrete))
	case !t.Discrete && t.ActDim != c.ActDim:
		return fmt.Errorf("act_dim %d, the model's is %d", t.ActDim, c.ActDim)
	}
	for i := range t.Len() {
		if len(t.Imagined) > 0 && t.Imagined[i] {
			return fmt.Errorf("row %d is imagined; evaluate on real transitions", i)
		}
		if t.Discrete {
			if a := t.Action[i]; a < int64(c.ActStart) || a >= int64(c.ActStart+c.NumActions) {
				return fmt.Errorf("row %d: action %d outside the model's %d actions from %d", i, a, c.NumActions, c.ActStart)
			}
		}
	}
	return nil
}

func actionKind(discrete bool) string {
	if discrete {
		return format.ActionDiscrete
	}
	return format.ActionContinuous
}

// actions returns t's actions as the model takes them: n×ActDim values, a
// discrete action as its integer value.
func actions(t *format.Transitions) []float64 {
	if !t.Discrete {
		return t.ActionVec
	}
	a := make([]float64, t.Len())
	for i, v := range t.Action {
		a[i] = float64(v)
	}
	return a
}

// prediction holds the ensemble-mean outputs for up to a fixed number of
// rows and the scratch one member's outputs need.
type prediction struct {
	delta, reward []float64 // mean over members, raw units: n×ObsDim and n
	varDelta      []float64 // across-member variance (divisor M) of the state change, raw units, n×ObsDim; nil unless asked for
	all           []float64 // every member's state changes, M×n×ObsDim; only with variances
	md, mr, mt    []float64 // one member's outputs
}

func newPrediction(m *model, n int, variance bool) *prediction {
	d := m.cfg.ObsDim
	p := &prediction{
		delta: make([]float64, n*d), reward: make([]float64, n),
		md: make([]float64, n*d), mr: make([]float64, n), mt: make([]float64, n),
	}
	if variance {
		p.varDelta = make([]float64, n*d)
		p.all = make([]float64, m.p.Members()*n*d)
	}
	return p
}

// run predicts n rows with every member and writes the mean (and, if p
// was made for it, the variance) over members into p's first n rows.
func (p *prediction) run(m *model, obs, act []float64, n int) {
	d, nm := m.cfg.ObsDim, m.p.Members()
	delta, reward := p.delta[:n*d], p.reward[:n]
	clear(delta)
	clear(reward)
	for k := range nm {
		md := p.md[:n*d]
		if p.all != nil {
			md = p.all[k*n*d : (k+1)*n*d]
		}
		m.p.Predict(k, obs, act, n, md, p.mr[:n], p.mt[:n])
		for i, v := range md {
			delta[i] += v
		}
		for i, v := range p.mr[:n] {
			reward[i] += v
		}
	}
	inv := 1 / float64(nm)
	for i := range delta {
		delta[i] *= inv
	}
	for i := range reward {
		reward[i] *= inv
	}
	if p.all == nil {
		return
	}
	vd := p.varDelta[:n*d]
	clear(vd)
	for k := range nm {
		for i, v := range p.all[k*n*d : (k+1)*n*d] {
			x := v - delta[i]
			vd[i] += float64(x * x)
		}
	}
	for i := range vd {
		vd[i] *= inv
	}
}

// rows collects metric rows, leaving out values that are not finite (a
// correlation of a constant, an open-loop error that overflowed): the
// metrics format holds finite values only.
type rows []format.MetricRow

func (r *rows) add(metric string, index int, v float64) {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return
	}
	*r = append(*r, format.MetricRow{Metric: metric, Index: int64(index), Value: v})
}
