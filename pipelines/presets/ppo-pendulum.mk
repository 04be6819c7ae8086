# PPO for Pendulum-v1: rl-baselines3-zoo's Pendulum-v1 PPO (ppo --preset
# pendulum, lib/ppo/hyper.go lists its values and the two differences:
# one environment × 4096 steps for the zoo's 4 × 1024, and no gSDE).
ROLLOUT ?= 4096
