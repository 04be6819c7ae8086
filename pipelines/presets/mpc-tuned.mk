# Ensemble MPC for CartPole-v1 within 3,000 real steps (issue 7): CEM
# over a fresh 3-member ensemble of 1×64 ReLU MLPs (deterministic,
# normalised, MSE) whose termination head is trained with weight 5 and
# terminal rows weighted 10 (terminations are one row per episode), and
# whose reward, constant in the data, is predicted as that constant
# (--exact-const-reward: a regression's noise would otherwise rank
# equally long survivals), refitted from scratch every 250 real steps
# (up to 300 epochs, early stopping on a 10% holdout). A rollout ends
# when a member predicts termination with p > 0.1 (model: the weighting
# of terminal rows moves a calibrated head's 0.5 to about 0.09), and a
# sequence is scored by its worst member. The model is fitted on the
# buffer and its mirror image, and the planner pays for leaving the
# states its data know (both below). 200 sequences of 30 steps, 2
# iterations, 20 elites, each action's probability kept above 0.1 so
# that the warm start goes on exploring: at most 36,000 model rows per
# real step (ended rollouts cost nothing; about 20,000-28,000 in
# practice).
#
# Why the planner's size: with the true dynamics and termination (lib/plan's
# oracle_test.go) this CEM with 50 elites balances 500 steps in 8 of 10 episodes, the
# old 100×20 with floor 0.02 in 4 of 10. With the learned model, seed 1
# at 1,000 steps: unweighted termination head 15 (it missed |θ| > 0.21
# and the planner chased reward noise into the fall), terminal rows
# weighted 10: 384, and the constant reward as well: 447; model-soft
# with the unweighted head: 166. Seed 0 at 1,000/2,000/3,000 steps:
# threshold 0.5 298/261/-, 0.1 216/353/500, model-soft 45/192/-.
#
# What keeps the cart on the track (every failed evaluation episode of the
# earlier presets ended at |x| = 2.4 after 200-400 steps, never by the
# pole): in 3,000 steps the buffer holds about 20 terminations, of which
# two or three are the cart leaving the track, so no termination head
# learns that bound; it learns instead that failures happen near the
# centre, where the pole falls early in a run (seed 3's 3,000-step model,
# at rest with the pole upright: p = 0.006-0.017 at x = 0 over the three
# members, 0.001-0.004 at x = ±2.4). With a reward of 1
# on every step, all sequences that survive the horizon tie, and the cart
# drifts at a steady speed until the bound is inside the horizon, too late
# to stop. Two generic remedies fix it:
#
# MODEL_MIRROR = 1 (fitmodel --mirror) fits on the buffer plus its
# reflection under CartPole's symmetry x -> -x (lib/env Symmetry): the
# model learns both sides of every failure it has seen, and its
# predictions are symmetric where the data are one-sided.
#
# CEM_DENSITY_PENALTY = 0.5 (collect --cem-density-penalty β) charges each
# predicted state β·(1 - exp(-q/2)), q its squared standardised distance
# from the mean of the model's data: pessimism about states the data
# rarely show, so the planner keeps to the balanced centre where its
# data, and its model, are dense. β < 1 keeps survival worth more than
# the cost.
#
# 20 elites instead of 50: with the penalty the scores no longer tie, so
# fewer, better elites.
#
# Measured (seeds 0-9, 3,000 steps, 5 evaluation episodes every 1,000
# steps; first evaluation >= 475):
#   this preset                                   10 of 10 (see level3's report)
#   without the density penalty (mirror, λ = 100
#   termination penalty, 20 elites)                8 of 10
#   mirror only (50 elites)                        6 of 10
#   neither (the previous preset)                  3 of 10
#   previous + λ = 100 + offset-free α = 0.02      5 of 10
# On the ten fixed 3,000-step models of the mirror + λ runs, 3 episodes
# each (30 episodes, 500 steps = balanced to the limit): no penalty 17,
# λ = 100 16, density β = 0.5 26, β = 0.9 26, quadratic density cost
# (β·q/2) with β = 0.03 26 and 0.1 27; the quadratic cost grows without
# bound, so that early in a run ending a rollout is cheaper than
# surviving (β = 1: returns of 33-70 on six seeds), hence the bounded form.
#
# CEM_TERM_PENALTY (collect --cem-term-penalty λ: λ times the predicted
# termination probability off every step's reward) stays off: the learned
# head's probabilities are highest at the centre (above), so the penalty
# favours the edges. CEM_OFFSET_RATE (offset-free planning, the
# running mean of the model's real one-step errors added to every
# predicted step) stays off too: with the mirror and the termination
# penalty it gave 7 of 10, against 8 of 10 without it.
#
# EVAL_EPISODES is 5, not 10: evaluation dominates the cost of MPC
# (up to 500 planned steps per episode). "=", not "?=": run.mk sets 10
# before it reads this file (the command line still overrides it).
MODEL_EVERY ?= 250
MODEL_PRESET ?= course
MODEL_NORMALIZE ?= 1
MODEL_HIDDEN ?= 64
MODEL_TERM_WEIGHT ?= 5
MODEL_TERM_POS_WEIGHT ?= 10
MODEL_EXACT_CONST_REWARD ?= 1
MODEL_LR ?= 1e-3
ENSEMBLE ?= 3
MODEL_EPOCHS ?= 300
MODEL_HOLDOUT ?= 0.1
MODEL_PATIENCE ?= 30
MODEL_WARM ?= 0
BUFFER_SIZE ?= 10000
CEM_SAMPLES ?= 200
CEM_HORIZON ?= 30
CEM_ITERS ?= 2
CEM_ELITES ?= 20
CEM_MIN_PROB ?= 0.1
CEM_OBJECTIVE ?= worst
CEM_TERMINATION ?= model
CEM_TERM_THRESHOLD ?= 0.1
CEM_DENSITY_PENALTY ?= 0.5
MODEL_MIRROR ?= 1
CEM_ACTION ?= mode
EVAL_EPISODES = 5
