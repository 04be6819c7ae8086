package app

import (
	"context"
	"fmt"
	"io"
	"math"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"runtime/pprof"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/dynago/dynago/internal/toolset"
	"github.com/dynago/dynago/lib/format"
	"github.com/dynago/dynago/lib/format/metric"
	"github.com/dynago/dynago/lib/runloop"
	"github.com/dynago/dynago/lib/tool"
)

// synopsis is the --help line of how to call it.
const synopsis = "run --out OUT [--algo ppo|dyna|mpc] [--preset P] [--seed S] [--steps N] [variable flags]\n   run --print [--print-iters N] ..."

// Usage is the command's description.
const Usage = `Runs one training run into --out: PPO (--algo ppo), Dyna-PPO (dyna) or
ensemble CEM MPC (mpc), as a loop of the tools collect, ppo, fitmodel,
imagine, evalmodel and concat, called in this process with the same
arguments and writing the same files as when run by hand (--print shows
them). Each iteration lives in OUT/iters/NNNNN/ and is finished when it
holds done; an interrupted run continues from its last finished iteration
and gives the same rows. OUT/settings.json records the run's settings;
running into an OUT that holds other settings is an error. The run ends
with OUT/metrics.arrow (every metrics row, the settings in its metadata
key run_settings) and OUT/done.

Every run variable of pipelines/README.md is a flag here (HORIZON is
--horizon); make run passes them from the presets and the command line.
A variable that does not apply to --algo is an error. --keep checkpoints
(the default) keeps the iterations that hold an evaluation (policy,
model, held-out data, metrics) and the last one; --keep all keeps every
file. Progress, one line per evaluation, goes to stderr unless -q.

Example:

   run --algo dyna --preset course --steps 2000 --eval-every 1000 --eval-episodes 2 --out runs/d
   run --print --print-iters 2 --algo ppo --steps 2000 --out runs/p > p.sh`

// GCPercent is the run's garbage-collector target (GOGC): lib/tool turns
// the collector off for the short-lived tools, but a run lives long. 400
// keeps the heap small enough to stay in cache and collects rarely: a
// course Dyna-PPO run took 1.8 s user + 1.2 s system with it, 3.6 + 3.1
// with GOGC=100 and 2.4 + 2.1 collecting only at 256 MiB.
const GCPercent = 400

// New returns the run command.
func New() *cli.App {
	flags := []cli.Flag{
		&cli.StringFlag{Name: "out", Usage: "run directory `OUT`"},
		&cli.StringFlag{Name: "keep", Value: runloop.KeepCheckpoints, Usage: "checkpoints or all: which iterations' files to keep"},
		&cli.BoolFlag{Name: "quiet", Aliases: []string{"q"}, Usage: "no progress lines"},
		&cli.BoolFlag{Name: "print", Usage: "write the shell script of the run's tool commands to stdout instead (runs them in a temporary directory)"},
		&cli.IntFlag{Name: "print-iters", Value: 3, Usage: "with --print, the first `N` iterations (0: all)"},
		&cli.BoolFlag{Name: "variables", Usage: "list the run variables as NAME:flag lines (for make) and exit"},
		&cli.StringFlag{Name: "experiment-log", Usage: "one of an experiment's runs: append to `FILE` (its first line \"start UNIXTIME\") and print one line when the run ends, instead of one per evaluation"},
		&cli.StringFlag{Name: "cpuprofile", Usage: "write a CPU profile of the run to `FILE` (go tool pprof)"},
		&cli.IntFlag{Name: "experiment-total", Usage: "with --experiment-log, the experiment's `N` runs to do"},
	}
	for _, v := range runloop.Vars {
		u := v.Usage
		if v.ToolFlag != "" {
			u = strings.TrimPrefix(u+" (--"+v.ToolFlag+")", " ")
		}
		if len(v.Algos) < 3 {
			u += " [" + strings.Join(v.Algos, ", ") + "]"
		}
		flags = append(flags, &cli.StringFlag{Name: v.Flag(), Usage: v.Name + ": " + u})
	}
	return tool.App("run", "one training run of PPO, Dyna-PPO or ensemble MPC", synopsis, Usage, run, flags...)
}

func run(c *cli.Context) error {
	if c.NArg() > 0 {
		return tool.Usagef("unexpected argument %q", c.Args().First())
	}
	if c.Bool("variables") {
		for _, v := range runloop.Vars {
			fmt.Fprintf(c.App.Writer, "%s:%s\n", v.Name, v.Flag())
		}
		return nil
	}
	out := c.String("out")
	if out == "" {
		return tool.Usagef("--out is required")
	}
	set := map[string]string{}
	for _, v := range runloop.Vars {
		if c.IsSet(v.Flag()) {
			set[v.Name] = c.String(v.Flag())
		}
	}
	s, err := runloop.NewSettings(set)
	if err != nil {
		return tool.Usagef("%w", err)
	}
	if k := c.String("keep"); k != runloop.KeepCheckpoints && k != runloop.KeepAll {
		return tool.Usagef("--keep %s: must be checkpoints or all", k)
	}
	if os.Getenv("GOGC") == "" && os.Getenv("GOMEMLIMIT") == "" {
		debug.SetGCPercent(GCPercent)
		debug.SetMemoryLimit(math.MaxInt64)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	o := runloop.Options{
		Dir: out, Settings: s, Keep: c.String("keep"), Tools: toolset.Loop(), Log: c.App.ErrWriter,
	}
	if !c.Bool("quiet") && c.String("experiment-log") == "" {
		o.Progress = c.App.ErrWriter
	}
	if c.Bool("print") {
		return printScript(ctx, c, o)
	}
	if p := c.String("cpuprofile"); p != "" {
		f, err := os.Create(p)
		if err != nil {
			return err
		}
		pprof.StartCPUProfile(f)
		defer pprof.StopCPUProfile()
	}
	start := time.Now()
	if err := runloop.Run(ctx, o); err != nil {
		return err
	}
	if log := c.String("experiment-log"); log != "" {
		line, err := experimentLine(log, c.Int("experiment-total"), out, start)
		if err != nil {
			return err
		}
		if !c.Bool("quiet") {
			fmt.Fprintln(c.App.ErrWriter, line)
		}
	}
	return nil
}

// experimentLine records the finished run in the experiment's log and
// returns its progress line, "[k/N] NAME RETURN in T, ETA E": k counts the
// runs finished so far (the log's lines after the first, which holds the
// experiment's start time), RETURN is the run's last evaluation.
func experimentLine(log string, total int, out string, start time.Time) (string, error) {
	f, err := os.OpenFile(log, os.O_RDWR|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return "", err
	}
	defer f.Close()
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		return "", fmt.Errorf("lock %s: %w", log, err)
	}
	name := filepath.Base(out)
	if _, err := fmt.Fprintln(f, name); err != nil {
		return "", err
	}
	b, err := os.ReadFile(log)
	if err != nil {
		return "", err
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	begun := start
	if len(lines) > 0 {
		var sec float64
		if _, err := fmt.Sscanf(lines[0], "start %f", &sec); err == nil {
			begun = time.Unix(0, int64(sec*1e9))
			lines = lines[1:]
		}
	}
	k := len(lines)
	ret := "?"
	if m, err := format.ReadMetrics(filepath.Join(out, runloop.MetricsFile)); err == nil {
		last := int64(-1)
		for _, r := range m.Rows {
			if r.Metric == metric.EvalReturn && r.RealSteps >= last {
				last, ret = r.RealSteps, strconv.FormatFloat(r.Value, 'f', 1, 64)
			}
		}
	}
	line := fmt.Sprintf("[%d/%d] %s %s in %s", k, total, name, ret, runloop.FormatDuration(time.Since(start)))
	if k < total {
		el := time.Since(begun)
		line += ", ETA " + runloop.FormatDuration(time.Duration(float64(el)/float64(k)*float64(total-k)))
	}
	return line, nil
}

// printScript runs the first iterations in a temporary directory and
// writes their commands as a shell script with OUT for the directory.
func printScript(ctx context.Context, c *cli.Context, o runloop.Options) error {
	tmp, err := os.MkdirTemp("", "dynago-run-print-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	abs, err := filepath.Abs(o.Dir)
	if err != nil {
		return err
	}
	var args []string
	if a, ok := c.App.Metadata["args"].([]string); ok {
		args = a
	}
	w := c.App.Writer
	fmt.Fprintf(w, "#!/bin/sh\n# The tool commands of `%s`", strings.Join(args, " "))
	if n := c.Int("print-iters"); n > 0 {
		fmt.Fprintf(w, ", its first %d iterations", n)
	}
	fmt.Fprintf(w, ".\n# BIN: the tools' directory; OUT: the run directory.\nset -e\nBIN=${BIN:-bin}\nOUT=${OUT:-%s}\n", tool.Quote(o.Dir))
	o.Name = filepath.Base(abs)
	o.Dir = filepath.Join(tmp, "run")
	o.Script, o.ScriptDir, o.MaxIters, o.Progress = w, o.Dir, c.Int("print-iters"), nil
	o.Log = io.Discard
	if err := runloop.Run(ctx, o); err != nil && err != runloop.ErrStopped {
		return err
	}
	return nil
}
