package app

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/dynago/dynago/lib/sweep"
	"github.com/dynago/dynago/lib/tool"
)

const usage = `Runs the run target (make run ...) once per trial and seed, each in
DIR/trials/<id>-s<seed>, and writes DIR/history.{arrow,csv},
DIR/incumbent.csv, DIR/best.mk and figures. Rerunning the same command
resumes an interrupted sweep. See docs/SWEEPS.md.

Example: Hyperband over Dyna-PPO's tuned preset, 4 runs at a time, with
the space file dyna.yaml of docs/SWEEPS.md; then one run of the best:

   sweep --space dyna.yaml --dir runs/sweep-dyna \
       --optimizer hyperband --eta 3 --seed 1 --objective iqm-last:5 --parallel 4
   make run CONFIG=runs/sweep-dyna/best.mk SEED=10 OUT=runs/best-s10`

// New returns the sweep command.
func New() *cli.App {
	return tool.App("sweep", "search hyperparameters of the run target", "sweep --space FILE --dir DIR [options]", usage, run,
		&cli.StringFlag{Name: "space", Required: true, Usage: "search space `FILE` (YAML or JSON)"},
		&cli.StringFlag{Name: "dir", Required: true, Usage: "sweep `DIR`ectory, created or resumed"},
		&cli.StringFlag{Name: "optimizer", Value: "hyperband", Usage: "grid, random, sh (successive halving) or hyperband"},
		tool.SeedFlag("random seed `S` of the optimiser", false),
		&cli.IntFlag{Name: "trials", Value: 20, Usage: "configurations for random search"},
		&cli.IntFlag{Name: "grid-points", Value: 3, Usage: "grid points per numeric parameter"},
		&cli.IntFlag{Name: "eta", Value: 3, Usage: "halving rate of sh and hyperband"},
		&cli.StringFlag{Name: "objective", Value: "iqm-last:10", Usage: "iqm-last:K or auc"},
		&cli.BoolFlag{Name: "maximize", Value: true, Usage: "maximise the objective (--maximize=false minimises)"},
		&cli.StringFlag{Name: "backend", Value: "local", Usage: "local or slurm"},
		&cli.IntFlag{Name: "parallel", Value: runtime.NumCPU(), Usage: "runs at a time (local) or array tasks at a time (slurm)"},
		&cli.IntFlag{Name: "retries", Value: 2, Usage: "extra attempts for a failed run"},
		&cli.StringFlag{Name: "run-cmd", Usage: "shell command a run's NAME=value arguments are appended to (default: make -C <repo root> run)"},
		&cli.StringFlag{Name: "sbatch-args", Usage: "extra sbatch arguments, space-separated (slurm)"},
		&cli.DurationFlag{Name: "poll", Value: 10 * time.Second, Usage: "longest wait between squeue calls (slurm)"},
	)
}

// newOptimizer checks the optimiser flags and builds the optimiser, with
// the settings that identify it.
func newOptimizer(c *cli.Context, sp *sweep.Space, settings map[string]string) (sweep.Optimizer, error) {
	seed := c.Int64("seed")
	src := rand.NewPCG(uint64(seed), 0x5eed)
	name := c.String("optimizer")
	settings["optimizer"], settings["seed"] = name, strconv.FormatInt(seed, 10)
	switch name {
	case "grid":
		n := c.Int("grid-points")
		if n < 1 || n > 100 {
			return nil, tool.Usagef("--grid-points %d: must be in [1, 100]", n)
		}
		settings["grid_points"] = strconv.Itoa(n)
		return sweep.NewGrid(sp, n), nil
	case "random":
		n := c.Int("trials")
		if n < 1 || n > 100000 {
			return nil, tool.Usagef("--trials %d: must be in [1, 100000]", n)
		}
		settings["trials"] = strconv.Itoa(n)
		return sweep.NewRandom(sp, n, src), nil
	case "sh", "hyperband":
		eta := c.Int("eta")
		if eta < 2 || eta > 100 {
			return nil, tool.Usagef("--eta %d: must be in [2, 100]", eta)
		}
		settings["eta"] = strconv.Itoa(eta)
		if name == "sh" {
			return sweep.NewSuccessiveHalving(sp, eta, src), nil
		}
		return sweep.NewHyperband(sp, eta, src), nil
	}
	return nil, tool.Usagef("--optimizer %q: must be grid, random, sh or hyperband", name)
}

func newBackend(c *cli.Context, dir string) (sweep.Backend, error) {
	par := c.Int("parallel")
	if par < 1 || par > 100000 {
		return nil, tool.Usagef("--parallel %d: must be in [1, 100000]", par)
	}
	switch b := c.String("backend"); b {
	case "local":
		return sweep.Local{Parallel: par}, nil
	case "slurm":
		if c.Duration("poll") <= 0 {
			return nil, tool.Usagef("--poll %s: must be positive", c.Duration("poll"))
		}
		if err := sweep.CheckSlurm(); err != nil {
			return nil, fmt.Errorf("backend slurm: %w", err)
		}
		return sweep.Slurm{Dir: filepath.Join(dir, "slurm"), Parallel: par,
			Args: strings.Fields(c.String("sbatch-args")), Poll: c.Duration("poll")}, nil
	default:
		return nil, tool.Usagef("--backend %q: must be local or slurm", b)
	}
}

func run(c *cli.Context) error {
	if err := tool.NoArgs(c); err != nil {
		return err
	}
	if _, err := tool.Seed(c); err != nil {
		return err
	}
	obj, err := sweep.ParseObjective(c.String("objective"))
	if err != nil {
		return tool.Usagef("--objective %v", err)
	}
	if r := c.Int("retries"); r < 0 || r > 100 {
		return tool.Usagef("--retries %d: must be in [0, 100]", r)
	}
	if err := tool.CheckFlagPaths(c, []string{"dir"}, []string{"space"}); err != nil {
		return err
	}
	dir, err := filepath.Abs(c.String("dir"))
	if err != nil {
		return fmt.Errorf("--dir: %w", err)
	}
	data, err := os.ReadFile(c.String("space"))
	if err != nil {
		return fmt.Errorf("read space: %w", err)
	}
	sp, err := sweep.ParseSpace(c.String("space"), data)
	if err != nil {
		return fmt.Errorf("read space: %w", err)
	}
	sum := sha256.Sum256(data)
	settings := map[string]string{"objective": obj.String(), "maximize": strconv.FormatBool(c.Bool("maximize")),
		"space_sha256": hex.EncodeToString(sum[:])}
	opt, err := newOptimizer(c, sp, settings)
	if err != nil {
		return err
	}
	backend, err := newBackend(c, dir)
	if err != nil {
		return err
	}
	runCmd := c.String("run-cmd")
	if runCmd == "" {
		runCmd = "make -C " + tool.Quote(repoRoot()) + " run"
	}
	ctx, stop := signal.NotifyContext(c.Context, os.Interrupt, syscall.SIGTERM)
	defer stop()
	s, err := sweep.Run(ctx, sweep.Options{
		Space: sp, Optimizer: opt, Objective: obj, Maximize: c.Bool("maximize"),
		Dir: dir, RunCmd: runCmd, Backend: backend, Retries: c.Int("retries"),
		Settings: settings, Meta: tool.Provenance(c),
		Log: c.App.ErrWriter, Progress: progressWriter(c.App.ErrWriter),
	})
	if s != nil && s.Best() >= 0 {
		t := s.Trials[s.Best()]
		fmt.Fprintf(c.App.Writer, "best: trial %d, %s = %g, %s\n", t.Trial.ID, obj, t.Objective, filepath.Join(dir, "best.mk"))
	}
	if ctx.Err() != nil {
		return fmt.Errorf("%s: interrupted; the same command resumes it", dir)
	}
	if err != nil {
		return fmt.Errorf("%s: %w", dir, err)
	}
	return nil
}

// progressWriter returns w if it is a terminal, else nil.
func progressWriter(w io.Writer) io.Writer {
	if f, ok := w.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
			return w
		}
	}
	return nil
}

// repoRoot is the nearest directory up from the working directory that
// holds a Makefile and go.mod, or the working directory.
func repoRoot() string {
	wd, err := os.Getwd()
	if err != nil {
		return "."
	}
	for d := wd; ; d = filepath.Dir(d) {
		_, e1 := os.Stat(filepath.Join(d, "go.mod"))
		_, e2 := os.Stat(filepath.Join(d, "Makefile"))
		if e1 == nil && e2 == nil {
			return d
		}
		if filepath.Dir(d) == d {
			return wd
		}
	}
}
