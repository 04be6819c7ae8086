// Package plan is the model-predictive controller of the pipeline: it
// chooses each real action by planning in a learned dynamics model
// (lib/dynamics), so that bin/collect can gather experience with an
// ensemble MPC agent instead of a policy.
//
// # Algorithm
//
// CEM (the cross-entropy method, as in PETS and mbrl-lib) keeps, for every
// step t of a horizon of H steps, a sampling distribution over actions: a
// categorical for a discrete action space, a Gaussian per component for a
// continuous one. At every real step Act
//
//  1. draws K action sequences of length H from the distributions (a
//     continuous sample is a normal truncated at two standard deviations,
//     the std first narrowed so that two of them stay inside the bounds,
//     then clipped to the bounds, as mbrl-lib does);
//  2. rolls every sequence out in every ensemble member m from the current
//     observation: s_{t+1} = s_t + Δ̂_m(s_t, a_t), accumulating
//     γ^t·r̂_m(s_t, a_t). A rollout that reaches a terminal state stops
//     accruing reward (the reward of the terminating step counts). A state
//     is terminal when the member's predicted termination probability is
//     above TermThreshold (Termination "model"), when the environment's
//     rule on the predicted observation says so ("env",
//     dynamics.TerminalFor), either ("model+env"), or never ("none").
//     With "model-soft" no rollout stops: the reward of step t is weighted
//     by the predicted probability of surviving the steps before it, the
//     product of 1-p, so the return is the expected one under the
//     model's termination. With a critic (Config.Value), a rollout still
//     alive after H steps adds γ^H·V(s_H) (weighted by its survival
//     probability with "model-soft"). With TermPenalty λ > 0 the reward
//     of every step is r̂ - λ·p, p being the member's predicted
//     termination probability of that step (whatever the termination
//     source), and an ended rollout pays λ for each remaining step (p =
//     1), so ending early never escapes the penalty; with "model-soft"
//     step t pays λ·(1 - S_{t+1}), S being the survival probability. A
//     reward that is the same on every step (CartPole) makes every
//     sequence that survives the horizon tie; the penalty ranks them by
//     how close the learned termination model thinks they come to
//     failing, a signal that reaches beyond the horizon (tested with the
//     true dynamics and a smooth stand-in for the head in oracle_test.go;
//     measured: docs/RESULTS.md, "lib/plan defaults"). With
//     OffsetRate α > 0 every predicted step also adds d, the running
//     mean (d ← (1-α)·d + α·e after each real step, Observe) of the
//     error e of the members' mean predicted state change on the real
//     steps: the disturbance estimate of offset-free MPC, which removes a
//     steady bias of the model near the states the plan keeps to. With
//     DensityPenalty β > 0 every step also pays β·(1 - exp(-½q)) for its
//     predicted state s, q = Σ_j ((s_j-μ_j)/σ_j)²: one minus its density,
//     relative to the peak, under a diagonal Gaussian of the model's
//     training data (its normalisation statistics); an ended rollout
//     goes on paying for its last state. It is pessimism about states
//     the data rarely show, which keeps
//     CartPole's cart from drifting toward a bound that a termination
//     model fitted on a few thousand steps has seen too rarely to place;
//  3. scores each sequence from its M returns R_1..R_M:
//     "worst" is min_m R_m, the pessimistic choice that shuns sequences
//     the members disagree on; "mean-std" is mean(R) - κ·std(R)
//     (population std), which is the plain mean for κ = 0;
//  4. refits every step's distribution to the E best sequences (the
//     elites): a categorical to the elites' action frequencies, a Gaussian
//     to their mean and variance, each smoothed as
//     new = α·old + (1-α)·elite statistic. A categorical is then mixed
//     with the uniform so that no action falls below MinProb (0.1 by
//     default: a lower floor lets the warm-started distributions collapse
//     onto one plan and stop exploring); a Gaussian's std is kept above
//     MinStd·range.
//
// Steps 1-4 repeat Iters times; Act returns the first action of the best
// sequence seen in any iteration, or with ModeAction the mode (mean) of
// the first step's refitted distribution. Before returning, it shifts the
// distributions one step earlier (the warm start of the next call, as
// mbrl-lib's keep_last_solution) and starts the last step afresh; a
// Gaussian's std returns to InitStd·range, as mbrl-lib restarts the
// variance. Reset forgets the warm start at the start of an episode.
//
// Rewards and terminations come from the model, never from the
// environment, except for the documented "env" and "model+env"
// termination options.
//
// # Cost
//
// One real step evaluates at most K·H·M·Iters model rows (400·25·5·5 =
// 250,000 for the reference setting), one batch of the K rows still alive
// per member per step of the horizon: a rollout that has ended (dynamics.TermModel,
// dynamics.TermEnv, dynamics.TermModelEnv) costs nothing more (the
// saving on CartPole: docs/RESULTS.md, "lib/plan defaults"). Everything
// else is O(K·H) per iteration. The planner runs
// on its own copy of the model's weights, taken by NewCEM and SetModel,
// with the normalisation folded into the first and last layers, a
// discrete action's one-hot input reduced to adding one weight row,
// ReLU-zeroed units skipped, and only the mean outputs of a probabilistic
// head computed; it matches Ensemble.Predict to rounding. After NewCEM,
// Act allocates nothing. Randomness comes only from the rng passed to
// Act: the same seed gives the same actions.
//
// # Ownership
//
// A CEM owns its buffers and distributions and is not safe for concurrent
// use. It never modifies the model; after refitting the model, call
// SetModel so that planning sees the new weights.
package plan
