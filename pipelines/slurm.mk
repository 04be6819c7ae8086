# slurm.mk: run an experiment's runs as one Slurm job array.
#
# Include it from the Makefile (include pipelines/slurm.mk). Two targets:
#
#   slurm-runs   runs every non-empty line of SLURM_LIST (a file of shell
#                commands, one a line) as one array task, from the current
#                directory, and waits; fails if any task failed.
#   slurm-seeds  writes one `make run` line per seed of SEEDS to
#                SLURM_OUT/slurm.list and runs it through slurm-runs; run s
#                gets SEED=s OUT=SLURM_OUT/s<s> and the variables of
#                SLURM_RUN_ARGS.
#
# Example, five seeds of PPO's course preset, at most 4 at a time:
#
#   make slurm-seeds SEEDS='0 1 2 3 4' SLURM_OUT=runs/ppo-course \
#       SLURM_RUN_ARGS='ALGO=ppo PRESET=course ENV=CartPole-v1 STEPS=100000' \
#       SLURM_PARALLEL=4
#
# Each task's output goes to SLURM_LIST-<task>.log. Paths must be on a file
# system the compute nodes share. SLURM_ARGS is passed to sbatch (e.g.
# --partition=gpu --time=2:00:00). Hyperparameter sweeps use bin/sweep
# --backend slurm instead (docs/SWEEPS.md).

SEEDS ?= 0 1 2 3 4
SLURM_PARALLEL ?= 8
SLURM_ARGS ?=
SLURM_RUN_ARGS ?=
SLURM_OUT ?= runs/slurm

.PHONY: slurm-runs slurm-seeds

slurm-runs:
	@test -s "$(SLURM_LIST)" || { echo "slurm.mk: SLURM_LIST=FILE must name a file of commands, one a line" >&2; exit 2; }
	@n=$$(grep -c . "$(SLURM_LIST)"); \
	printf '%s\n' '#!/bin/sh' \
		'line=$$(grep . "$$1" | sed -n "$$((SLURM_ARRAY_TASK_ID + 1))p")' \
		'exec sh -c "$$line"' >"$(SLURM_LIST).sh"; \
	echo "slurm.mk: $$n runs of $(SLURM_LIST) as a job array" >&2; \
	sbatch --parsable --wait --job-name=runs --array=0-$$((n - 1))%$(SLURM_PARALLEL) \
		--output="$(abspath $(SLURM_LIST))-%a.log" $(SLURM_ARGS) \
		"$(SLURM_LIST).sh" "$(abspath $(SLURM_LIST))" >/dev/null || \
		{ echo "slurm.mk: some runs of $(SLURM_LIST) failed; see $(SLURM_LIST)-<task>.log" >&2; exit 1; }

slurm-seeds:
	@mkdir -p "$(SLURM_OUT)"
	@: >"$(SLURM_OUT)/slurm.list"
	@$(foreach s,$(SEEDS),echo '$(MAKE) -C $(CURDIR) run $(SLURM_RUN_ARGS) SEED=$(s) OUT=$(abspath $(SLURM_OUT))/s$(s)' >>"$(SLURM_OUT)/slurm.list";)
	@$(MAKE) --no-print-directory slurm-runs SLURM_LIST="$(SLURM_OUT)/slurm.list"
