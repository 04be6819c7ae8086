package sweep

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"
)

// checkSlurm is CheckSlurm, asked once: an unreachable controller takes
// seconds to answer.
var checkSlurm = sync.OnceValue(CheckSlurm)

// requireSlurm skips the test when Slurm is not installed or its
// controller does not answer, or fails it if DYNAGO_REQUIRE_SLURM=1 (CI,
// after .ci/slurm.sh).
func requireSlurm(t *testing.T) {
	t.Helper()
	if err := checkSlurm(); err != nil {
		if os.Getenv("DYNAGO_REQUIRE_SLURM") == "1" {
			t.Fatalf("DYNAGO_REQUIRE_SLURM=1 but %v", err)
		}
		t.Skip(err)
	}
}

// TestSlurmMatchesLocal runs the same successive-halving sweep (3 then 1
// trials, 2 seeds), with one run failing once, on both backends and compares their histories.
func TestSlurmMatchesLocal(t *testing.T) {
	requireSlurm(t)
	dir := t.TempDir()
	histories := map[string][][]string{}
	for _, name := range []string{"local", "slurm"} {
		sw := filepath.Join(dir, name)
		failDir := filepath.Join(dir, name+"-fail")
		must(t, os.MkdirAll(failDir, 0o755))
		// Every run but 0000-s1 has already "failed once".
		for id := range 4 {
			for _, s := range []string{"0", "1"} {
				if n := runName(id, 0)[:4] + "-s" + s; n != "0000-s1" {
					must(t, os.WriteFile(filepath.Join(failDir, n), nil, 0o644))
				}
			}
		}
		sp := testSpace(t, strings.Replace(smallSpace, "max: 9000", "max: 3000", 1)+"fixed:\n  FAILONCE: "+failDir+"\n")
		var backend Backend = Local{Parallel: 2}
		if name == "slurm" {
			backend = Slurm{Dir: filepath.Join(sw, "slurm"), Parallel: 4, Poll: time.Second}
		}
		start := time.Now()
		s, stderr, err := runSweep(t, sweepCase{space: sp, opt: NewSuccessiveHalving(sp, 3, rand.NewPCG(5, 5)),
			backend: backend, dir: sw, retries: 1})
		if err != nil {
			t.Fatalf("%s: %v\n%s", name, err, stderr)
		}
		t.Logf("%s: %d trials in %s", name, len(s.Trials), time.Since(start).Round(time.Millisecond))
		if !strings.Contains(stderr, "run 0000-s1 attempt 1/2 failed") {
			t.Errorf("%s: failure of 0000-s1 not reported:\n%s", name, stderr)
		}
		histories[name] = summary(t, sw)
	}
	if !reflect.DeepEqual(histories["local"], histories["slurm"]) {
		t.Errorf("histories differ:\nlocal %v\nslurm %v", histories["local"], histories["slurm"])
	}
	if logs, _ := filepath.Glob(filepath.Join(dir, "slurm", "slurm", "batch-*.list")); len(logs) != 3 {
		t.Errorf("%d job arrays, want 3 (2 rungs and 1 retry)", len(logs))
	}
}

// TestSlurmCancelled checks that an array task Slurm cancels counts as a
// failed run, reported and retried.
func TestSlurmCancelled(t *testing.T) {
	requireSlurm(t)
	if testing.Short() {
		t.Skip("slow")
	}
	dir := t.TempDir()
	sp := testSpace(t, "budget: {name: STEPS, min: 1, max: 1}\nseeds: [0]\nparams:\n  X: {type: float, low: 0, high: 1}\n")
	// The run cancels its own array task the first time.
	stub := filepath.Join(dir, "run")
	must(t, os.WriteFile(stub, []byte(`#!/bin/sh
for a; do case $a in OUT=*) out=${a#OUT=};; esac; done
if [ ! -e "$out.cancelled" ]; then touch "$out.cancelled"; scancel "${SLURM_ARRAY_JOB_ID}_${SLURM_ARRAY_TASK_ID}"; sleep 30; fi
`+fakeRunCmd(t)+` "$@"
`), 0o755))
	var log strings.Builder
	s, err := Run(t.Context(), Options{Space: sp, Optimizer: NewRandom(sp, 1, rand.NewPCG(1, 1)), Objective: Objective{LastK: 1},
		Maximize: true, Dir: filepath.Join(dir, "sweep"), RunCmd: stub, Retries: 1, Log: &log,
		Backend: Slurm{Dir: filepath.Join(dir, "slurm"), Parallel: 1, Poll: time.Second}})
	if err != nil {
		t.Fatalf("%v\n%s", err, log.String())
	}
	if r := s.Trials[0].Runs[0]; r.Status != StatusDone || r.Attempts != 2 {
		t.Errorf("run %+v, want done after 2 attempts", r)
	}
	if !strings.Contains(log.String(), "no exit status: cancelled") {
		t.Errorf("cancellation not reported:\n%s", log.String())
	}
}
