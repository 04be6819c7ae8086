# Tuned PPO: fixed-length rollouts continuing across episodes.
ROLLOUT ?= 256
