# Ensemble MPC for Pendulum-v1 with a learned model and a learned reward, no
# symmetry prior and no reward shaping: CEM over a fresh 3-member ensemble of 1×64
# ReLU MLPs (the model settings of mpc-tuned) refitted every 250 real
# steps, planning 30 steps ahead with 200 sequences, 2 iterations and 20
# elites, scored by the worst member (the planner's size of mpc-tuned).
# Differences from mpc-tuned: no termination-head weights and no exact
# constant reward (Pendulum never terminates and its reward varies), no
# mirror, the environment's termination rule, no density penalty, and the
# tools' default CEM action (best) and action floor (discrete actions only).

# Real steps per iteration (one refit from scratch each), as mpc-tuned.
MODEL_EVERY ?= 250
# The course's deterministic MSE model, as mpc-tuned.
MODEL_PRESET ?= course
# Normalised inputs and targets (the angular velocity spans ±8, cos and sin ±1).
MODEL_NORMALIZE ?= 1
# One hidden layer of 64 ReLU, as mpc-tuned: a small model for 3 state variables.
MODEL_HIDDEN ?= 64
# Adam learning rate of each refit, as mpc-tuned.
MODEL_LR ?= 1e-3
# 3 members, as mpc-tuned: the worst member scores a sequence.
ENSEMBLE ?= 3
# Up to 300 epochs per refit, ended by early stopping (below), as mpc-tuned.
MODEL_EPOCHS ?= 300
# 10% of the buffer held out for early stopping, as mpc-tuned.
MODEL_HOLDOUT ?= 0.1
# Stop after 30 epochs without improvement on the holdout, as mpc-tuned.
MODEL_PATIENCE ?= 30
# A new model every refit (from scratch), as mpc-tuned.
MODEL_WARM ?= 0
# The newest 10,000 real transitions: every step of a 2,000-step run.
BUFFER_SIZE ?= 10000
# No mirror image of the data (the symmetry prior mpc-tuned uses on CartPole).
MODEL_MIRROR ?= 0
# 200 sequences per CEM iteration, as mpc-tuned.
CEM_SAMPLES ?= 200
# 30 steps ahead (1.5 s of Pendulum), as mpc-tuned.
CEM_HORIZON ?= 30
# 2 refits of the sampling distribution per real step, as mpc-tuned.
CEM_ITERS ?= 2
# The best 20 of 200 sequences refit the distribution, as mpc-tuned.
CEM_ELITES ?= 20
# A sequence's score is its worst member's predicted return, as mpc-tuned.
CEM_OBJECTIVE ?= worst
# Pendulum never terminates: the environment's rule (never) on predicted
# states, so the untrained termination head plays no part.
CEM_TERMINATION ?= env
# No density penalty: the planner's objective is the learned reward alone
# (no shaping toward the data's states; docs/RESULTS.md, Pendulum-v1).
CEM_DENSITY_PENALTY ?= 0
# 5 evaluation episodes, not 10: evaluation dominates MPC's cost. "=", not
# "?=", to replace run.mk's 10 (the command line still overrides it).
EVAL_EPISODES = 5
