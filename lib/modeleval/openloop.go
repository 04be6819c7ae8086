package modeleval

import (
	"fmt"
	"math/rand/v2"
	"slices"

	"github.com/dynago/dynago/lib/dynamics"
	"github.com/dynago/dynago/lib/format"
	"github.com/dynago/dynago/lib/format/metric"
)

// minVar replaces a held-out state variance below it (a constant
// dimension) by 1 in model_ek_norm.
const minVar = 1e-12

// OpenLoop returns the open-loop errors of e along the trajectories of the
// real transitions t for k = 1..maxK: model_ek, model_ek_norm and
// model_ek_count, each with index k. From each start row the model
// predicts k steps ahead from its own predicted states, with the real
// actions, and is compared with the real state k steps later; see the
// package documentation for which windows count. starts > 0 evaluates
// only that many start rows, drawn uniformly without replacement with
// rng; starts == 0 (or >= t.Len()) uses every row and rng may be nil. It
// panics if maxK < 1 or starts < 0.
func OpenLoop(e *dynamics.Ensemble, t *format.Transitions, maxK, starts int, rng *rand.Rand) ([]format.MetricRow, error) {
	return openLoop(fromEnsemble(e), t, maxK, starts, rng)
}

func openLoop(m *model, t *format.Transitions, maxK, starts int, rng *rand.Rand) ([]format.MetricRow, error) {
	if maxK < 1 || starts < 0 {
		panic(fmt.Sprintf("modeleval: OpenLoop: maxK %d < 1 or starts %d < 0", maxK, starts))
	}
	if err := m.check(t); err != nil {
		return nil, err
	}
	n, d, ad := t.Len(), t.ObsDim, m.cfg.ActDim
	span := horizons(t, maxK)
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	if starts > 0 && starts < n {
		if rng == nil {
			panic("modeleval: OpenLoop: a subsample of starts needs a random source")
		}
		rng.Shuffle(n, func(i, j int) { idx[i], idx[j] = idx[j], idx[i] })
		idx = idx[:starts]
		slices.Sort(idx)
	}
	scale := stateVariance(t)
	act := actions(t)

	ns := len(idx)
	state := make([]float64, ns*d) // predicted state of each live start
	for s, i := range idx {
		copy(state[s*d:(s+1)*d], t.Obs[i*d:(i+1)*d])
	}
	a := make([]float64, ns*ad)
	p := newPrediction(m, ns, false)
	var r rows
	var norm, count rows
	for k := 1; k <= maxK; k++ {
		// Keep the starts with k real steps ahead, in place.
		live := 0
		for s, i := range idx {
			if span[i] >= k {
				idx[live] = i
				copy(state[live*d:(live+1)*d], state[s*d:(s+1)*d])
				live++
			}
		}
		idx = idx[:live]
		if live == 0 {
			break
		}
		for s, i := range idx {
			row := i + k - 1
			copy(a[s*ad:(s+1)*ad], act[row*ad:(row+1)*ad])
		}
		p.run(m, state[:live*d], a[:live*ad], live)
		sq, sqNorm := 0.0, 0.0
		for s, i := range idx {
			want := t.NextObs[(i+k-1)*d : (i+k)*d]
			for j := range d {
				state[s*d+j] += p.delta[s*d+j]
				x := state[s*d+j] - want[j]
				sq += float64(x * x)
				sqNorm += x * x / scale[j]
			}
		}
		den := float64(live * d)
		r.add(metric.ModelEk, k, sq/den)
		norm.add(metric.ModelEkNorm, k, sqNorm/den)
		count.add(metric.ModelEkCount, k, float64(live))
	}
	return slices.Concat(r, norm, count), nil
}

// horizons returns, for each row i, how many real steps (at most maxK)
// follow from i along its trajectory: row i+1 continues row i when it is
// the same episode, its step is one more, its obs is row i's next_obs
// exactly, and row i is neither terminated nor truncated.
func horizons(t *format.Transitions, maxK int) []int {
	n, d := t.Len(), t.ObsDim
	span := make([]int, n)
	for i := n - 1; i >= 0; i-- {
		span[i] = 1
		if i+1 < n && !t.Terminated[i] && !t.Truncated[i] &&
			t.Episode[i+1] == t.Episode[i] && t.Step[i+1] == t.Step[i]+1 &&
			slices.Equal(t.Obs[(i+1)*d:(i+2)*d], t.NextObs[i*d:(i+1)*d]) {
			span[i] = min(maxK, span[i+1]+1)
		}
	}
	return span
}

// stateVariance returns the population variance of each dimension of t's
// observations, with values below minVar replaced by 1.
func stateVariance(t *format.Transitions) []float64 {
	n, d := t.Len(), t.ObsDim
	mu, v := make([]float64, d), make([]float64, d)
	for i := range n {
		for j := range d {
			mu[j] += t.Obs[i*d+j]
		}
	}
	for j := range mu {
		mu[j] /= float64(n)
	}
	for i := range n {
		for j := range d {
			x := t.Obs[i*d+j] - mu[j]
			v[j] += float64(x * x)
		}
	}
	for j := range v {
		if v[j] /= float64(n); v[j] < minVar {
			v[j] = 1
		}
	}
	return v
}
