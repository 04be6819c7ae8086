# Tuned PPO: rl-baselines3-zoo's CartPole-v1 PPO (ppo --preset tuned,
# lib/ppo/hyper.go lists its values and the one difference).
# 256 real steps per update, continuing across episodes: the zoo's 8 × 32 in one.
ROLLOUT ?= 256
