package dynamics

import (
	"fmt"
	"math"

	"github.com/dynago/dynago/lib/env"
	"github.com/dynago/dynago/lib/format"
)

// Dataset is the training view of real transitions: raw observations,
// actions (a discrete action as its integer value), state changes
// NextObs - Obs, rewards and termination flags (1 terminated, 0 not; a
// truncated step is not terminal).
type Dataset struct {
	N      int
	ObsDim int
	ActDim int
	Obs    []float64 // N×ObsDim
	Act    []float64 // N×ActDim
	Delta  []float64 // N×ObsDim
	Reward []float64 // N
	Term   []float64 // N
	// Twin is 0, or (after Mirror) the number of original rows: row
	// i + Twin is the reflection of row i for i < Twin. Fit keeps twins
	// on the same side of its holdout split.
	Twin int
}

// Mirror returns d followed by its reflection under s: a dataset of
// 2·N rows whose row N + i is row i with the observation and state change
// reflected by s.Obs, the action by s's action map (start is the discrete
// space's first action) and the same reward and termination. The
// reflection of a real transition is a real transition of a symmetric
// environment (env.Symmetry), so a model fitted on both learns dynamics,
// reward and termination that respect the symmetry, including in the
// half of the state space the data have not visited. d is unchanged.
func (d *Dataset) Mirror(s env.Symmetry, start int) (*Dataset, error) {
	if d.Twin != 0 {
		return nil, fmt.Errorf("dynamics: mirror: the data are already mirrored")
	}
	if len(s.Obs) != d.ObsDim {
		return nil, fmt.Errorf("dynamics: mirror: the symmetry has %d observation components, the data %d", len(s.Obs), d.ObsDim)
	}
	discrete := s.Action != nil
	if !discrete && len(s.ActionSign) != d.ActDim || discrete && d.ActDim != 1 {
		return nil, fmt.Errorf("dynamics: mirror: the symmetry's actions do not fit the data's (%d components)", d.ActDim)
	}
	n, od, ad := d.N, d.ObsDim, d.ActDim
	m := &Dataset{N: 2 * n, ObsDim: od, ActDim: ad, Twin: n,
		Obs: make([]float64, 2*n*od), Act: make([]float64, 2*n*ad), Delta: make([]float64, 2*n*od),
		Reward: append(append(make([]float64, 0, 2*n), d.Reward[:n]...), d.Reward[:n]...),
		Term:   append(append(make([]float64, 0, 2*n), d.Term[:n]...), d.Term[:n]...),
	}
	copy(m.Obs, d.Obs[:n*od])
	copy(m.Act, d.Act[:n*ad])
	copy(m.Delta, d.Delta[:n*od])
	for i := 0; i < n; i++ {
		if discrete {
			a := d.Act[i]
			if k := int(a) - start; k < 0 || k >= len(s.Action) || float64(k+start) != a {
				return nil, fmt.Errorf("dynamics: mirror: row %d: action %g outside the %d actions from %d", i, a, len(s.Action), start)
			}
		}
		s.MirrorObs(m.Obs[(n+i)*od:(n+i+1)*od], d.Obs[i*od:(i+1)*od])
		s.MirrorObs(m.Delta[(n+i)*od:(n+i+1)*od], d.Delta[i*od:(i+1)*od])
		s.MirrorAction(m.Act[(n+i)*ad:(n+i+1)*ad], d.Act[i*ad:(i+1)*ad], start)
	}
	return m, nil
}

// NewDataset builds a Dataset from t. Imagined rows are an error: the
// model learns from real transitions only (see Newest).
func NewDataset(t *format.Transitions) (*Dataset, error) {
	n := len(t.Reward)
	d := &Dataset{N: n, ObsDim: t.ObsDim, ActDim: t.ActDim,
		Obs: t.Obs, Reward: t.Reward,
		Delta: make([]float64, n*t.ObsDim), Term: make([]float64, n)}
	if t.Discrete {
		d.ActDim = 1
		d.Act = make([]float64, n)
		for i, a := range t.Action {
			d.Act[i] = float64(a)
		}
	} else {
		d.Act = t.ActionVec
	}
	for i := range d.Delta {
		d.Delta[i] = t.NextObs[i] - t.Obs[i]
	}
	for i := 0; i < n; i++ {
		if t.Imagined != nil && t.Imagined[i] {
			return nil, fmt.Errorf("dynamics: row %d is imagined; fit on real transitions", i)
		}
		if t.Terminated[i] {
			d.Term[i] = 1
		}
	}
	for _, x := range [][]float64{d.Obs, d.Act, d.Delta, d.Reward} {
		for i, v := range x {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, fmt.Errorf("dynamics: non-finite value %v at flat index %d", v, i)
			}
		}
	}
	return d, nil
}

// Newest returns the last size real (not imagined) rows of the
// concatenation of ts, in order, as one Transitions with the metadata of
// the last input. All inputs must have the same observation and action
// layout. size <= 0 keeps every real row. When that is all of one input,
// the input itself is returned, not a copy.
func Newest(ts []*format.Transitions, size int) (*format.Transitions, error) {
	if len(ts) == 0 {
		return nil, fmt.Errorf("dynamics: no transitions")
	}
	first := ts[0]
	total := 0
	for k, t := range ts {
		if t.ObsDim != first.ObsDim || t.Discrete != first.Discrete || t.ActDim != first.ActDim {
			return nil, fmt.Errorf("dynamics: input %d has obs_dim %d, discrete %v, act_dim %d; input 0 has %d, %v, %d",
				k, t.ObsDim, t.Discrete, t.ActDim, first.ObsDim, first.Discrete, first.ActDim)
		}
		for i := range t.Reward {
			if !isImagined(t, i) {
				total++
			}
		}
	}
	skip := 0
	if size > 0 && total > size {
		skip = total - size
	}
	if len(ts) == 1 && skip == 0 && total == first.Len() {
		return first, nil
	}
	out := format.NewTransitions(first.ObsDim, first.ActDim, first.Discrete, total-skip)
	out.Meta = ts[len(ts)-1].Meta
	od, ad := first.ObsDim, first.ActDim
	for _, t := range ts {
		for i := range t.Reward {
			if isImagined(t, i) {
				continue
			}
			if skip > 0 {
				skip--
				continue
			}
			out.Episode = append(out.Episode, t.Episode[i])
			out.Step = append(out.Step, t.Step[i])
			out.Obs = append(out.Obs, t.Obs[i*od:(i+1)*od]...)
			out.NextObs = append(out.NextObs, t.NextObs[i*od:(i+1)*od]...)
			if t.Discrete {
				out.Action = append(out.Action, t.Action[i])
			} else {
				out.ActionVec = append(out.ActionVec, t.ActionVec[i*ad:(i+1)*ad]...)
			}
			out.Reward = append(out.Reward, t.Reward[i])
			out.Terminated = append(out.Terminated, t.Terminated[i])
			out.Truncated = append(out.Truncated, t.Truncated[i])
			out.LogProb = append(out.LogProb, at(t.LogProb, i))
			out.Value = append(out.Value, at(t.Value, i))
			out.Imagined = append(out.Imagined, false)
			out.VarDelta = append(out.VarDelta, at(t.VarDelta, i))
			out.VarReward = append(out.VarReward, at(t.VarReward, i))
		}
	}
	return out, nil
}

func isImagined(t *format.Transitions, i int) bool { return t.Imagined != nil && t.Imagined[i] }

// at returns x[i], or NaN (unknown) when the column is absent.
func at(x []float64, i int) float64 {
	if x == nil {
		return math.NaN()
	}
	return x[i]
}
