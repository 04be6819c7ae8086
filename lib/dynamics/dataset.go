package dynamics

import (
	"fmt"
	"math"

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
