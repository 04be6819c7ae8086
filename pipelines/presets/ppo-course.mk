# The course's PPO agent (ppo --preset course: the course template's
# values, lib/ppo/hyper.go).
# One PPO update per finished episode, the course template's loop.
ROLLOUT ?= 0
