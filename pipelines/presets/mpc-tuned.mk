# Ensemble MPC for CartPole-v1 within 3,000 real steps (issue 7): CEM
# over a fresh 3-member ensemble of 1×64 ReLU MLPs (deterministic,
# normalised, MSE) whose termination head is trained with weight 5 and
# terminal rows weighted 10 (terminations are one row per episode), and
# whose reward, constant in the data, is predicted as that constant
# (--exact-const-reward: a regression's noise would otherwise rank
# equally long survivals), refitted from scratch every 250 real steps
# (up to 300 epochs, early stopping on a 10% holdout). A rollout ends
# when a member predicts termination with p > 0.1 (model: the weighting
# of terminal rows moves a calibrated head's 0.5 to about 0.09, and the
# head learns the cart's bounds from a handful of episodes,
# under-confidently: 0.1-0.2 just past |x| = 2.4 at 2,000 steps), and a
# sequence is scored by its worst member. 200 sequences of 30 steps, 2
# iterations, 50 elites, each action's probability kept above 0.1 so
# that the warm start goes on exploring: at most 36,000 model rows per
# real step (ended rollouts cost nothing; about 20,000-28,000 in
# practice).
#
# Why these: with the true dynamics and termination (lib/plan's
# oracle_test.go) this CEM balances 500 steps in 8 of 10 episodes, the
# old 100×20 with floor 0.02 in 4 of 10. With the learned model, seed 1
# at 1,000 steps: unweighted termination head 15 (it missed |θ| > 0.21
# and the planner chased reward noise into the fall), terminal rows
# weighted 10: 384, and the constant reward as well: 447; model-soft
# with the unweighted head: 166. Seed 0 at 1,000/2,000/3,000 steps:
# threshold 0.5 298/261/-, 0.1 216/353/500, model-soft 45/192/-.
#
# CEM_TERM_PENALTY (collect --cem-term-penalty λ: λ times the predicted
# termination probability off every step's reward) stays off: it breaks
# the ties among surviving sequences (with the true dynamics and a
# symmetric smooth head, oracle_test.go, 20 of 20 episodes balanced with
# λ = 100 and 20 elites, 10 of 20 without), but the learned head knows
# the cart's bounds only on the side where it saw the cart fail and
# extrapolates low probabilities to the other, so the penalty drives the
# cart there. 3,000 steps, seeds 0-9, eval mean >= 475 at 1,000, 2,000
# or 3,000 steps: this preset 3 of 10 (0, 6, 9); λ = 100 with 20 elites
# 4 of 10 (1, 2, 3, 9); λ = 100 with 50 elites 1 of seeds 0, 4, 6, 7 (6).
# With the true dynamics and seed 7's learned head at 3,000 steps the
# planner balances 0 of 10 episodes with λ = 100, 2 of 10 without: the
# termination model, not the planner, is what fails.
#
# CEM_OFFSET_RATE (collect --cem-offset-rate α: offset-free planning, the
# running mean of the model's real one-step errors added to every
# predicted step) stays off too. It targets the other failure: a small
# bias of the learned pole dynamics makes the planner hold the pole at a
# slight lean, which the real cart keeps up only by accelerating toward a
# bound (every failed evaluation ends at |x| = 2.4 after 200-350 steps).
# On seed 4's 3,000-step model it doubles the episodes (α = 0.02: 460,
# 500, 461, 272 steps; without: 190-270), but over seeds 0-9 (first eval
# >= 475 within 3,000 steps): α = 0.02 alone 3 of 10 (1, 4, 9); α = 0.02
# with λ = 100 and 20 elites 5 of 10 (0, 1, 4, 6, 7; the best found);
# α = 0.05 with λ = 100, 20 elites 4 of 10 (2, 4, 6, 7); α = 0.02, λ = 100,
# 20 elites, 5 members 2 of 8 (6, 7). Refitting every 100 steps with
# terminal rows ×30 (λ = 100, 20 elites): 2 of 10. Seed-to-seed noise is
# as large as these differences, so the preset is left as measured for
# the Level-3 report.
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
CEM_ELITES ?= 50
CEM_MIN_PROB ?= 0.1
CEM_OBJECTIVE ?= worst
CEM_TERMINATION ?= model
CEM_TERM_THRESHOLD ?= 0.1
EVAL_EPISODES = 5
