# The course's Dyna-PPO: PPO on the real episode, then 3 model updates
# (minibatches of 128), then one PPO update on 10 imagined rollouts of 5 steps.
ROLLOUT ?= 0
MODEL ?= on
DYNA_ORDER ?= course
MODEL_PRESET ?= course
MODEL_UPDATES ?= 3
BUFFER_SIZE ?= 10000
HORIZON ?= 5
IMAG_BATCHES ?= 10
TERMINATION ?= course
HORIZON_TERMINAL ?= 1
