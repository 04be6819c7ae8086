# Dyna-PPO for Pendulum-v1: the pendulum PPO (ppo --preset pendulum, 4096-step
# rollouts) plus, after each real update, a PPO update on imagined rollouts
# from a warm-started tuned ensemble that learns the reward (Pendulum's
# reward varies with the state and action, unlike CartPole's).

# 4,096 real steps per update, as ppo-pendulum.
ROLLOUT ?= 4096
# Dyna-PPO: fit the model and update on imagined data.
MODEL ?= on
# Real update first, then an update on imagined data only (as dyna-tuned).
DYNA_ORDER ?= course
# The tuned ensemble (probabilistic, Gaussian NLL, normalised inputs and targets).
MODEL_PRESET ?= tuned
# 3 members, not the tuned preset's 5: a small smooth system needs few.
ENSEMBLE ?= 3
# 64-64 hidden units, not the tuned preset's 200-200, for the same reason.
MODEL_HIDDEN ?= 64,64
# 500 minibatch updates per fit: a small model learns it in a few hundred.
MODEL_UPDATES ?= 500
# The newest 10,000 real transitions: the model's training set and the rollouts' starts.
BUFFER_SIZE ?= 10000
# 256 rollouts of 10 steps from recent real states: up to 2,560 imagined
# steps per 4,096 real, about the real update's size.
HORIZON ?= 10
IMAG_BATCHES ?= 256
# Pendulum never terminates: its own rule (never) ends no imagined rollout;
# the horizon's end is a truncation PPO bootstraps from V.
TERMINATION ?= env
HORIZON_TERMINAL ?= 0
