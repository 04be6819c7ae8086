# Tuned Dyna-PPO (CartPole-v1, 15,000 real steps): tuned PPO (ppo --preset
# tuned via PRESET=tuned) plus, after each real update, a second PPO update
# on 32 imagined rollouts of up to 10 steps from a cheap, warm-started
# model. Why these values, and why this preset and not dyna-joint-split:
# docs/RESULTS.md ("History of the presets", dyna-tuned).

# Fixed 256-step rollouts continuing across episodes, as tuned PPO.
ROLLOUT ?= 256
# Dyna-PPO: fit the model and update on imagined data.
MODEL ?= on
# PPO on the real rollout first (exactly tuned PPO's update), then a separate
# update on imagined data only (why not joint: docs/RESULTS.md, dyna-tuned).
DYNA_ORDER ?= course
# The course's model (1x128 ReLU, MSE) with 100 minibatch updates per
# iteration: cheaper than the tuned ensemble and no less accurate here
# (docs/RESULTS.md, dyna-tuned).
MODEL_PRESET ?= course
MODEL_UPDATES ?= 100
# Newest 2,000 real transitions: the model's training set and the imagined
# rollouts' start states.
BUFFER_SIZE ?= 2000
# 32 rollouts of up to 10 steps (<= 320 imagined steps per 256 real).
HORIZON ?= 10
IMAG_BATCHES ?= 32
# End an imagined rollout by CartPole's own rule on the predicted state (as
# MBPO); the horizon's end is a truncation that PPO bootstraps from V.
TERMINATION ?= env
HORIZON_TERMINAL ?= 0
