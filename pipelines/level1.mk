# Level 1: PPO against Dyna-PPO under a fixed real-step budget.
#
#   make level1-runs OUT=DIR [ENV=CartPole-v1] [SEEDS="0 1 2"] [STEPS=N] [L1_PRESET=P]
#   make level1      OUT=DIR ...   (the runs, then DIR/report.md and DIR/answers.json)
#
# Each run lives in DIR/<variant>-s<seed>/ and is reused when finished.
# The preset and the budget follow ENV unless given: Pendulum-v1 uses the
# pendulum presets (ppo-, dyna-pendulum.mk) for 100,000 real steps, every
# other environment the course presets for 15,000. With L1_MPC=1 (the
# default for Pendulum-v1) the level also runs CEM MPC (mpc-L1_PRESET.mk)
# for L1_MPC_STEPS real steps as variant mpc-L1_PRESET, which the report
# compares with PPO and Dyna-PPO at its checkpoints.

SEEDS ?= 0 1 2 3 4 5 6 7 8 9
L1_PRESET_Pendulum-v1 = pendulum
L1_PRESET ?= $(or $(L1_PRESET_$(ENV)),course)
L1_STEPS_Pendulum-v1 = 100000
L1_STEPS = $(if $(filter command line environment override,$(origin STEPS)),$(STEPS),$(or $(L1_STEPS_$(ENV)),15000))
L1_MPC_Pendulum-v1 = 1
L1_MPC ?= $(L1_MPC_$(ENV))
L1_MPC_STEPS ?= 2000
L1_MPC_EVAL_EVERY ?= 250
# Not "mpc": level3.mk's explicit rules own OUT/mpc-s<seed>.
L1_MPC_VARIANT = mpc-$(L1_PRESET)
JOBS ?= $(shell nproc)

L1_RUNS = $(foreach s,$(SEEDS),$(OUT)/ppo-s$(s)/done $(OUT)/dyna-s$(s)/done $(if $(filter 1,$(L1_MPC)),$(OUT)/$(L1_MPC_VARIANT)-s$(s)/done))

.PHONY: level1 level1-runs level1-report
level1: build
	@$(exp_start)
	@$(MAKE) --no-print-directory -j$(JOBS) level1-runs $(call exp_vars,$(L1_RUNS))
	@$(MAKE) --no-print-directory level1-report

level1-runs: $(L1_RUNS)

level1-report:
	$(BIN)/report level1 --runs $(OUT) --out $(OUT)/report.md \
		--regenerate 'make level1 ENV=$(ENV) OUT=$(OUT) L1_PRESET=$(L1_PRESET) STEPS=$(L1_STEPS) SEEDS="$(SEEDS)"$(if $(filter 1,$(L1_MPC)), L1_MPC=1 L1_MPC_STEPS=$(L1_MPC_STEPS))'
	@echo "level1: report in $(OUT)/report.md" >&2

$(OUT)/ppo-s%/done:
	@$(MAKE) --no-print-directory run-only ALGO=ppo PRESET=$(L1_PRESET) SEED=$* STEPS=$(L1_STEPS) OUT=$(OUT)/ppo-s$* VARIANT=ppo
$(OUT)/dyna-s%/done:
	@$(MAKE) --no-print-directory run-only ALGO=dyna PRESET=$(L1_PRESET) SEED=$* STEPS=$(L1_STEPS) OUT=$(OUT)/dyna-s$* VARIANT=dyna EVAL_MODEL=1
$(OUT)/$(L1_MPC_VARIANT)-s%/done:
	@env $(addprefix -u ,$(RUN_VAR_NAMES)) $(MAKE) --no-print-directory run-only ALGO=mpc PRESET=$(L1_PRESET) SEED=$* STEPS=$(L1_MPC_STEPS) EVAL_EVERY=$(L1_MPC_EVAL_EVERY) OUT=$(OUT)/$(L1_MPC_VARIANT)-s$* VARIANT=$(L1_MPC_VARIANT)
