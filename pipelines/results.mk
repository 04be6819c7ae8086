# docs/RESULTS.md's generated block: every experiment's headline answers
# and main figures, from the runs.
#
#   make results        [RESULTS=runs/results]   every experiment into RESULTS/<experiment>, then the block
#   make results-report [RESULTS=runs/results]   only the block, over whatever RESULTS holds
#   make results-<experiment> [RESULTS=...]      one experiment (results-level1, results-pendulum, ...)
#
# Each experiment is its own make target with OUT=RESULTS/<experiment>, so
# finished runs are reused and an interrupted one continues; its report
# writes answers.json beside report.md (docs/FORMATS.md). results-report
# runs `report results`, which copies each experiment's main figures to
# docs/results/<experiment>/ and rewrites only the part of docs/RESULTS.md
# between "<!-- BEGIN make results -->" and "<!-- END make results -->".
# Variables given to make results (SEEDS, JOBS, ...) reach every
# experiment.

RESULTS ?= runs/results
RESULTS_DOC ?= docs/RESULTS.md
RESULTS_FIGURES ?= docs/results

# The experiments, in order, and the make command of each (OUT is added).
RESULTS_EXPERIMENTS ?= level1 level2 level3 dyna-study-CartPole-v1 dyna-study-Acrobot-v1 pendulum pendulum-level3
RESULTS_CMD_level1 = level1
RESULTS_CMD_level2 = level2
RESULTS_CMD_level3 = level3
RESULTS_CMD_dyna-study-CartPole-v1 = dyna-study ENV=CartPole-v1
RESULTS_CMD_dyna-study-Acrobot-v1 = dyna-study ENV=Acrobot-v1
RESULTS_CMD_pendulum = level1 ENV=Pendulum-v1
# Pendulum's Level 3.3 shares the Level-1 runs in RESULTS/pendulum
# (level3.mk); its report goes to RESULTS/pendulum-level3.
RESULTS_CMD_pendulum-level3 = level3-mpc ENV=Pendulum-v1 L3_REPORT=$(RESULTS)/pendulum-level3/report.md
RESULTS_OUT_pendulum-level3 = pendulum

.PHONY: results results-report $(addprefix results-,$(RESULTS_EXPERIMENTS))
results: build
	@for e in $(RESULTS_EXPERIMENTS); do $(MAKE) --no-print-directory results-$$e || exit 1; done
	@$(MAKE) --no-print-directory results-report

$(addprefix results-,$(RESULTS_EXPERIMENTS)): results-%: build
	$(MAKE) --no-print-directory $(RESULTS_CMD_$*) OUT=$(RESULTS)/$(or $(RESULTS_OUT_$*),$*)

results-report: build
	$(BIN)/report results --runs $(RESULTS) --out $(RESULTS_DOC) --figures $(RESULTS_FIGURES)
