# A modest ensemble MPC: CEM (100 sequences of 15 steps, 2 iterations,
# 10 elites, worst member, rollouts ended at termination probability
# > 0.5) over 3 members of the course's model (1×128 ReLU, MSE, no
# normalisation) with a termination head (weight 1), warm-started and
# trained 20 epochs every 500 real steps. 9,000 model rows per real step.
MODEL_EVERY ?= 500
MODEL_PRESET ?= course
MODEL_TERM_WEIGHT ?= 1
ENSEMBLE ?= 3
MODEL_EPOCHS ?= 20
MODEL_WARM ?= 1
BUFFER_SIZE ?= 10000
CEM_SAMPLES ?= 100
CEM_HORIZON ?= 15
CEM_ITERS ?= 2
CEM_ELITES ?= 10
CEM_OBJECTIVE ?= worst
CEM_TERMINATION ?= model
