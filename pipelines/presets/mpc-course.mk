# A modest ensemble MPC: CEM (100 sequences of 15 steps, 2 iterations,
# 10 elites, worst member, rollouts ended at termination probability
# > 0.5) over 3 members of the course's model (1×128 ReLU, MSE, no
# normalisation) with a termination head (weight 1), warm-started and
# trained 20 epochs every 500 real steps. At most 9,000 model rows per
# real step (100·15·2·3), against 250,000 at lib/plan's reference size.

# 500 real steps per iteration, one model fit each: few fits, a cheap run.
MODEL_EVERY ?= 500
# The course's model (1x128 ReLU, MSE, no normalisation), as dyna-course.
MODEL_PRESET ?= course
# Train the termination head (untrained in the course preset): rollouts end by it.
MODEL_TERM_WEIGHT ?= 1
# 3 members, so that the worst member's return is a pessimistic score.
ENSEMBLE ?= 3
# 20 epochs per fit: the warm-started model only follows the new data.
MODEL_EPOCHS ?= 20
# Continue the previous fit's model rather than start a new one.
MODEL_WARM ?= 1
# The newest 10,000 real transitions, the course's buffer (as dyna-course).
BUFFER_SIZE ?= 10000
# 100 sequences per CEM iteration: a modest planner (the header's cost).
CEM_SAMPLES ?= 100
# 15 steps ahead (0.3 s of CartPole), lib/plan's default horizon.
CEM_HORIZON ?= 15
# 2 refits of the sampling distribution per real step: half lib/plan's default 4.
CEM_ITERS ?= 2
# The best 10 of 100 sequences refit the distribution (a tenth, as lib/plan's default).
CEM_ELITES ?= 10
# A sequence scores its worst member's predicted return: pessimism where members disagree.
CEM_OBJECTIVE ?= worst
# A rollout ends when the learned head predicts p > 0.5 (lib/plan's default threshold).
CEM_TERMINATION ?= model
