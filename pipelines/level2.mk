# Level 2: Dyna-PPO's sensitivity to its hyperparameters, distribution
# shift during training, and failure under model noise.
#
#   make level2         OUT=DIR [ENV=CartPole-v1] [SEEDS="0 1 2"] [STEPS=N]   all five, then DIR/report.md
#   make level2-horizon OUT=DIR ...   imagination horizon 1, 3, 5, 10, 20 (HORIZON)
#   make level2-budget  OUT=DIR ...   model updates / imagined rollouts 1/5, 3/10, 5/20
#   make level2-buffer  OUT=DIR ...   replay buffer 1000, 5000, 10000, 50000 (BUFFER_SIZE)
#   make level2-shift   OUT=DIR ...   state visits and model error early, mid, late; PPO
#   make level2-noise   OUT=DIR ...   model noise sigma 0 ... 1 (NOISE_SIGMA); PPO
#
# Each target runs its variants over SEEDS in parallel (JOBS at a time),
# then writes DIR/report.md with a section for every experiment whose
# runs exist. Each run lives in DIR/<variant>-s<seed>/ and is reused when
# finished, so an interrupted target continues. The course's Dyna-PPO
# (horizon 5, balanced budget 3/10, buffer 10000, sigma 0) and PPO are
# Level 1's runs DIR/dyna-s<seed> and DIR/ppo-s<seed> (pipelines/level1.mk),
# run once for every experiment that needs them. The variant names are
# what `report level2` looks for; it reads the swept values from each
# run's settings (run_settings in its metrics.arrow). The preset and the
# budget are Level 1's (L1_PRESET, L1_STEPS: they follow ENV), so that the
# swept runs match the Level-1 runs they are compared with; the swept
# values are the course's (its budget 3/10 is the middle regime).

SEEDS ?= 0 1 2 3 4 5 6 7 8 9
JOBS ?= $(shell nproc)

L2_HORIZONS := 20 10 3 1
L2_BUFFERS := 1000 5000 50000
L2_SIGMAS := 0.01 0.03 0.1 0.3 1

# L2_VARIANT NAME, EVAL_MODEL, VARS: the rule of DIR/NAME-s<seed>, the
# course's Dyna-PPO with VARS (NAME=value words) set.
define L2_VARIANT
$$(OUT)/$(1)-s%/done:
	@$$(MAKE) --no-print-directory run-only ALGO=dyna PRESET=$$(L1_PRESET) SEED=$$* STEPS=$$(L1_STEPS) OUT=$$(OUT)/$(1)-s$$* VARIANT=$(1) EVAL_MODEL=$(2) $(3)
endef
$(foreach h,$(L2_HORIZONS),$(eval $(call L2_VARIANT,dyna-h$(h),1,HORIZON=$(h))))
$(eval $(call L2_VARIANT,dyna-budget-conservative,0,MODEL_UPDATES=1 IMAG_BATCHES=5))
$(eval $(call L2_VARIANT,dyna-budget-aggressive,0,MODEL_UPDATES=5 IMAG_BATCHES=20))
$(foreach b,$(L2_BUFFERS),$(eval $(call L2_VARIANT,dyna-buf$(b),1,BUFFER_SIZE=$(b))))
$(foreach x,$(L2_SIGMAS),$(eval $(call L2_VARIANT,dyna-noise$(x),0,NOISE_SIGMA=$(x))))

# l2_runs VARIANTS: the done files of VARIANTS over SEEDS.
l2_runs = $(foreach s,$(SEEDS),$(foreach v,$(1),$(OUT)/$(v)-s$(s)/done))

L2_HORIZON_RUNS = $(call l2_runs,$(addprefix dyna-h,$(L2_HORIZONS)) dyna)
L2_BUDGET_RUNS = $(call l2_runs,dyna dyna-budget-conservative dyna-budget-aggressive)
L2_BUFFER_RUNS = $(call l2_runs,dyna $(addprefix dyna-buf,$(L2_BUFFERS)))
L2_SHIFT_RUNS = $(call l2_runs,dyna ppo)
L2_NOISE_RUNS = $(call l2_runs,dyna ppo $(addprefix dyna-noise,$(L2_SIGMAS)))
# The longest runs first (long horizons learn slowly: short episodes, many
# iterations), so the parallel jobs finish together; make runs a run
# listed twice once.
L2_RUNS = $(L2_HORIZON_RUNS) $(L2_NOISE_RUNS) $(L2_BUDGET_RUNS) $(L2_BUFFER_RUNS) $(L2_SHIFT_RUNS)

L2_EXPERIMENTS := horizon budget buffer shift noise

.PHONY: level2 level2-runs level2-report $(addprefix level2-,$(L2_EXPERIMENTS)) $(addprefix level2-runs-,$(L2_EXPERIMENTS))
level2: build
	@$(exp_start)
	@$(MAKE) --no-print-directory -j$(JOBS) level2-runs $(call exp_vars,$(sort $(L2_RUNS)))
	@$(MAKE) --no-print-directory level2-report

level2-runs: $(L2_RUNS)

$(addprefix level2-,$(L2_EXPERIMENTS)): level2-%: build
	@$(exp_start)
	@$(MAKE) --no-print-directory -j$(JOBS) level2-runs-$* $(call exp_vars,$(sort $(L2_$(shell echo $* | tr a-z A-Z)_RUNS)))
	@$(MAKE) --no-print-directory level2-report

level2-runs-horizon: $(L2_HORIZON_RUNS)
level2-runs-budget: $(L2_BUDGET_RUNS)
level2-runs-buffer: $(L2_BUFFER_RUNS)
level2-runs-shift: $(L2_SHIFT_RUNS)
level2-runs-noise: $(L2_NOISE_RUNS)

level2-report:
	$(BIN)/report level2 --runs $(OUT) --out $(OUT)/report.md \
		--regenerate 'make level2 ENV=$(ENV) OUT=$(OUT) L1_PRESET=$(L1_PRESET) STEPS=$(L1_STEPS) SEEDS="$(SEEDS)"'
	@echo "level2: report in $(OUT)/report.md" >&2
