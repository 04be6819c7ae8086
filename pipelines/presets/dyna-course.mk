# The course's Dyna-PPO: PPO on the real episode, then 3 model updates
# (minibatches of 128), then one PPO update on 10 imagined rollouts of 5 steps.
# Every value is the course template's, as documented by lib/ppo's and
# lib/dynamics' course presets, lib/imagine and pipelines/level2.mk.

# One PPO update per finished real episode, the course template's loop.
ROLLOUT ?= 0
# Dyna-PPO: fit the model and update on imagined data (off: the same loop as PPO).
MODEL ?= on
# The course template's order: PPO on the real episode, then on imagined data only.
DYNA_ORDER ?= course
# The course template's model: 1x128 ReLU, MSE, Adam 5e-4, minibatches of 128.
MODEL_PRESET ?= course
# 3 minibatch updates of the model per iteration, the course template's.
MODEL_UPDATES ?= 3
# The newest 10,000 real transitions train the model, the course template's buffer.
BUFFER_SIZE ?= 10000
# Imagined rollouts of 5 steps, the course template's horizon.
HORIZON ?= 5
# 10 imagined rollouts per iteration, the course template's.
IMAG_BATCHES ?= 10
# An imagined step ends its rollout with probability 0.05, the course template's coin flip.
TERMINATION ?= course
# The horizon's last step is terminal (no bootstrap from V), as in the course template.
HORIZON_TERMINAL ?= 1
