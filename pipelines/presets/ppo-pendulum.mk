# PPO for Pendulum-v1: rl-baselines3-zoo's Pendulum-v1 PPO (ppo --preset
# pendulum, lib/ppo/hyper.go lists its values and the two differences:
# one environment × 4096 steps for the zoo's 4 × 1024, and no gSDE).
# 4,096 real steps per update: the zoo's 4 environments × 1,024 as one.
ROLLOUT ?= 4096
