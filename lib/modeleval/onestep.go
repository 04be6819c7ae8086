package modeleval

import (
	"cmp"
	"fmt"
	"math"
	"slices"

	"github.com/dynago/dynago/lib/dynamics"
	"github.com/dynago/dynago/lib/format"
	"github.com/dynago/dynago/lib/format/metric"
	"github.com/dynago/dynago/lib/stats"
)

// OneStep returns the one-step errors of the ensemble-mean prediction of e
// on the real transitions t (model_mse_delta, model_mse_delta_dim,
// model_mae_delta, model_mae_delta_dim, model_mse_reward,
// model_mae_reward, model_mse_next_obs) and, when e has more than one
// member, the calibration of its spread in varBins quantile bins
// (model_var_*). It panics if varBins < 1.
func OneStep(e *dynamics.Ensemble, t *format.Transitions, varBins int) ([]format.MetricRow, error) {
	return oneStep(fromEnsemble(e), t, varBins)
}

func oneStep(m *model, t *format.Transitions, varBins int) ([]format.MetricRow, error) {
	if varBins < 1 {
		panic(fmt.Sprintf("modeleval: OneStep: varBins %d < 1", varBins))
	}
	if err := m.check(t); err != nil {
		return nil, err
	}
	n, d := t.Len(), t.ObsDim
	ensemble := m.p.Members() > 1
	p := newPrediction(m, n, ensemble)
	p.run(m, t.Obs, actions(t), n)

	sqDim, absDim := make([]float64, d), make([]float64, d)
	sqNext, sqRew, absRew := 0.0, 0.0, 0.0
	for i := range n {
		for j := range d {
			x := p.delta[i*d+j] - (t.NextObs[i*d+j] - t.Obs[i*d+j])
			sqDim[j] += float64(x * x)
			absDim[j] += math.Abs(x)
			y := t.Obs[i*d+j] + p.delta[i*d+j] - t.NextObs[i*d+j]
			sqNext += float64(y * y)
		}
		x := p.reward[i] - t.Reward[i]
		sqRew += float64(x * x)
		absRew += math.Abs(x)
	}
	fn := float64(n)
	var r rows
	r.add(metric.ModelMSEDelta, format.NoIndex, sum(sqDim)/(fn*float64(d)))
	r.add(metric.ModelMAEDelta, format.NoIndex, sum(absDim)/(fn*float64(d)))
	for j := range d {
		r.add(metric.ModelMSEDeltaDim, j, sqDim[j]/fn)
	}
	for j := range d {
		r.add(metric.ModelMAEDeltaDim, j, absDim[j]/fn)
	}
	r.add(metric.ModelMSEReward, format.NoIndex, sqRew/fn)
	r.add(metric.ModelMAEReward, format.NoIndex, absRew/fn)
	r.add(metric.ModelMSENextObs, format.NoIndex, sqNext/(fn*float64(d)))
	if ensemble {
		calibration(&r, m, t, p, varBins)
	}
	return r, nil
}

// calibration adds the model_var_* rows: per row, the across-member
// variance of the predicted state change and the squared error of the
// mean prediction, each averaged over dimensions, on the model's
// normalised scale (primary) and in raw units (_raw).
func calibration(r *rows, m *model, t *format.Transitions, p *prediction, bins int) {
	n, d := t.Len(), t.ObsDim
	v, e := make([]float64, n), make([]float64, n)
	vRaw, eRaw := make([]float64, n), make([]float64, n)
	for i := range n {
		for j := range d {
			x := p.delta[i*d+j] - (t.NextObs[i*d+j] - t.Obs[i*d+j])
			s2 := m.deltaStd[j] * m.deltaStd[j]
			vRaw[i] += p.varDelta[i*d+j]
			eRaw[i] += float64(x * x)
			v[i] += p.varDelta[i*d+j] / s2
			e[i] += x * x / s2
		}
		vRaw[i] /= float64(d)
		eRaw[i] /= float64(d)
		v[i] /= float64(d)
		e[i] /= float64(d)
	}
	r.add(metric.ModelVarMean, format.NoIndex, mean(v))
	r.add(metric.ModelVarErrMean, format.NoIndex, mean(e))
	r.add(metric.ModelVarErrCorr, format.NoIndex, stats.Pearson(v, e))
	r.add(metric.ModelVarErrSpearman, format.NoIndex, stats.Spearman(v, e))
	r.add(metric.ModelVarMeanRaw, format.NoIndex, mean(vRaw))
	r.add(metric.ModelVarErrMeanRaw, format.NoIndex, mean(eRaw))
	r.add(metric.ModelVarErrCorrRaw, format.NoIndex, stats.Pearson(vRaw, eRaw))
	r.add(metric.ModelVarErrSpearmanRaw, format.NoIndex, stats.Spearman(vRaw, eRaw))
	bv, be, bc := quantileBins(v, e, bins)
	for b := range bv {
		r.add(metric.ModelVarBinVar, b, bv[b])
	}
	for b := range be {
		r.add(metric.ModelVarBinErr, b, be[b])
	}
	for b := range bc {
		r.add(metric.ModelVarBinCount, b, float64(bc[b]))
	}
}

// quantileBins sorts the pairs (x[i], y[i]) by x (ties in input order),
// splits them into min(bins, n) groups of sizes differing by at most one,
// and returns each group's mean x, mean y and size.
func quantileBins(x, y []float64, bins int) (mx, my []float64, count []int) {
	n := len(x)
	bins = min(bins, n)
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int { return cmp.Compare(x[a], x[b]) })
	mx, my, count = make([]float64, bins), make([]float64, bins), make([]int, bins)
	for b := range bins {
		lo, hi := b*n/bins, (b+1)*n/bins
		for _, i := range idx[lo:hi] {
			mx[b] += x[i]
			my[b] += y[i]
		}
		count[b] = hi - lo
		mx[b] /= float64(count[b])
		my[b] /= float64(count[b])
	}
	return mx, my, count
}

// OldNew returns model_mse_old and model_mse_new: model_mse_delta of e on
// transitions from an earlier policy (old) and from the current one (new).
func OldNew(e *dynamics.Ensemble, old, new *format.Transitions) ([]format.MetricRow, error) {
	return oldNew(fromEnsemble(e), old, new)
}

func oldNew(m *model, old, new *format.Transitions) ([]format.MetricRow, error) {
	var r rows
	for _, s := range []struct {
		name, metric string
		t            *format.Transitions
	}{{"old", metric.ModelMSEOld, old}, {"new", metric.ModelMSENew, new}} {
		if err := m.check(s.t); err != nil {
			return nil, fmt.Errorf("%s transitions: %w", s.name, err)
		}
		n, d := s.t.Len(), s.t.ObsDim
		p := newPrediction(m, n, false)
		p.run(m, s.t.Obs, actions(s.t), n)
		sq := 0.0
		for i := range n * d {
			x := p.delta[i] - (s.t.NextObs[i] - s.t.Obs[i])
			sq += float64(x * x)
		}
		r.add(s.metric, format.NoIndex, sq/float64(n*d))
	}
	return r, nil
}

func sum(x []float64) float64 {
	s := 0.0
	for _, v := range x {
		s += v
	}
	return s
}

func mean(x []float64) float64 { return sum(x) / float64(len(x)) }
