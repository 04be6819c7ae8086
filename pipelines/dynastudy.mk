# The Dyna-PPO study: tuned PPO and Dyna-PPO variants, each a
# documented technique set by make variables of the run (flags of the
# tools), on DS_SEEDS seeds, then DIR/report.md (bin/report dyna-study).
#
#   make dyna-study      ENV=CartPole-v1 OUT=DIR [DS_SEEDS="0 1 2"] [DS_VARIANTS="ppo-tuned dyna-tuned"] [STEPS=N]
#   make dyna-study-report ENV=... OUT=DIR   the report of whatever runs DIR holds
#
# Each run lives in DIR/<variant>-s<seed>/; finished runs are reused and an
# interrupted run continues, so the study can be continued in a later
# session (or grown: more seeds, more variants). STEPS defaults to the
# environment's budget below; it is also the horizon of tuned PPO's
# learning-rate and clip annealing, so every variant of a study shares it.

DS_SEEDS ?= 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19
JOBS ?= $(shell nproc)
DS_REPORT_FLAGS ?=

# Budgets (real steps) per environment.
DS_STEPS_CartPole-v1 = 50000
DS_STEPS_Acrobot-v1 = 50000
DS_STEPS_Pendulum-v1 = 100000
# Evaluation interval: 1,000 steps, 500 on Acrobot-v1, where tuned PPO
# reaches its threshold within about 7,000 steps.
DS_EVAL_EVERY_Acrobot-v1 = 500
DS_STEPS = $(if $(filter command line,$(origin STEPS)),$(STEPS),$(DS_STEPS_$(ENV)))
# The evaluation return to reach: empty for the environment's solved
# return (lib/env: Gymnasium's reward_threshold, -200 on Pendulum-v1); a
# bridged gym: environment has none, so it needs DS_THRESHOLD=RETURN.
DS_THRESHOLD ?=
DS_EVAL_EVERY = $(or $(DS_EVAL_EVERY_$(ENV)),1000)
# The presets every variant starts from: tuned (rl-zoo's CartPole-v1 PPO,
# also used on Acrobot-v1), pendulum on Pendulum-v1 (rl-zoo's Pendulum-v1
# PPO; dyna-pendulum's model learns the reward).
DS_PRESET_Pendulum-v1 = pendulum
DS_PRESET = $(or $(DS_PRESET_$(ENV)),tuned)

# The variants: DS_<name> holds the run's variables, DS_WHY_<name> the
# report's line on what it changes and why.
DS_VARIANTS ?= ppo-tuned ppo-mb64 dyna-tuned dyna-joint dyna-joint-split dyna-split-mb64 dyna-mbpo dyna-rounds dyna-mopo dyna-ts dyna-mve dyna-mirror

DS_ppo-tuned = ALGO=ppo PRESET=$(DS_PRESET)
DS_WHY_ppo-tuned = the baseline: tuned PPO (rl-baselines3-zoo's CartPole-v1 settings, one environment × 256 steps; its Pendulum-v1 settings on Pendulum)
DS_ppo-mb64 = ALGO=ppo PRESET=$(DS_PRESET) MINIBATCH=64
DS_WHY_ppo-mb64 = a control without a model: tuned PPO with minibatches of 64, four times the gradient steps per rollout, so the model's gain can be told from the gain of more updates per real step
DS_dyna-tuned = ALGO=dyna PRESET=$(DS_PRESET)
DS_WHY_dyna-tuned = tuned Dyna-PPO as it stands: tuned PPO's update on the real rollout, then one on 32 imagined rollouts of up to 10 steps
DS_dyna-joint = ALGO=dyna PRESET=$(DS_PRESET) DYNA_ORDER=joint
DS_WHY_dyna-joint = real and imagined rows in one update with one advantage normalisation (the control for dyna-joint-split)
DS_dyna-joint-split = ALGO=dyna PRESET=$(DS_PRESET) DYNA_ORDER=joint NORM_ADV_SPLIT=1
DS_WHY_dyna-joint-split = one update on real and imagined rows, advantages normalised per kind (ppo --norm-adv-split), so imagined rows' scale cannot swamp the real rows'
DS_dyna-split-mb64 = ALGO=dyna PRESET=$(DS_PRESET) DYNA_ORDER=joint NORM_ADV_SPLIT=1 MINIBATCH=64
DS_WHY_dyna-split-mb64 = dyna-joint-split with ppo-mb64's minibatches of 64: the model on top of the model-free control's extra updates
DS_dyna-mbpo = ALGO=dyna PRESET=$(DS_PRESET) IMAG_BATCHES=400 HORIZON=2 IMAG_EPOCHS=40 IMAG_TARGET_KL=0.02
DS_WHY_dyna-mbpo = MBPO's branched rollouts: many short rollouts (400 × 2 steps) from the recent real states, a large imagined:real ratio, and more epochs on the imagined data, stopped by a KL target
DS_dyna-rounds = ALGO=dyna PRESET=$(DS_PRESET) IMAG_ROUNDS=3
DS_WHY_dyna-rounds = three imagine-and-update rounds per real rollout, each imagining with the policy the last round made: more trust-region steps per real step
DS_dyna-mopo = ALGO=dyna PRESET=$(DS_PRESET) ENSEMBLE=3 REWARD_PENALTY=20
DS_WHY_dyna-mopo = MOPO's uncertainty penalty r̂ − λ·σ (σ the 3 members' disagreement on the state change, λ = 20): imagined steps the members disagree on pay less
DS_dyna-ts = ALGO=dyna PRESET=$(DS_PRESET) ENSEMBLE=5 PROPAGATION=random MODEL_PRESET=tuned
DS_WHY_dyna-ts = trajectory sampling (PETS' TS1) over 5 probabilistic members (the tuned model): each imagined step is drawn from a random member's Gaussian instead of one model's mean
DS_dyna-mve = ALGO=dyna PRESET=$(DS_PRESET) MVE_HORIZON=3
DS_WHY_dyna-mve = model-based value expansion: the critic's targets on real rows are 3 model steps plus V (ppo --mve-model), lower-variance targets where the model is accurate
DS_dyna-mirror = ALGO=dyna PRESET=$(DS_PRESET) MODEL_MIRROR=1
DS_WHY_dyna-mirror = the environment's symmetry, the prior the MPC preset uses: the model is fitted on the buffer and its mirror image

ifneq ($(filter dyna-study%,$(MAKECMDGOALS)),)
# ds_rule VARIANT SEED: the run DIR/VARIANT-sSEED (the run's variables are
# cleared from the environment first, as in level3.mk, so that its preset's
# "?=" values hold).
define ds_rule
$(OUT)/$(1)-s$(2)/done:
	@env $$(addprefix -u ,$$(RUN_VAR_NAMES)) $$(MAKE) --no-print-directory run-only ENV=$(ENV) SEED=$(2) STEPS=$(DS_STEPS) EVAL_EVERY=$(DS_EVAL_EVERY) OUT=$(OUT)/$(1)-s$(2) VARIANT=$(1) $(DS_$(1))
	@echo "dyna-study: $(1) seed $(2) done" >&2
endef
$(foreach v,$(DS_VARIANTS),$(foreach s,$(DS_SEEDS),$(eval $(call ds_rule,$(v),$(s)))))
endif

DS_RUNS = $(foreach v,$(DS_VARIANTS),$(foreach s,$(DS_SEEDS),$(OUT)/$(v)-s$(s)/done))

.PHONY: dyna-study dyna-study-runs dyna-study-report
dyna-study: build
	@$(if $(DS_STEPS),,echo "dyna-study: ENV=$(ENV): no budget (set STEPS=N)" >&2; exit 2)
	@$(if $(DS_THRESHOLD),,$(if $(filter gym:%,$(ENV)),echo "dyna-study: ENV=$(ENV): no solved return known: set DS_THRESHOLD=RETURN" >&2; exit 2))
	@$(MAKE) --no-print-directory -j$(JOBS) dyna-study-runs
	@$(MAKE) --no-print-directory dyna-study-report

dyna-study-runs: $(DS_RUNS)

dyna-study-report:
	@mkdir -p $(OUT)
	$(file >$(OUT)/variants.tsv,$(foreach v,$(DS_VARIANTS),$(v)	$(DS_WHY_$(v))$(newline)))
	$(BIN)/report dyna-study --runs $(OUT) --out $(OUT)/report.md --baseline ppo-tuned $(if $(DS_THRESHOLD),--threshold $(DS_THRESHOLD)) --describe $(OUT)/variants.tsv $(DS_REPORT_FLAGS) \
		--regenerate 'make dyna-study ENV=$(ENV) OUT=$(OUT) STEPS=$(DS_STEPS)$(if $(DS_THRESHOLD), DS_THRESHOLD=$(DS_THRESHOLD)) DS_SEEDS="$(DS_SEEDS)" DS_VARIANTS="$(DS_VARIANTS)"'
	@echo "dyna-study: report in $(OUT)/report.md" >&2

define newline


endef
