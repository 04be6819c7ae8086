# Level 1: PPO against Dyna-PPO under a fixed real-step budget.
#
#   make level1-runs OUT=DIR [SEEDS="0 1 2"] [STEPS=15000] [L1_PRESET=course]
#   make level1      OUT=DIR ...   (the runs, then DIR/report.md)
#
# Each run lives in DIR/<variant>-s<seed>/ and is reused when finished.

SEEDS ?= 0 1 2 3 4 5 6 7 8 9
L1_PRESET ?= course
JOBS ?= $(shell nproc)

L1_RUNS = $(foreach s,$(SEEDS),$(OUT)/ppo-s$(s)/done $(OUT)/dyna-s$(s)/done)

.PHONY: level1 level1-runs level1-report
level1: build
	@$(exp_start)
	@$(MAKE) --no-print-directory -j$(JOBS) level1-runs $(call exp_vars,$(L1_RUNS))
	@$(MAKE) --no-print-directory level1-report

level1-runs: $(L1_RUNS)

level1-report:
	$(BIN)/report level1 --runs $(OUT) --out $(OUT)/report.md
	@echo "level1: report in $(OUT)/report.md" >&2

$(OUT)/ppo-s%/done:
	@$(MAKE) --no-print-directory run-only ALGO=ppo PRESET=$(L1_PRESET) SEED=$* STEPS=$(STEPS) OUT=$(OUT)/ppo-s$* VARIANT=ppo
$(OUT)/dyna-s%/done:
	@$(MAKE) --no-print-directory run-only ALGO=dyna PRESET=$(L1_PRESET) SEED=$* STEPS=$(STEPS) OUT=$(OUT)/dyna-s$* VARIANT=dyna EVAL_MODEL=1
