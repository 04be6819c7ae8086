# dynago: build the tools, run experiments, run the tests.
#
#   make                 build every tool into bin/ and run the main job
#                        (a quick Level-1 experiment with its report)
#   make test            run the whole test suite
#   make fuzz-inputs     the bad-input corpus in its large mode [FUZZTIME=30s: and the readers' fuzz targets]
#   make run ALGO=ppo|dyna|mpc PRESET=course|tuned ENV=CartPole-v1 SEED=0 STEPS=15000 OUT=runs/x
#   make level1|level2|level3 OUT=DIR [SEEDS="0 1 2"] [STEPS=15000]
#
# Go is the only prerequisite; modules come through the Go module proxy.

SHELL := /bin/bash
GO ?= go
ROOT := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))
BIN := $(ROOT)/bin
export BIN

.DEFAULT_GOAL := all

.PHONY: all build test bench vet clean main fuzz-inputs
all: build main

# The main job: a quick Level-1 experiment (5 seeds) with its report.
main: build
	@$(MAKE) --no-print-directory level1 OUT=runs/main SEEDS="0 1 2 3 4"

# urfave_cli_no_docs drops urfave/cli's man-page and markdown generators
# (and blackfriday's package initialisation, ~1 ms at every start);
# -s -w drop the symbol table and DWARF, which shrinks the binaries that
# a run starts ~1000 times. Panics still print file:line traces.
#
# The commit, its time and whether the tree has uncommitted changes go
# into lib/tool (reports record them in answers.json); empty outside git.
VCS_X = $(shell git -C '$(ROOT)' log -1 --format='-X github.com/dynago/dynago/lib/tool.commit=%H -X github.com/dynago/dynago/lib/tool.commitTime=%cI' 2>/dev/null) \
	$(if $(shell git -C '$(ROOT)' status --porcelain --untracked-files=no 2>/dev/null),-X github.com/dynago/dynago/lib/tool.modified=true)
build:
	@mkdir -p $(BIN)
	$(GO) build -trimpath -tags urfave_cli_no_docs -ldflags='-s -w $(VCS_X)' -o $(BIN)/ ./cmd/...

test: build
	$(GO) vet ./...
	$(GO) test -count=1 ./...

# The bad-input corpus in its large mode: 64 random and 64 flipped-byte
# variants of every valid file (seeded) against every tool, besides the
# other cases; then, with FUZZTIME set (e.g. FUZZTIME=30s), each file
# reader's Go fuzz target for that long.
FUZZ_TARGETS := ./lib/format:FuzzReadTransitions ./lib/format:FuzzReadWeights ./lib/format:FuzzReadMetrics \
	./lib/agent:FuzzPolicyMeta ./lib/agent:FuzzRestoreRunner ./lib/sweep:FuzzParseSpace ./cmd/inspect/internal/app:FuzzInspect
fuzz-inputs:
	DYNAGO_BADINPUT_LARGE=1 $(GO) test -count=1 -timeout 60m ./internal/badinput
	@if [ -n "$(FUZZTIME)" ]; then for t in $(FUZZ_TARGETS); do \
		$(GO) test -run '^$$' -fuzz "^$${t#*:}$$" -fuzztime $(FUZZTIME) "$${t%%:*}" || exit 1; done; fi

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./lib/...

clean:
	rm -rf $(BIN)

include $(ROOT)/pipelines/run.mk
-include $(ROOT)/pipelines/level1.mk
-include $(ROOT)/pipelines/level2.mk
-include $(ROOT)/pipelines/level3.mk
-include $(ROOT)/pipelines/slurm.mk
-include $(ROOT)/pipelines/sweep.mk
-include $(ROOT)/pipelines/dynastudy.mk
-include $(ROOT)/pipelines/results.mk
