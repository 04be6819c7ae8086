package dynamics

import (
	"fmt"

	"github.com/dynago/dynago/lib/env"
	"github.com/dynago/dynago/lib/nn"
)

// Config is the architecture and training setup of an ensemble. It is
// recorded in the weights file's metadata, so a loaded model knows it.
type Config struct {
	ObsDim int // observation components
	// Discrete action spaces have NumActions actions numbered
	// ActStart..ActStart+NumActions-1, fed to the network one-hot; continuous
	// ones have ActDim raw components.
	Discrete   bool
	NumActions int
	ActStart   int
	ActDim     int // 1 for a discrete space

	Hidden        []int         // hidden layer widths
	Activation    nn.Activation // after every hidden layer
	Members       int           // ensemble size M
	Probabilistic bool          // mean and log-variance heads trained by Gaussian NLL; else MSE
	Normalize     bool          // standardise inputs and targets with buffer statistics
	MinLogVar     float64       // initial lower soft bound of the log-variance (normalised targets; learned)
	MaxLogVar     float64       // initial upper soft bound of the log-variance (learned)
	TermWeight    float64       // weight of the termination BCE; 0 leaves the head untrained
	// TermPosWeight weights the terminal rows of the termination BCE
	// (PyTorch's BCEWithLogitsLoss pos_weight): terminations are rare, one
	// row per episode, and a head trained without it misses them. 0
	// means 1 (unweighted).
	TermPosWeight float64
	// ExactConstReward, with Normalize, predicts a reward that is
	// constant in the data (std below 1e-8) as that constant: its
	// normalisation std is 0, so the network's reward output is scaled
	// away. Without it the std is taken as 1 (scikit-learn's rule) and the
	// network's residual noise, a few percent, is all that tells
	// predicted returns apart: on CartPole (reward 1 on every step) a
	// planner then ranks sequences that survive equally long by that
	// noise.
	ExactConstReward bool

	LR       float64 // Adam learning rate
	Batch    int     // minibatch size
	ClipNorm float64 // global gradient-norm clip per member; 0 disables
	Patience int     // epochs without holdout improvement before a member stops
}

// Presets are the named configurations of fitmodel --preset. The space
// fields (ObsDim, Discrete, NumActions, ActStart, ActDim) are left for the
// caller.
//
// course reproduces the course's model: one hidden layer of 128 ReLU, a
// deterministic head trained on MSE(state change) + MSE(reward), Adam lr
// 5e-4, minibatch 128, gradient norm clipped at 1.0, one member, no
// normalisation and an untrained termination head (the course ends
// imagined rollouts by a coin flip, not by the model).
//
// tuned is the MBPO/PETS-style model: 2×200 ReLU, 5 probabilistic members
// with log-variance softly bounded by learned bounds starting at [-10,
// 0.5] (PETS), normalised inputs and
// targets, a trained termination head, Adam lr 1e-3, minibatch 256, clip 1.0.
// PresetNames lists the presets Preset knows.
func PresetNames() []string { return []string{"course", "tuned"} }

func Preset(name string) (Config, error) {
	switch name {
	case "course":
		return Config{
			Hidden: []int{128}, Activation: nn.ReLU, Members: 1,
			MinLogVar: -10, MaxLogVar: 0.5,
			LR: 5e-4, Batch: 128, ClipNorm: 1.0, Patience: 5,
		}, nil
	case "tuned":
		return Config{
			Hidden: []int{200, 200}, Activation: nn.ReLU, Members: 5,
			Probabilistic: true, Normalize: true,
			MinLogVar: -10, MaxLogVar: 0.5, TermWeight: 1,
			LR: 1e-3, Batch: 256, ClipNorm: 1.0, Patience: 5,
		}, nil
	}
	return Config{}, fmt.Errorf("dynamics: unknown preset %q (want course or tuned)", name)
}

// InDim is the width of the network input: observation then action
// encoding.
func (c *Config) InDim() int { return c.ObsDim + c.actWidth() }

func (c *Config) actWidth() int {
	if c.Discrete {
		return c.NumActions
	}
	return c.ActDim
}

// OutDim is the width of the network output. Deterministic: [Δs (ObsDim),
// r, term logit]. Probabilistic: those followed by the raw log-variances
// [log σ²(Δs) (ObsDim), log σ²(r)].
func (c *Config) OutDim() int {
	if c.Probabilistic {
		return 2*c.ObsDim + 3
	}
	return c.ObsDim + 2
}

// Validate reports the first inconsistent field.
func (c *Config) Validate() error {
	switch {
	case c.ObsDim < 1:
		return fmt.Errorf("dynamics: ObsDim %d: must be >= 1", c.ObsDim)
	case c.Discrete && c.NumActions < 1:
		return fmt.Errorf("dynamics: NumActions %d: must be >= 1 for a discrete space", c.NumActions)
	case c.Discrete && c.ActDim != 1:
		return fmt.Errorf("dynamics: ActDim %d: must be 1 for a discrete space", c.ActDim)
	case !c.Discrete && c.ActDim < 1:
		return fmt.Errorf("dynamics: ActDim %d: must be >= 1", c.ActDim)
	case len(c.Hidden) == 0:
		return fmt.Errorf("dynamics: no hidden layers")
	case c.Members < 1:
		return fmt.Errorf("dynamics: Members %d: must be >= 1", c.Members)
	case !(c.LR > 0):
		return fmt.Errorf("dynamics: LR %g: must be > 0", c.LR)
	case c.Batch < 1:
		return fmt.Errorf("dynamics: Batch %d: must be >= 1", c.Batch)
	case c.ClipNorm < 0:
		return fmt.Errorf("dynamics: ClipNorm %g: must be >= 0", c.ClipNorm)
	case c.Probabilistic && !(c.MinLogVar < c.MaxLogVar):
		return fmt.Errorf("dynamics: log-variance bounds [%g, %g]: need min < max", c.MinLogVar, c.MaxLogVar)
	case c.TermWeight < 0:
		return fmt.Errorf("dynamics: TermWeight %g: must be >= 0", c.TermWeight)
	case c.TermPosWeight < 0:
		return fmt.Errorf("dynamics: TermPosWeight %g: must be >= 0", c.TermPosWeight)
	}
	for _, h := range c.Hidden {
		if h < 1 {
			return fmt.Errorf("dynamics: hidden width %d: must be >= 1", h)
		}
	}
	return nil
}

// SetSpaces fills the space fields of c from an environment's observation
// and action spaces.
func (c *Config) SetSpaces(obs, act env.Space) error {
	if obs.Discrete {
		return fmt.Errorf("dynamics: discrete observation spaces are not supported")
	}
	c.ObsDim = obs.Dim
	c.Discrete = act.Discrete
	if act.Discrete {
		c.NumActions, c.ActStart, c.ActDim = act.N, act.Start, 1
	} else {
		c.NumActions, c.ActStart, c.ActDim = 0, 0, act.Dim
	}
	return nil
}
