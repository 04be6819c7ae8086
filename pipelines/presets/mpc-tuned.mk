# Ensemble MPC for CartPole-v1 within 3,000 real steps: CEM over a fresh
# 5-member ensemble of 1×64 ReLU MLPs (deterministic, normalised, MSE)
# whose termination head is trained with weight 5, refitted from scratch
# every 250 real steps; rollouts weighted by the predicted survival
# probability (model-soft), scored by the worst member. 100 sequences of
# 20 steps, 2 iterations, 20 elites: 20,000 model rows per real step.
# EVAL_EPISODES is 5, not 10: evaluation dominates the cost of MPC
# (up to 500 planned steps per episode). "=", not "?=": run.mk sets 10
# before it reads this file (the command line still overrides it).
MODEL_EVERY ?= 250
MODEL_PRESET ?= course
MODEL_NORMALIZE ?= 1
MODEL_HIDDEN ?= 64
MODEL_TERM_WEIGHT ?= 5
MODEL_LR ?= 1e-3
ENSEMBLE ?= 5
MODEL_EPOCHS ?= 300
MODEL_HOLDOUT ?= 0.1
MODEL_PATIENCE ?= 30
MODEL_WARM ?= 0
BUFFER_SIZE ?= 10000
CEM_SAMPLES ?= 100
CEM_HORIZON ?= 20
CEM_ITERS ?= 2
CEM_ELITES ?= 20
CEM_OBJECTIVE ?= worst
CEM_TERMINATION ?= model-soft
EVAL_EPISODES = 5
