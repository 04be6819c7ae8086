// Package ppo is the policy-update step of the dynago pipeline: proximal
// policy optimisation (Schulman et al. 2017) of an agent.Policy on
// transitions files, real or imagined. cmd/ppo runs one Update per process;
// the policy file carries the parameters and Adam state between processes,
// and a Trainer keeps nothing else, so N updates in one process and N
// processes give the same bits.
//
// # One update
//
//  1. Rows are checked against the policy. Every row needs log_prob, the
//     behaviour policy's log-probability of its action (collect --policy
//     records it; the imagination tool records it for imagined rows).
//     Imagined and real rows are treated alike.
//
//  2. Values V(obs) are recomputed with the current critic; the stored
//     value column is not used. Continues marks where row i+1 continues
//     row i's episode (same episode id, step+1, neither flag set). GAE
//     bootstraps nothing after a terminated row and V(next_obs) after a
//     truncated row or a rollout boundary (the end of a file, or a break in
//     (episode, step)).
//
//  3. Advantages are normalised (NormAdv) either once over the update's
//     rows with the population standard deviation (NormAdvBatch, the course
//     template) or per minibatch with the unbiased one (SB3, CleanRL; a
//     size-1 minibatch is left raw). For Epochs passes, the rows are
//     shuffled (Fisher–Yates with the caller's rng) and cut into
//     minibatches of Minibatch rows (the last may be smaller, as in SB3).
//     Per minibatch the loss
//
//     L = mean(max(−A r, −A clip(r, 1±ε))) − EntCoef·mean(H) + VFCoef·mean(½(V − R)²)
//
//     (value term optionally clipped around the pre-update values, CleanRL's
//     clip_vloss) is differentiated by hand (Surrogate, ValueLoss,
//     agent.Policy.Backward), the gradient norm clipped to MaxGradNorm
//     (over actor and critic together, or each separately with
//     ClipPerNetwork; with ClipRealOnly not at all when a row is imagined),
//     and Adam steps with separate learning rates for the actor (with the
//     Gaussian log-std) and critic groups. With TargetKL, a minibatch whose
//     approximate KL, mean((r−1) − log r), exceeds 1.5·TargetKL ends the
//     update before its step (SB3).
//
//  4. Learning rates (Anneal) and the clip range ε (AnnealClip) are
//     multiplied by 1 − progress; cmd/ppo takes progress from --progress or
//     --real-steps/--total-steps.
//
// After the first update at a data size, Update allocates nothing.
//
// # Presets
//
// Preset returns "course" (the course template's agent), "tuned"
// (rl-baselines3-zoo's CartPole-v1 PPO on SB3's defaults, with one
// environment × 256 steps in place of 8 × 32) or "pendulum" (the zoo's
// Pendulum-v1 PPO, one environment × 4096 steps and no gSDE); the presets map in
// hyper.go lists each value's source and every difference.
// docs/RESULTS.md holds their measured steps-to-475.
package ppo
