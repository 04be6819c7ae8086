package plan

import (
	"fmt"

	"github.com/dynago/dynago/lib/dynamics"
	"github.com/dynago/dynago/lib/nn"
	"gonum.org/v1/gonum/floats"
)

// forward is a planning copy of an ensemble's networks, rearranged for
// evaluating many rows of one member at a time (see doc.go, Cost):
//
//   - the input and output normalisation is folded into the first and
//     last layers, so raw observations go in and raw state changes and
//     rewards come out;
//   - a discrete action's one-hot input is one added row of the first
//     layer's weights, not a product;
//   - weights are stored transposed (in×out), so a layer is a sum of
//     weight rows scaled by the nonzero inputs (axpy, vec.go),
//     and the hidden units that ReLU zeroed cost nothing;
//   - the last layer computes only the means it needs (state change,
//     reward, termination logit), not a probabilistic model's
//     log-variances.
//
// It gives the same predictions as Ensemble.Predict up to rounding.
type forward struct {
	obsDim, actDim int
	discrete       bool
	start          int
	act            nn.Activation
	nets           [][]layer // per member
	h, g           []float64 // scratch of the widest layer
}

// layer is y = act(b + Σ_j x_j·wt[j]) with wt in×out, except the last,
// whose weights are out×in and y_i = b_i + wt[i]·x.
type layer struct {
	in, out int
	wt, b   []float64
}

// newForward copies the weights of e.
func newForward(e *dynamics.Ensemble) (*forward, error) {
	c := &e.Config
	// The outputs planning needs, in the copy's order: Δs, reward,
	// termination logit.
	keepRows := make([]int, 0, c.ObsDim+2)
	for j := range c.ObsDim {
		keepRows = append(keepRows, dynamics.OutDelta+j)
	}
	keepRows = append(keepRows, c.OutReward(), c.OutTerm())
	f := &forward{obsDim: c.ObsDim, actDim: c.ActDim, discrete: c.Discrete, start: c.ActStart, act: c.Activation}
	widest := 0
	for k := 0; k < e.Members(); k++ {
		var net []layer
		layers := e.Layers(k)
		for l, src := range layers {
			in, out := src.In, src.Out
			if len(src.W) != in*out || len(src.B) != out {
				return nil, fmt.Errorf("plan: model member %d layer %d: weights of %d and %d values, want %d×%d and %d", k, l, len(src.W), len(src.B), out, in, out)
			}
			last := l+1 == len(layers)
			var ly layer
			if last {
				// out×in: one dot product per output.
				keep := len(keepRows)
				ly = layer{in: in, out: keep, wt: make([]float64, in*keep), b: make([]float64, keep)}
				for i, r := range keepRows {
					copy(ly.wt[i*in:(i+1)*in], src.W[r*in:(r+1)*in])
					ly.b[i] = src.B[r]
				}
				foldOutput(&ly, &e.Norm, c.ObsDim)
			} else {
				ly = layer{in: in, out: out, wt: make([]float64, in*out), b: append([]float64(nil), src.B...)}
				for i := 0; i < out; i++ {
					for j := 0; j < in; j++ {
						ly.wt[j*out+i] = src.W[i*in+j]
					}
				}
			}
			if l == 0 {
				foldInput(&ly, e.Norm.InMean, e.Norm.InStd)
			}
			widest = max(widest, ly.out)
			net = append(net, ly)
		}
		f.nets = append(f.nets, net)
	}
	f.h, f.g = make([]float64, widest), make([]float64, widest)
	return f, nil
}

// foldInput makes the layer take raw inputs x instead of (x-mean)/std.
func foldInput(ly *layer, mean, std []float64) {
	for j := 0; j < ly.in; j++ {
		row := ly.wt[j*ly.out : (j+1)*ly.out]
		floats.Scale(1/std[j], row)
		axpy(ly.b, -mean[j], row)
	}
}

// foldOutput makes the last layer (weights out×in) output raw state
// changes and rewards.
func foldOutput(ly *layer, nm *dynamics.Norm, d int) {
	scale := func(i int, s, m float64) {
		floats.Scale(s, ly.wt[i*ly.in:(i+1)*ly.in])
		ly.b[i] = float64(ly.b[i]*s) + m
	}
	for i := 0; i < d; i++ {
		scale(i, nm.DeltaStd[i], nm.DeltaMean[i])
	}
	scale(d, nm.RewardStd, nm.RewardMean)
}

// Members returns the number of members copied.
func (f *forward) Members() int { return len(f.nets) }

// Predict is Ensemble.Predict on the copy.
func (f *forward) Predict(k int, obs, act []float64, n int, delta, reward, termProb []float64) {
	net := f.nets[k]
	d, ad := f.obsDim, f.actDim
	first := &net[0]
	for i := 0; i < n; i++ {
		h := f.h[:first.out]
		copy(h, first.b)
		for j, v := range obs[i*d : (i+1)*d] {
			axpy(h, v, first.wt[j*first.out:(j+1)*first.out])
		}
		if f.discrete {
			a := d + int(act[i]) - f.start
			floats.Add(h, first.wt[a*first.out:(a+1)*first.out])
		} else {
			for j, v := range act[i*ad : (i+1)*ad] {
				axpy(h, v, first.wt[(d+j)*first.out:(d+j+1)*first.out])
			}
		}
		nn.Activate(f.act, h)
		g := f.g
		for l := 1; l+1 < len(net); l++ {
			ly := &net[l]
			y := g[:ly.out]
			copy(y, ly.b)
			for j, v := range h {
				if v != 0 {
					axpy(y, v, ly.wt[j*ly.out:(j+1)*ly.out])
				}
			}
			nn.Activate(f.act, y)
			h, g = y, h[:cap(h)]
		}
		last := &net[len(net)-1]
		out := func(o int) float64 { return last.b[o] + dot(h, last.wt[o*last.in:(o+1)*last.in]) }
		for j := 0; j < d; j++ {
			delta[i*d+j] = out(j)
		}
		reward[i] = out(d)
		termProb[i] = nn.Sigmoid(out(d + 1))
	}
}
