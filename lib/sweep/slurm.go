package sweep

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/dynago/dynago/lib/tool"
)

// Slurm submits each batch of runs as one job array. A generated script,
// DIR/batch-NNNN.sh, picks its run directory from the list file
// DIR/batch-NNNN.list by SLURM_ARRAY_TASK_ID and runs it as Local does, so
// run directories must be on a file system the compute nodes share. The
// sweep polls squeue until the array has left the queue; tasks that
// produced no exit file (cancelled, timed out, node failure) count as
// failed runs.
type Slurm struct {
	Dir      string        // for scripts, lists and Slurm's own logs
	Parallel int           // at most this many array tasks at once (%K)
	Args     []string      // extra sbatch arguments, e.g. --partition=gpu
	Poll     time.Duration // longest wait between squeue calls; 0 means 10s
}

const slurmScript = `#!/bin/sh
# Written by sweep: array task i runs the run directory on line i+1 of
# the list file and records "<exit code> <wall seconds>" in its exit file.
list=%s
dir=$(sed -n "$((SLURM_ARRAY_TASK_ID + 1))p" "$list")
if [ -z "$dir" ]; then
	echo "sweep: no run for array task $SLURM_ARRAY_TASK_ID in $list" >&2
	exit 1
fi
rm -f "$dir/exit"
start=$(date +%%s.%%N)
sh "$dir/run.sh" >"$dir/stdout.log" 2>"$dir/stderr.log"
code=$?
end=$(date +%%s.%%N)
echo "$code $end $start" | awk '{printf "%%d %%.3f\n", $1, $2 - $3}' >"$dir/exit.tmp" &&
	mv "$dir/exit.tmp" "$dir/exit"
exit $code
`

func (s Slurm) Execute(ctx context.Context, dirs []string, done func(i int)) error {
	if len(dirs) == 0 {
		return nil
	}
	if err := os.MkdirAll(s.Dir, 0o755); err != nil {
		return err
	}
	old, _ := filepath.Glob(filepath.Join(s.Dir, "batch-*.list"))
	base := filepath.Join(s.Dir, fmt.Sprintf("batch-%04d", len(old)))
	if err := os.WriteFile(base+".list", []byte(strings.Join(dirs, "\n")+"\n"), 0o644); err != nil {
		return err
	}
	if err := os.WriteFile(base+".sh", fmt.Appendf(nil, slurmScript, tool.Quote(base+".list")), 0o755); err != nil {
		return err
	}
	for _, d := range dirs {
		_ = os.Remove(filepath.Join(d, exitFile))
	}
	args := append([]string{"--parsable", "--job-name=sweep",
		fmt.Sprintf("--array=0-%d%%%d", len(dirs)-1, max(1, s.Parallel)),
		"--output=" + base + "-%a.log"}, s.Args...)
	out, err := exec.CommandContext(ctx, "sbatch", append(args, base+".sh")...).CombinedOutput()
	if err != nil {
		return fmt.Errorf("sbatch: %w: %s", err, strings.TrimSpace(string(out)))
	}
	job, _, _ := strings.Cut(strings.TrimSpace(lastLine(string(out))), ";")
	if job == "" {
		return fmt.Errorf("sbatch printed no job id")
	}
	reported := make([]bool, len(dirs))
	report := func(all bool) {
		for i, d := range dirs {
			if !reported[i] && (all || exists(filepath.Join(d, exitFile))) {
				reported[i] = true
				done(i)
			}
		}
	}
	if err := s.wait(ctx, job, func() { report(false) }); err != nil {
		return err
	}
	report(true)
	return nil
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// wait polls squeue until job has no task left in the queue, calling
// check after each poll and cancelling the job if ctx ends first.
func (s Slurm) wait(ctx context.Context, job string, check func()) error {
	poll := s.Poll
	if poll <= 0 {
		poll = 10 * time.Second
	}
	delay, failures := 100*time.Millisecond, 0
	for {
		select {
		case <-ctx.Done():
			_ = exec.Command("scancel", job).Run()
			return ctx.Err()
		case <-time.After(delay):
		}
		delay = min(poll, delay*3/2)
		check()
		out, err := exec.CommandContext(ctx, "squeue", "-h", "-j", job, "-o", "%i %T").CombinedOutput()
		switch {
		case err == nil && strings.TrimSpace(string(out)) == "":
			return nil
		case err != nil && strings.Contains(string(out), "Invalid job id"):
			return nil // already purged from the controller
		case err != nil && ctx.Err() == nil:
			if failures++; failures > 5 {
				return fmt.Errorf("squeue: %w: %s", err, strings.TrimSpace(string(out)))
			}
		default:
			failures = 0
		}
	}
}

func lastLine(s string) string {
	var last string
	sc := bufio.NewScanner(strings.NewReader(s))
	for sc.Scan() {
		if t := strings.TrimSpace(sc.Text()); t != "" {
			last = t
		}
	}
	return last
}

// CheckSlurm reports whether sbatch, squeue and scancel are on PATH and
// the controller answers squeue (within 30 s).
func CheckSlurm() error {
	for _, c := range []string{"sbatch", "squeue", "scancel"} {
		if _, err := exec.LookPath(c); err != nil {
			return fmt.Errorf("%s not found on PATH", c)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, "squeue", "--noheader", "--jobs", "1").CombinedOutput()
	if err != nil && !strings.Contains(string(out), "Invalid job id") {
		msg := strings.TrimSpace(string(out))
		if i := strings.LastIndexByte(msg, '\n'); i >= 0 {
			msg = msg[i+1:]
		}
		return fmt.Errorf("slurm controller not reachable: squeue: %v: %s", err, msg)
	}
	return nil
}
