# Dyna-PPO for Pendulum-v1: the pendulum PPO (ppo --preset pendulum, 4096-step
# rollouts) plus, after each real update, a PPO update on imagined rollouts
# from a warm-started tuned ensemble that learns the reward (Pendulum's
# reward varies with the state and action, unlike CartPole's).
ROLLOUT ?= 4096
MODEL ?= on
# Real update first, then an update on imagined data only (as dyna-tuned).
DYNA_ORDER ?= course
# Tuned ensemble (Gaussian NLL, normalised), 3 members, 64-64 hidden: a
# small smooth system that a small model learns in a few hundred updates.
MODEL_PRESET ?= tuned
ENSEMBLE ?= 3
MODEL_HIDDEN ?= 64,64
MODEL_UPDATES ?= 500
BUFFER_SIZE ?= 10000
# 256 rollouts of 10 steps from recent real states: up to 2,560 imagined
# steps per 4,096 real, about the real update's size.
HORIZON ?= 10
IMAG_BATCHES ?= 256
# Pendulum never terminates: its own rule (never) ends no imagined rollout;
# the horizon's end is a truncation PPO bootstraps from V.
TERMINATION ?= env
HORIZON_TERMINAL ?= 0
