# The course's PPO agent: one update per finished episode.
ROLLOUT ?= 0
