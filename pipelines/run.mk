# The run target: one training run of PPO, Dyna-PPO or ensemble MPC.
#
#   make run ALGO=ppo|dyna|mpc PRESET=course|tuned ENV=CartPole-v1 SEED=0 STEPS=15000 OUT=runs/x
#
# Every hyperparameter is a make variable (see pipelines/README.md); the
# preset file pipelines/presets/$(ALGO)-$(PRESET).mk gives the loop's
# settings and CONFIG=FILE (NAME = value lines, e.g. a sweep's best.mk)
# overrides the preset. Command-line variables override both.
# bin/run (cmd/run, lib/runloop) runs the loop and writes OUT/metrics.arrow;
# an interrupted run continues from its last finished iteration and ends
# with the same rows.

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

# KEEP=checkpoints (default) or all: which iterations' files a run keeps;
# QUIET=1: no progress lines.
KEEP ?= checkpoints
QUIET ?=

# Every run variable (bin/run --variables lists them as NAME:flag, from
# lib/runloop's table) that is set reaches bin/run as its flag. Recursive
# (=) variables: expanded when a recipe runs, after bin/run is built.
RUN_VARS = $(shell $(BIN)/run --variables)
run_var = $(word 1,$(subst :, ,$(1)))
run_flag = $(word 2,$(subst :, ,$(1)))
RUN_VAR_NAMES = $(foreach p,$(RUN_VARS),$(call run_var,$(p)))
RUN_FLAGS = $(foreach p,$(RUN_VARS),$(if $($(call run_var,$(p))),--$(call run_flag,$(p))='$($(call run_var,$(p)))')) \
	--out '$(OUT)' --keep '$(KEEP)' $(if $(filter 1,$(QUIET)),-q) \
	$(if $(EXP_LOG),--experiment-log '$(EXP_LOG)' --experiment-total '$(EXP_TOTAL)')

# Experiments (level*.mk): exp_start RUNS starts OUT/.progress (the start
# time) before the runs' make -j; exp_vars RUNS are the variables that make
# each run print one line when it ends, "[k/N] NAME RETURN in T, ETA E",
# N counting the runs of RUNS (done files) not finished yet.
exp_todo = $(words $(filter-out $(wildcard $(1)),$(1)))
exp_start = mkdir -p '$(OUT)' && echo "start $$(date +%s.%N)" > '$(OUT)/.progress'
exp_vars = EXP_LOG='$(abspath $(OUT))/.progress' EXP_TOTAL=$(call exp_todo,$(1))

.PHONY: run run-only run-print
run: build
	@$(BIN)/run $(RUN_FLAGS)
# run-only: the same without building (experiment targets build once, then run many).
run-only:
	@$(BIN)/run $(RUN_FLAGS)
# run-print: the shell script of the run's tool commands (PRINT_ITERS iterations, 0: all).
PRINT_ITERS ?= 3
run-print: build
	@$(BIN)/run --print --print-iters $(PRINT_ITERS) $(RUN_FLAGS)
