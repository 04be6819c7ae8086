package tool

import (
	"fmt"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/dynago/dynago/lib/env"
	"github.com/dynago/dynago/lib/stats"
)

// The flags every tool repeats, declared once so their names, value names
// and checks agree across tools. Each constructor returns a new flag (a
// cli.App keeps state in its flags); usage, where a parameter, says what
// the flag means to that tool, and "" gives the common wording.

// SeedFlag is --seed S, the integer every random choice of the tool flows
// from. A required seed has no default.
func SeedFlag(usage string, required bool) *cli.Int64Flag {
	return &cli.Int64Flag{Name: "seed", Required: required, Usage: or(usage, "random seed `S`")}
}

// Seed returns --seed, which must be >= 0 (it seeds PCG as a uint64).
func Seed(c *cli.Context) (int64, error) {
	s := c.Int64("seed")
	if s < 0 {
		return 0, Usagef("--seed %d: must be >= 0", s)
	}
	return s, nil
}

// OutFlag is --out FILE, the file the tool writes; usage names its kind
// ("policy `FILE` to write").
func OutFlag(usage string, required bool) *cli.StringFlag {
	return &cli.StringFlag{Name: "out", Required: required, Usage: usage}
}

// MetricsFlag is --metrics FILE, an optional metrics file to write.
func MetricsFlag(usage string) *cli.StringFlag {
	return &cli.StringFlag{Name: "metrics", Usage: or(usage, "metrics `FILE` to write")}
}

// RealStepsFlag is --real-steps R, the real environment steps so far: the
// x axis of the metrics a tool writes.
func RealStepsFlag(usage string) *cli.Int64Flag {
	return &cli.Int64Flag{Name: "real-steps",
		Usage: or(usage, "real steps so far `R`, the metrics' x axis (needed with --metrics)")}
}

// RealSteps returns --real-steps, which must be >= 0. With need it must be
// given, and why says when ("with --metrics").
func RealSteps(c *cli.Context, need bool, why string) (int64, error) {
	r := c.Int64("real-steps")
	switch {
	case r < 0:
		return r, Usagef("--real-steps %d: must be >= 0", r)
	case need && !c.IsSet("real-steps"):
		return r, Usagef("--real-steps is required %s", why)
	}
	return r, nil
}

// EnvFlag is --env ID, a Gymnasium environment id.
func EnvFlag(usage string, required bool) *cli.StringFlag {
	return &cli.StringFlag{Name: "env", Required: required, Usage: or(usage, "Gymnasium environment `ID`")}
}

// EnvKwargsFlag is --env-kwargs JSON, the keyword arguments of a bridged
// Gymnasium environment's gymnasium.make.
func EnvKwargsFlag() *cli.StringFlag {
	return &cli.StringFlag{Name: "env-kwargs", Usage: "keyword arguments `JSON` of gymnasium.make for --env gym:ID"}
}

// EnvID returns the environment --env and --env-kwargs name: --env as
// given, or for a bridged "gym:" id its canonical form with the keyword
// arguments (env.GymID). Bad keyword arguments are a usage error.
func EnvID(c *cli.Context) (string, error) {
	id, kw := c.String("env"), c.String("env-kwargs")
	if !strings.HasPrefix(id, env.GymPrefix) {
		if kw != "" {
			return "", Usagef("--env-kwargs: only for a Gymnasium environment (--env gym:ID), not %q", id)
		}
		return id, nil
	}
	if kw == "" {
		gid, kw, err := env.SplitGymID(id)
		if err != nil {
			return "", Usagef("--env: %w", err)
		}
		return env.GymID(gid, kw)
	}
	if strings.Contains(id, "{") {
		return "", Usagef("--env %s already has keyword arguments; drop --env-kwargs", id)
	}
	gid, err := env.GymID(id, kw)
	if err != nil {
		return "", Usagef("--env-kwargs: %w", err)
	}
	return gid, nil
}

// Env makes the environment id names; an unknown id is a usage error
// (exit 2) naming flag (usually "--env"), in every tool. A bridged
// Gymnasium environment that fails to start (no gymnasium, an unknown
// Gymnasium id, an unsupported space) is an error (exit 1) with Python's
// message in one line. The caller closes the environment (env.Close).
func Env(flag, id string) (env.Env, error) {
	if strings.HasPrefix(id, env.GymPrefix) {
		if _, _, err := env.SplitGymID(id); err != nil {
			return nil, Usagef("%s: %w", flag, err)
		}
		e, err := env.Make(id)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", flag, err)
		}
		return e, nil
	}
	e, err := env.Make(id)
	if err != nil {
		return nil, Usagef("%s: %w", flag, err)
	}
	return e, nil
}

// NoArgs is a usage error if the command line has arguments besides flags.
func NoArgs(c *cli.Context) error {
	if c.NArg() > 0 {
		return Usagef("unexpected argument %q", c.Args().First())
	}
	return nil
}

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// SameEnv is an error naming both inputs if the environments a and b that
// they record (whatA, whatB say which input: "data t.arrow", "--env")
// differ; an empty id (an input that records none) matches any. Bridged
// ids are compared in canonical form (env.GymID), so keyword arguments
// written in another order or spacing match.
func SameEnv(whatA, a, whatB, b string) error {
	if a == "" || b == "" || canonicalEnv(a) == canonicalEnv(b) {
		return nil
	}
	return fmt.Errorf("%s is from environment %s, %s from %s", whatA, a, whatB, b)
}

// canonicalEnv is id with a bridged id's keyword arguments in canonical
// form; an id that does not parse stays as it is.
func canonicalEnv(id string) string {
	if !strings.HasPrefix(id, env.GymPrefix) {
		return id
	}
	gid, kw, err := env.SplitGymID(id)
	if err != nil {
		return id
	}
	c, err := env.GymID(gid, kw)
	if err != nil {
		return id
	}
	return c
}

// BootstrapFlags are --seed, --reps and --confidence of the tools that
// report bootstrap intervals (aggregate, report): the resampling's seed,
// its number of resamples and the intervals' coverage.
func BootstrapFlags() []cli.Flag {
	return []cli.Flag{
		&cli.Uint64Flag{Name: "seed", Value: 0, Usage: "bootstrap random `SEED`"},
		&cli.IntFlag{Name: "reps", Value: stats.DefaultReps, Usage: "bootstrap resamples `N` in [1, 1000000] (50,000 is RLiable's default)"},
		&cli.Float64Flag{Name: "confidence", Value: stats.DefaultConfidence, Usage: "interval coverage in (0, 1)"},
	}
}

// Bootstrap returns BootstrapFlags' values, checked: --reps in [1,
// stats.MaxReps], --confidence in (0, 1).
func Bootstrap(c *cli.Context) (seed uint64, reps int, confidence float64, err error) {
	seed, reps, confidence = c.Uint64("seed"), c.Int("reps"), c.Float64("confidence")
	switch {
	case reps < 1 || reps > stats.MaxReps:
		return 0, 0, 0, Usagef("--reps %d: must be in [1, %d]", reps, stats.MaxReps)
	case !(confidence > 0 && confidence < 1):
		return 0, 0, 0, Usagef("--confidence %g: must be in (0, 1)", confidence)
	}
	return seed, reps, confidence, nil
}
