package sweeptest

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/dynago/dynago/lib/format"
	"github.com/dynago/dynago/lib/tool"
)

// envVar switches a test binary into a fake run.
const envVar = "SWEEP_FAKE_RUN"

// MaybeRun runs Run on the process's arguments if the process was
// started through RunCmd, and returns the exit code for the caller's
// TestMain to exit with (before m.Run); ran is false (and nothing
// happens) otherwise. See lib/sweep/fake_test.go.
func MaybeRun() (code int, ran bool) {
	if os.Getenv(envVar) != "1" {
		return 0, false
	}
	if err := Run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "fakerun:", err)
		return 3, true
	}
	return 0, true
}

// RunCmd returns a --run-cmd that runs the current (test) binary as a
// fake run.
func RunCmd() (string, error) {
	exe, err := os.Executable()
	if err != nil {
		return "", err
	}
	return envVar + "=1 " + tool.Quote(exe), nil
}

// Level is the eval_return level of a fake run (before the budget factor):
// 100 - 100(X-0.3)^2 + N + 0.1 SEED, plus 5 if C is "b".
func Level(x, n, seed float64, c string) float64 {
	l := 100 - float64(100*math.Pow(x-0.3, 2)) + n + float64(0.1*seed)
	if c == "b" {
		l += 5
	}
	return l
}

// Run is a cheap deterministic run target. From its NAME=value arguments
// it writes OUT/metrics.arrow with 4 eval_return values whose
// level is Level(X, N, SEED, C) times k/4 · STEPS/(STEPS+1000) at
// RealSteps k·STEPS/4. It appends OUT to LOG if given; fails with exit 3 when
// FAIL=1, or the first time for each OUT when FAILONCE names a directory.
func Run(args []string) error {
	v := map[string]string{}
	for _, a := range args {
		k, val, ok := strings.Cut(a, "=")
		if !ok {
			return fmt.Errorf("argument %q is not NAME=value", a)
		}
		v[k] = val
	}
	out := v["OUT"]
	if out == "" {
		return fmt.Errorf("no OUT")
	}
	if l := v["LOG"]; l != "" {
		f, err := os.OpenFile(l, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
		if err != nil {
			return err
		}
		fmt.Fprintln(f, filepath.Base(out))
		f.Close()
	}
	if v["FAIL"] == "1" {
		return fmt.Errorf("failing as asked")
	}
	if d := v["FAILONCE"]; d != "" {
		marker := filepath.Join(d, filepath.Base(out))
		if _, err := os.Stat(marker); err != nil {
			os.WriteFile(marker, nil, 0o644)
			return fmt.Errorf("failing once as asked")
		}
	}
	num := func(k string) float64 { x, _ := strconv.ParseFloat(v[k], 64); return x }
	level := Level(num("X"), num("N"), num("SEED"), v["C"])
	steps := int64(num("STEPS"))
	m := &format.Metrics{Meta: format.Meta{"tool": "fakerun"}}
	for k := int64(1); k <= 4; k++ {
		m.Rows = append(m.Rows, format.MetricRow{Run: "fake", Variant: "fake", Seed: int64(num("SEED")),
			RealSteps: steps * k / 4, Metric: "eval_return", Index: -1,
			Value: level * float64(k) / 4 * float64(steps) / (float64(steps) + 1000)})
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	return format.WriteMetrics(filepath.Join(out, "metrics.arrow"), m)
}
