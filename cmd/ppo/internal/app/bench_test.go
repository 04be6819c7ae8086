package app

import (
	"bytes"
	"math"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/dynago/dynago/lib/agent"
	"github.com/dynago/dynago/lib/env"
	"github.com/dynago/dynago/lib/format"
	"github.com/dynago/dynago/lib/tool"
)

// BenchmarkCourseUpdate runs the whole tool in-process as a course run's
// iteration calls it: one PPO update of a course policy (1×128 ReLU, 4
// epochs, minibatch 64) on a 200-step CartPole episode, reading the policy
// and the data and writing the new policy and metrics. With process start
// (`perf stat bin/ppo --help`) this is the cost of one ppo call of
// `make run ALGO=ppo PRESET=course`.
func BenchmarkCourseUpdate(b *testing.B) {
	dir := b.TempDir()
	policy := filepath.Join(dir, "policy.arrow")
	data := filepath.Join(dir, "real.arrow")
	run := func(args ...string) {
		var stdout, stderr bytes.Buffer
		if code := tool.Run(New(), append([]string{"ppo"}, args...), &stdout, &stderr); code != 0 {
			b.Fatalf("ppo %s: exit %d: %s", strings.Join(args, " "), code, stderr.String())
		}
	}
	run("--init", "--env", "CartPole-v1", "--preset", "course", "--seed", "0", "--out", policy)
	p, err := agent.Load(policy)
	if err != nil {
		b.Fatal(err)
	}
	e, _ := env.Make("CartPole-v1")
	r := agent.NewRunner(e, agent.PolicyActor{Policy: p}, 0, agent.StreamCollect)
	const steps = 200
	tr := r.NewTransitions(steps)
	if _, err := r.Run(tr, steps, 0); err != nil {
		b.Fatal(err)
	}
	tr.Meta = format.Meta{"env": "CartPole-v1"}
	if err := format.WriteTransitions(data, tr); err != nil {
		b.Fatal(err)
	}
	out := filepath.Join(dir, "out.arrow")
	metrics := filepath.Join(dir, "ppo.metrics.arrow")
	b.ReportAllocs()
	cpu0 := cpuSeconds()
	for b.Loop() {
		run("--policy", policy, "--data", data, "--out", out, "--metrics", metrics,
			"--seed", "1", "--real-steps", "200", "--preset", "course", "--total-steps", "15000")
	}
	b.ReportMetric((cpuSeconds()-cpu0)*1e3/float64(b.N), "cpu-ms/op")
}

// cpuSeconds returns the user+system CPU time of the process.
func cpuSeconds() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return math.NaN()
	}
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}
