# Hyperparameter sweeps (docs/SWEEPS.md).
#
#   make sweep-dyna OUT=DIR [SWEEP_BACKEND=local|slurm] [SWEEP_PARALLEL=N]
#
# tunes Dyna-PPO's tuned preset on CartPole-v1 with Hyperband over the
# real-step budget (pipelines/sweeps/dyna-tuned.yaml), scoring each run by
# the mean evaluation return over its curve (sample efficiency). The best
# configuration lands in DIR/best.mk, which `make run CONFIG=DIR/best.mk`
# accepts. An interrupted sweep continues where it stopped.

SWEEP_BACKEND ?= local
SWEEP_PARALLEL ?= $(shell nproc)

.PHONY: sweep-dyna
sweep-dyna: build
	$(BIN)/sweep --space $(ROOT)/pipelines/sweeps/dyna-tuned.yaml --dir $(OUT) \
		--optimizer hyperband --eta 3 --seed 1 --objective auc \
		--backend $(SWEEP_BACKEND) --parallel $(SWEEP_PARALLEL) \
		--run-cmd 'make --no-print-directory -C $(ROOT) run-only BIN=$(BIN)'
# run-only: the tools are built once above; trials must not rebuild bin/
# under each other's running binaries.
	@echo "sweep-dyna: best configuration in $(OUT)/best.mk" >&2
