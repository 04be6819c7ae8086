package dynamics

// The output layout of a member's last layer (Config.OutDim values per
// row): the normalised state change from OutDelta (ObsDim values), the
// normalised reward at OutReward, the termination logit at OutTerm and,
// for a probabilistic model, the raw log-variances of the state change
// (ObsDim values) and of the reward from OutLogVar. Readers of a
// member's outputs (Predict, the loss, lib/plan) index by these.
const OutDelta = 0

// OutReward is the index of the normalised reward output.
func (c *Config) OutReward() int { return c.ObsDim }

// OutTerm is the index of the termination logit.
func (c *Config) OutTerm() int { return c.ObsDim + 1 }

// OutLogVar is the index of the first raw log-variance (probabilistic
// models only): ObsDim for the state change, then one for the reward.
func (c *Config) OutLogVar() int { return c.ObsDim + 2 }

// Layer is one dense layer of a member's network: y = W·x + b, W Out×In
// row-major, followed by Config.Activation except after the last layer.
// The network's input is the normalised observation and action encoding
// (Norm.InMean, Norm.InStd; a discrete action one-hot from ActStart), its
// output the layout above on normalised targets (Norm.DeltaMean,
// DeltaStd, RewardMean, RewardStd).
type Layer struct {
	In, Out int
	W, B    []float64
}

// Layers returns member k's layers, input first. The slices are the
// model's own weights: read them, do not write them.
func (e *Ensemble) Layers(k int) []Layer {
	net := e.members[k].net
	ls := make([]Layer, len(net.Layers))
	for i, d := range net.Layers {
		ls[i] = Layer{In: d.In, Out: d.Out, W: d.W.Data, B: d.B.Data}
	}
	return ls
}
