# The run target: one training run of PPO, Dyna-PPO or ensemble MPC.
#
#   make run ALGO=ppo|dyna|mpc PRESET=course|tuned ENV=CartPole-v1 SEED=0 STEPS=15000 OUT=runs/x
#
# Every hyperparameter is a make variable (see pipelines/README.md); the
# preset file pipelines/presets/$(ALGO)-$(PRESET).mk gives the loop's
# settings and CONFIG=FILE (NAME = value lines, e.g. a sweep's best.mk)
# overrides the preset. Command-line variables override both.
# The run writes OUT/metrics.arrow; an interrupted run continues from its
# last finished iteration and ends with the same bytes.

ALGO ?= ppo
PRESET ?= course
ENV ?= CartPole-v1
SEED ?= 0
STEPS ?= 15000
OUT ?= runs/$(ALGO)-$(PRESET)-$(ENV)-s$(SEED)
EVAL_EVERY ?= 1000
EVAL_EPISODES ?= 10

ifneq ($(CONFIG),)
include $(CONFIG)
endif
-include $(ROOT)/pipelines/presets/$(ALGO)-$(PRESET).mk

RUN_VARS := ALGO PRESET ENV SEED STEPS OUT EVAL_EVERY EVAL_EPISODES EVAL_GREEDY \
	ROLLOUT HIDDEN ACTIVATION LR_ACTOR LR_CRITIC EPOCHS MINIBATCH GAMMA LAMBDA CLIP \
	ENT_COEF VF_COEF MAX_GRAD_NORM VALUE_CLIP ANNEAL TARGET_KL \
	MODEL DYNA_ORDER MODEL_PRESET MODEL_UPDATES MODEL_EPOCHS MODEL_LR BUFFER_SIZE ENSEMBLE \
	HORIZON IMAG_BATCHES PROPAGATION TERMINATION HORIZON_TERMINAL GATE_VARIANCE NOISE_SIGMA \
	EVAL_MODEL HELDOUT_STEPS CEM_SAMPLES CEM_HORIZON CEM_ITERS CEM_ELITES CEM_OBJECTIVE CEM_KAPPA \
	MODEL_EVERY MODEL_HIDDEN MODEL_TERM_WEIGHT MODEL_WARM MODEL_HOLDOUT MODEL_PATIENCE MODEL_NORMALIZE CEM_TERMINATION CEM_TERM_THRESHOLD CEM_TERM_PENALTY CEM_OFFSET_RATE CEM_MIN_PROB MODEL_TERM_POS_WEIGHT MODEL_EXACT_CONST_REWARD MODEL_MIRROR CEM_DENSITY_PENALTY
RUN_VARS += VARIANT
# The run's variables reach run.sh on its command line, not through make's
# environment: exported empty variables would count as set in the recursive
# makes of the experiment targets and hide the presets' `?=` values.
# BATCH=0 starts every tool as its own process instead of sending them to
# the run's one bin/batch --serve process; the files are the same.
RUN_ENV = $(foreach v,$(RUN_VARS),$(v)='$($(v))') RUN_VARS_LIST='$(RUN_VARS)' BIN='$(BIN)' BATCH='$(BATCH)'

.PHONY: run run-only
run: build
	@$(RUN_ENV) $(ROOT)/pipelines/run.sh
# run-only: the same without building (experiment targets build once, then run many).
run-only:
	@$(RUN_ENV) $(ROOT)/pipelines/run.sh
