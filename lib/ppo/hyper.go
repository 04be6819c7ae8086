package ppo

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/dynago/dynago/lib/agent"
)

// Hyper holds the hyperparameters of PPO and of the policy it creates.
// Zero MaxGradNorm, ValueClip and TargetKL turn the feature off.
type Hyper struct {
	// Architecture, used when creating a policy (ppo --init).
	Policy agent.Config

	ActorLR, CriticLR float64 // Adam learning rates of the two groups
	AdamEps           float64 // Adam's eps (PyTorch 1e-8; SB3 and CleanRL 1e-5)
	Epochs            int     // passes over the data
	Minibatch         int     // rows per minibatch; the last one of an epoch may be smaller
	Gamma, Lambda     float64 // discount and GAE λ
	Clip              float64 // surrogate clip range ε
	EntCoef, VFCoef   float64 // entropy bonus and value-loss coefficients
	MaxGradNorm       float64 // L2 gradient-norm bound (global over actor and critic unless ClipPerNetwork)
	ClipPerNetwork    bool    // clip the actor's and the critic's gradient norms separately
	ClipRealOnly      bool    // no gradient clipping on updates with imagined rows
	ValueClip         float64 // clip V around its pre-update value (CleanRL clip_vloss uses the clip range)
	NormAdv           bool    // normalise advantages
	NormAdvBatch      bool    // ... once over the update's rows with the population std, not per minibatch with the unbiased std
	NormAdvSplit      bool    // ... real and imagined rows each over their own mean and std
	Anneal            bool    // learning rates × (1 − progress)
	AnnealClip        bool    // surrogate clip range × (1 − progress)
	TotalSteps        int64   // real-step budget, the denominator of progress under --real-steps
	TargetKL          float64 // stop the update when a minibatch's approx KL > 1.5 TargetKL (SB3)
}

// presets are the named hyperparameter sets. Sources:
//
// course: the course template's PPO agent: one 128-unit ReLU layer,
// PyTorch default init and Adam (eps 1e-8), actor lr 5e-4, critic lr
// 1e-3, 4 epochs of minibatches of 64, γ 0.99, λ 0.95, clip 0.2, entropy
// 0.01, value loss 0.5·MSE (VFCoef 1 on ½(V − R)²), advantages normalised
// once over the update's rows with the population std, and gradient norms
// clipped to 0.5 separately for actor and critic on real-data updates
// only (imagined updates are not clipped). One update per finished episode
// (the pipeline's ROLLOUT = 0).
//
// tuned: rl-baselines3-zoo's CartPole-v1 PPO (hyperparams/ppo.yml: 8 envs ×
// 32 steps, batch 256, 20 epochs, γ 0.98, λ 0.8, lr lin_0.001, clip
// lin_0.2, ent 0) on SB3's defaults (64-64 tanh actor and critic,
// orthogonal init, Adam eps 1e-5, global gradient clip 0.5, vf_coef 0.5
// on F.mse_loss, i.e. value loss 0.5·MSE, advantages normalised per
// minibatch with the unbiased std). The one difference: the zoo's 8
// environments × 32 steps become one environment × 256 steps (the
// pipeline's ROLLOUT = 256), so an update's rows are one 256-step
// stretch (GAE bootstraps once at its end, not at 8 segment ends) and
// the rows are more correlated. Measured steps-to-475: docs/RESULTS.md.
//
// pendulum: rl-baselines3-zoo's Pendulum-v1 PPO (hyperparams/ppo.yml: 4
// envs × 1024 steps, γ 0.9, λ 0.95, 10 epochs, lr 1e-3, clip 0.2, ent 0,
// use_sde, sde_sample_freq 4) on SB3's defaults as in tuned (batch 64, no
// annealing). Differences: one environment × 4096 steps (ROLLOUT = 4096)
// for 4 × 1024; and no generalised state-dependent exploration (gSDE):
// the policy's Gaussian has a state-independent log std, initialised to
// 0 as SB3's log_std_init, resampled every step instead of every 4.
var presets = map[string]Hyper{
	"course": {
		Policy:  agent.Config{Hidden: []int{128}, Activation: "relu", Init: agent.InitTorch},
		ActorLR: 5e-4, CriticLR: 1e-3, AdamEps: 1e-8,
		Epochs: 4, Minibatch: 64, Gamma: 0.99, Lambda: 0.95, Clip: 0.2,
		EntCoef: 0.01, VFCoef: 1, NormAdv: true, NormAdvBatch: true,
		MaxGradNorm: 0.5, ClipPerNetwork: true, ClipRealOnly: true,
	},
	"tuned": {
		Policy:  agent.Config{Hidden: []int{64, 64}, Activation: "tanh", Init: agent.InitOrthogonal},
		ActorLR: 1e-3, CriticLR: 1e-3, AdamEps: 1e-5,
		Epochs: 20, Minibatch: 256, Gamma: 0.98, Lambda: 0.8, Clip: 0.2,
		EntCoef: 0, VFCoef: 1, MaxGradNorm: 0.5, NormAdv: true,
		Anneal: true, AnnealClip: true, TotalSteps: 100_000,
	},
	"pendulum": {
		Policy:  agent.Config{Hidden: []int{64, 64}, Activation: "tanh", Init: agent.InitOrthogonal},
		ActorLR: 1e-3, CriticLR: 1e-3, AdamEps: 1e-5,
		Epochs: 10, Minibatch: 64, Gamma: 0.9, Lambda: 0.95, Clip: 0.2,
		EntCoef: 0, VFCoef: 1, MaxGradNorm: 0.5, NormAdv: true,
	},
}

// PresetNames lists the presets in a stable order.
func PresetNames() []string { return []string{"course", "tuned", "pendulum"} }

// Preset returns a copy of the named hyperparameter set.
func Preset(name string) (Hyper, error) {
	h, ok := presets[name]
	if !ok {
		return Hyper{}, fmt.Errorf("unknown preset %q (known: %s)", name, strings.Join(PresetNames(), ", "))
	}
	h.Policy.Hidden = slices.Clone(h.Policy.Hidden)
	return h, nil
}

// Check returns an error naming the first out-of-range field by its flag
// name and range.
func (h Hyper) Check() error {
	inRange := func(name string, v, lo, hi float64) error {
		if math.IsNaN(v) || v < lo || v > hi {
			return fmt.Errorf("--%s %v: must be in [%g, %g]", name, v, lo, hi)
		}
		return nil
	}
	for _, c := range []struct {
		name      string
		v, lo, hi float64
	}{
		{"lr-actor", h.ActorLR, 0, 1},
		{"lr-critic", h.CriticLR, 0, 1},
		{"adam-eps", h.AdamEps, 0, 1},
		{"epochs", float64(h.Epochs), 1, 1000},
		{"minibatch", float64(h.Minibatch), 1, 1 << 24},
		{"gamma", h.Gamma, 0, 1},
		{"lambda", h.Lambda, 0, 1},
		{"clip", h.Clip, 0, 10},
		{"ent-coef", h.EntCoef, 0, 100},
		{"vf-coef", h.VFCoef, 0, 100},
		{"max-grad-norm", h.MaxGradNorm, 0, 1e9},
		{"value-clip", h.ValueClip, 0, 1e9},
		{"target-kl", h.TargetKL, 0, 100},
		{"total-steps", float64(h.TotalSteps), 0, 1e15},
	} {
		if err := inRange(c.name, c.v, c.lo, c.hi); err != nil {
			return err
		}
	}
	return nil
}
