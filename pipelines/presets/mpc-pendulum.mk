# Ensemble MPC for Pendulum-v1 with a learned model and a learned reward, no
# symmetry prior and no reward shaping: CEM over a fresh 3-member ensemble of 1×64
# ReLU MLPs (the model settings of mpc-tuned) refitted every 250 real
# steps, planning 30 steps ahead with 200 sequences, 2 iterations and 20
# elites, scored by the worst member.
MODEL_EVERY ?= 250
MODEL_PRESET ?= course
MODEL_NORMALIZE ?= 1
MODEL_HIDDEN ?= 64
MODEL_LR ?= 1e-3
ENSEMBLE ?= 3
MODEL_EPOCHS ?= 300
MODEL_HOLDOUT ?= 0.1
MODEL_PATIENCE ?= 30
MODEL_WARM ?= 0
BUFFER_SIZE ?= 10000
# No mirror image of the data (the symmetry prior mpc-tuned uses on CartPole).
MODEL_MIRROR ?= 0
CEM_SAMPLES ?= 200
CEM_HORIZON ?= 30
CEM_ITERS ?= 2
CEM_ELITES ?= 20
CEM_OBJECTIVE ?= worst
# Pendulum never terminates: the environment's rule (never) on predicted
# states, so the untrained termination head plays no part.
CEM_TERMINATION ?= env
# No density penalty: the planner's objective is the learned reward alone
# (no shaping toward the data's states; docs/RESULTS.md, Pendulum-v1).
CEM_DENSITY_PENALTY ?= 0
EVAL_EPISODES = 5
