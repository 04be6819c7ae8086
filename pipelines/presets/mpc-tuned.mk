# Ensemble MPC for CartPole-v1 within 3,000 real steps: CEM over a fresh
# 3-member deterministic ensemble refitted every 250 steps, scored by the
# worst member. Measurements and how each value was chosen:
# docs/RESULTS.md, "History of the presets".

# Real steps per iteration (one refit from scratch each).
MODEL_EVERY ?= 250
# The course's deterministic MSE model, normalised, 1x64 ReLU, 3 members.
MODEL_PRESET ?= course
MODEL_NORMALIZE ?= 1
MODEL_HIDDEN ?= 64
ENSEMBLE ?= 3
# Termination head trained (weight 5), terminal rows weighted 10: one
# termination per episode, and an unweighted head misses them.
MODEL_TERM_WEIGHT ?= 5
MODEL_TERM_POS_WEIGHT ?= 10
# A reward constant in the data is predicted as that constant, so
# regression noise cannot rank equally long survivals.
MODEL_EXACT_CONST_REWARD ?= 1
# Refit: Adam 1e-3, up to 300 epochs, early stopping on a 10% holdout
# (patience 30), from scratch, on the newest 10,000 transitions.
MODEL_LR ?= 1e-3
MODEL_EPOCHS ?= 300
MODEL_HOLDOUT ?= 0.1
MODEL_PATIENCE ?= 30
MODEL_WARM ?= 0
BUFFER_SIZE ?= 10000
# CEM: 200 sequences of 30 steps, 2 iterations, 20 elites, every action's
# probability kept above 0.1 so the warm start goes on exploring.
CEM_SAMPLES ?= 200
CEM_HORIZON ?= 30
CEM_ITERS ?= 2
CEM_ELITES ?= 20
CEM_MIN_PROB ?= 0.1
# A sequence's score is its worst member's predicted return.
CEM_OBJECTIVE ?= worst
# A rollout ends when a member predicts termination with p > 0.1 (the
# terminal-row weight 10 moves a calibrated head's 0.5 to about 0.09).
CEM_TERMINATION ?= model
CEM_TERM_THRESHOLD ?= 0.1
# Prior: the planner pays beta*(1 - exp(-q/2)) for predicted states far (q)
# from its data's mean; with the mirror this centres the cart (shaping).
CEM_DENSITY_PENALTY ?= 0.5
# Prior: fit on the buffer and its mirror image under x -> -x (lib/env Symmetric).
MODEL_MIRROR ?= 1
# The refitted distribution's mode, not the best sequence's first action:
# the rule of the reported Level-3 runs (docs/RESULTS.md, mpc-tuned).
CEM_ACTION ?= mode
# 5 evaluation episodes, not 10: evaluation dominates MPC's cost. "=", not
# "?=", to replace run.mk's 10 (the command line still overrides it).
EVAL_EPISODES = 5
