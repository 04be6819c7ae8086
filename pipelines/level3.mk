# Level 3: ensembles and epistemic uncertainty, uncertainty-gated
# imagination, and ensemble CEM MPC against Dyna-PPO.
#
#   make level3          OUT=DIR [ENV=CartPole-v1] [SEEDS="0 1 2"] [STEPS=15000]   every experiment, then DIR/report.md
#   make level3-ensemble OUT=DIR ...   Dyna-PPO with ensembles of L3_ENSEMBLES members, model evaluations on
#   make level3-gating   OUT=DIR ...   gates L3_TAUS on an L3_M-member ensemble against ungated and PPO,
#                                      and the stress setting L3_STRESS (single model, ungated, gated at L3_STRESS_TAU)
#   make level3-mpc      OUT=DIR ...   CEM MPC (MPC_PRESET, MPC_STEPS real steps) against the ungated L3_M
#                                      ensemble, and Level 3.3's ablation on equal terms (L3_ABLATION, below)
#   make level3-report   OUT=DIR       the report of whatever runs DIR holds
#
# Each experiment target writes DIR/report.md over the runs DIR holds, so
# after level3-ensemble alone the report has that section and says how to
# make the others. Runs live in DIR/<variant>-s<seed>/ (variant names as
# pipelines/level3.mk makes them: ppo, mpc, mpc-<prior>, dyna-m<M>,
# dyna-m<M>-gate<TAU>, ...-stress, dyna-m<M>-mirror, dyna-mpcmodel;
# cmd/report/internal/level3 reads each run's role from its settings); a
# run shared between experiments (dyna-m$(L3_M), ppo) is made once, a
# finished run is reused, and an interrupted make continues each run from
# its last finished iteration. Dyna-PPO runs use the course's loop
# (L3_PRESET) with the tuned model (L3_MODEL_PRESET: 2×200, probabilistic,
# standardised targets, so var_delta and the gates' τ are on standardised
# state changes).
#
# ENV picks the defaults. CartPole-v1 (and every environment without its
# own line below): the above, MPC_PRESET=tuned for MPC_STEPS=3000 real
# steps evaluated every MPC_EVAL_EVERY=1000, Dyna-PPO for STEPS=15000, and
# the ablation. Pendulum-v1: the pendulum presets (L3_PRESET=pendulum, its
# own model: L3_MODEL_HIDDEN empty keeps the preset's 64,64; L3_M=3, the
# preset's ensemble), MPC_PRESET=pendulum for MPC_STEPS=2000 evaluated
# every 250, Dyna-PPO and PPO for 100,000 real steps, and no ablation
# (Pendulum's MPC preset has no priors). On Pendulum-v1 level3-mpc's runs
# are level1's (ppo, dyna and mpc-pendulum: make level1 ENV=Pendulum-v1
# OUT=DIR makes the same ones), so the two levels share one set of runs;
# the report compares them at 2,000, 20,000 and 100,000 real steps.

SEEDS ?= 0 1 2 3 4 5 6 7 8 9
JOBS ?= $(shell nproc)
L3_PENDULUM = $(filter Pendulum-v1,$(ENV))
L3_PRESET ?= $(if $(L3_PENDULUM),pendulum,course)
L3_MODEL_PRESET ?= tuned
L3_ENSEMBLES ?= 3 5 10
L3_M ?= $(if $(L3_PENDULUM),3,5)
L3_TAUS ?= 0.01 0.05 0.1 0.2
L3_STRESS ?= HORIZON=20
L3_STRESS_TAU ?= 0.1
MPC_PRESET ?= $(if $(L3_PENDULUM),pendulum,tuned)
MPC_STEPS ?= $(if $(L3_PENDULUM),2000,3000)
MPC_EVAL_EVERY ?= $(if $(L3_PENDULUM),250,1000)
# The Dyna-PPO (and level1's PPO) budget: STEPS when given, else 100,000
# on Pendulum-v1 and run.mk's 15,000 elsewhere.
L3_STEPS = $(if $(filter command line environment override,$(origin STEPS)),$(STEPS),$(if $(L3_PENDULUM),100000,$(STEPS)))
L3_REPORT_FLAGS ?=
# The report's path (answers.json and fig/ go beside it). On Pendulum-v1
# level3-mpc shares level1's runs and OUT, so its report goes to
# OUT/level3/ and leaves level1's OUT/report.md.
L3_REPORT ?= $(if $(L3_PENDULUM),$(OUT)/level3/report.md,$(OUT)/report.md)

# l3_rule VARIANT SEED MAKE-VARS: the run DIR/VARIANT-sSEED. The run's
# variables are cleared from the environment first: this make exported
# them as its own ALGO's preset (or empty) left them, and an exported
# value, even an empty one, would defeat the run's own preset's "?=".
# Variables given on the command line still reach the run (MAKEFLAGS).
define l3_rule
$(OUT)/$(1)-s$(2)/done:
	@env $$(addprefix -u ,$$(RUN_VAR_NAMES)) $$(MAKE) --no-print-directory run-only SEED=$(2) OUT=$(OUT)/$(1)-s$(2) VARIANT=$(1) $(3)
endef
# l3_variant VARIANT MAKE-VARS: its rule for every seed.
l3_variant = $(foreach s,$(SEEDS),$(eval $(call l3_rule,$(1),$(s),$(2))))
l3_done = $(foreach s,$(SEEDS),$(OUT)/$(1)-s$(s)/done)

# L3_MODEL_HIDDEN: the members' hidden layers (the tuned preset's 2×200
# makes a 10-member ensemble's runs ~10× slower than the course's 1×128).
# Empty: the preset's own.
L3_MODEL_HIDDEN ?= $(if $(L3_PENDULUM),,128)
L3_DYNA = ALGO=dyna PRESET=$(L3_PRESET) MODEL_PRESET=$(L3_MODEL_PRESET) $(if $(L3_MODEL_HIDDEN),MODEL_HIDDEN=$(L3_MODEL_HIDDEN)) STEPS=$(L3_STEPS)

# The ppo runs are level1.mk's (its pattern rule for OUT/ppo-s<seed>): an
# explicit rule here would override that rule for every level's OUT, and
# L1_PRESET (default course) would no longer pick their preset.
$(foreach m,$(sort $(L3_ENSEMBLES) $(L3_M)),$(call l3_variant,dyna-m$(m),$(L3_DYNA) ENSEMBLE=$(m) EVAL_MODEL=1))
$(foreach t,$(L3_TAUS),$(call l3_variant,dyna-m$(L3_M)-gate$(t),$(L3_DYNA) ENSEMBLE=$(L3_M) GATE_VARIANCE=$(t) EVAL_MODEL=0))
$(call l3_variant,dyna-m1-stress,$(L3_DYNA) ENSEMBLE=1 EVAL_MODEL=0 $(L3_STRESS))
$(call l3_variant,dyna-m$(L3_M)-stress,$(L3_DYNA) ENSEMBLE=$(L3_M) EVAL_MODEL=0 $(L3_STRESS))
$(call l3_variant,dyna-m$(L3_M)-gate$(L3_STRESS_TAU)-stress,$(L3_DYNA) ENSEMBLE=$(L3_M) GATE_VARIANCE=$(L3_STRESS_TAU) EVAL_MODEL=0 $(L3_STRESS))
$(call l3_variant,mpc,ALGO=mpc PRESET=$(MPC_PRESET) STEPS=$(MPC_STEPS) EVAL_EVERY=$(MPC_EVAL_EVERY))

# Level 3.3's ablation on equal terms (make level3-mpc): MPC's priors one
# at a time (each "+X" keeps the preset's X and turns the other two off;
# mpc above has all three), the CEM action rule, and Dyna-PPO given MPC's
# priors. MPC runs end at MPC_STEPS, except the variants in
# L3_ABLATION_LONG, which run to STEPS (evaluated every
# L3_ABLATION_LONG_EVAL steps: an MPC evaluation plans every step of 5
# episodes) so that both sides are also compared at STEPS.
L3_ABLATION_LONG ?= mpc-learned
L3_ABLATION_LONG_EVAL ?= 3000
# L3_ABLATION_EVAL: the evaluation interval of the other ablation MPC arms
# (3000 compares them at MPC_STEPS alone, at a third of the cost).
L3_ABLATION_EVAL ?= $(MPC_EVAL_EVERY)
l3_mpc_abl = ALGO=mpc PRESET=$(MPC_PRESET) $(if $(filter $(1),$(L3_ABLATION_LONG)),STEPS=$(L3_STEPS) EVAL_EVERY=$(L3_ABLATION_LONG_EVAL),STEPS=$(MPC_STEPS) EVAL_EVERY=$(L3_ABLATION_EVAL))
L3_NO_MIRROR = MODEL_MIRROR=0
L3_NO_DENSITY = CEM_DENSITY_PENALTY=0
L3_NO_EXACT = MODEL_EXACT_CONST_REWARD=0
$(call l3_variant,mpc-learned,$(call l3_mpc_abl,mpc-learned) $(L3_NO_MIRROR) $(L3_NO_DENSITY) $(L3_NO_EXACT))
$(call l3_variant,mpc-mirror,$(call l3_mpc_abl,mpc-mirror) $(L3_NO_DENSITY) $(L3_NO_EXACT))
$(call l3_variant,mpc-density,$(call l3_mpc_abl,mpc-density) $(L3_NO_MIRROR) $(L3_NO_EXACT))
$(call l3_variant,mpc-exact,$(call l3_mpc_abl,mpc-exact) $(L3_NO_MIRROR) $(L3_NO_DENSITY))
$(call l3_variant,mpc-best,$(call l3_mpc_abl,mpc-best) CEM_ACTION=best)
# Dyna-PPO with MPC's model: the model settings of MPC_PRESET's file
# (architecture, loss, terminal weights, exact constant reward, mirror,
# buffer), each loop keeping its own training rhythm (MPC refits from
# scratch every MODEL_EVERY steps; Dyna-PPO warm-starts MODEL_UPDATES
# steps per iteration), and imagined rollouts ended by the learned
# termination head as MPC's are.
L3_MPC_MODEL = $(shell sed -n 's/^\(MODEL_[A-Z_]*\|ENSEMBLE\|BUFFER_SIZE\) ?= */\1=/p' $(ROOT)/pipelines/presets/mpc-$(MPC_PRESET).mk | grep -v '^MODEL_\(EVERY\|EPOCHS\|HOLDOUT\|PATIENCE\|WARM\)=')
$(call l3_variant,dyna-m$(L3_M)-mirror,$(L3_DYNA) ENSEMBLE=$(L3_M) EVAL_MODEL=0 MODEL_MIRROR=1)
$(call l3_variant,dyna-mpcmodel,ALGO=dyna PRESET=$(L3_PRESET) STEPS=$(L3_STEPS) EVAL_MODEL=0 $(L3_MPC_MODEL) TERMINATION=model)

L3_ENSEMBLE_RUNS = $(foreach m,$(L3_ENSEMBLES),$(call l3_done,dyna-m$(m)))
L3_GATING_RUNS = $(call l3_done,ppo) $(call l3_done,dyna-m$(L3_M)) \
	$(foreach t,$(L3_TAUS),$(call l3_done,dyna-m$(L3_M)-gate$(t))) \
	$(call l3_done,dyna-m1-stress) $(call l3_done,dyna-m$(L3_M)-stress) \
	$(call l3_done,dyna-m$(L3_M)-gate$(L3_STRESS_TAU)-stress)
L3_ABLATION ?= $(if $(L3_PENDULUM),,mpc-learned mpc-mirror mpc-density mpc-exact mpc-best dyna-m$(L3_M)-mirror dyna-mpcmodel)
# Pendulum-v1: level1.mk's runs (its rules, L1_PRESET, L1_STEPS, L1_MPC_STEPS).
L3_MPC_RUNS = $(if $(L3_PENDULUM),$(call l3_done,ppo) $(call l3_done,dyna) $(call l3_done,$(L1_MPC_VARIANT)),$(call l3_done,mpc) $(call l3_done,dyna-m$(L3_M))) \
	$(foreach v,$(L3_ABLATION),$(call l3_done,$(v)))
L3_RUNS_level3 = $(L3_ENSEMBLE_RUNS) $(L3_GATING_RUNS) $(L3_MPC_RUNS)
L3_RUNS_level3-ensemble = $(L3_ENSEMBLE_RUNS)
L3_RUNS_level3-gating = $(L3_GATING_RUNS)
L3_RUNS_level3-mpc = $(L3_MPC_RUNS)

.PHONY: level3 level3-ensemble level3-gating level3-mpc level3-report \
	level3-runs level3-ensemble-runs level3-gating-runs level3-mpc-runs
level3 level3-ensemble level3-gating level3-mpc: build
	@$(exp_start)
	@$(MAKE) --no-print-directory -j$(JOBS) $@-runs $(call exp_vars,$(sort $(L3_RUNS_$@)))
	@$(MAKE) --no-print-directory level3-report L3_GOAL=$@

level3-runs: level3-ensemble-runs level3-gating-runs level3-mpc-runs
level3-ensemble-runs: $(L3_ENSEMBLE_RUNS)
level3-gating-runs: $(L3_GATING_RUNS)
level3-mpc-runs: $(L3_MPC_RUNS)

level3-report:
	$(BIN)/report level3 --runs $(OUT) --out $(L3_REPORT) --m $(L3_M) $(L3_REPORT_FLAGS) \
		--regenerate 'make $(or $(L3_GOAL),level3) ENV=$(ENV) OUT=$(OUT) STEPS=$(L3_STEPS) MPC_PRESET=$(MPC_PRESET) MPC_STEPS=$(MPC_STEPS) SEEDS="$(SEEDS)" L3_REPORT=$(L3_REPORT)'
	@echo "level3: report in $(L3_REPORT)" >&2
