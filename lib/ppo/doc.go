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
//  3. For Epochs passes, the rows are shuffled (Fisher–Yates with the
//     caller's rng) and cut into minibatches of Minibatch rows (the last
//     may be smaller, as in SB3). Per minibatch, advantages are normalised
//     with the unbiased standard deviation (SB3, CleanRL), and the loss
//
//     L = mean(max(−A r, −A clip(r, 1±ε))) − EntCoef·mean(H) + VFCoef·mean(½(V − R)²)
//
//     (value term optionally clipped around the pre-update values, CleanRL's
//     clip_vloss) is differentiated by hand (Surrogate, ValueLoss,
//     agent.Policy.Backward), the global gradient norm of actor and critic
//     clipped to MaxGradNorm, and Adam steps with separate learning rates
//     for the actor (with the Gaussian log-std) and critic groups. With
//     TargetKL, a minibatch whose approximate KL, mean((r−1) − log r),
//     exceeds 1.5·TargetKL ends the update before its step (SB3).
//
//  4. Learning rates are multiplied by 1 − progress with Anneal; cmd/ppo
//     takes progress from --progress or --real-steps/--total-steps.
//
// After the first update at a data size, Update allocates nothing.
//
// # Presets
//
// Preset returns "course" (the course's agent: 128 ReLU, PyTorch init,
// lr 5e-4/1e-3, 4 epochs, minibatch 64, one update per finished episode,
// sampled evaluation) or "tuned" (64-64 tanh, orthogonal init, rollouts of
// 256 steps continuing across episodes, lr 1e-3 for both groups annealed
// over 100,000 steps, Adam eps 1e-5, 20 epochs, minibatch 64, γ 0.98,
// λ 0.8, clip 0.2, no entropy bonus, gradient clip 0.5, sampled
// evaluation). The tuned preset was checked with the collect --steps 256
// --state → ppo loop on CartPole-v1, evaluating 10 sampled episodes after
// each 1,000 real steps: the first evaluation with mean return ≥ 475 came
// after 5,120, 6,144, 5,120, 4,096 and 26,112 real steps for seeds 0–4.
package ppo
