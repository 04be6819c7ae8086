package sweep

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Files in a run directory. The sweep writes run.sh; the backend runs it
// with its output in stdout.log and stderr.log and then writes exit, the
// line "<exit code> <wall seconds>". A run without an exit file did not end
// by itself (cancelled, timed out or killed).
const (
	scriptFile = "run.sh"
	exitFile   = "exit"
	stdoutFile = "stdout.log"
	stderrFile = "stderr.log"
)

// Backend executes runs. Execute runs the run.sh of each directory in dirs
// and returns once all have ended, calling done(i) as soon as dirs[i] has
// (from any goroutine, possibly concurrently). A run's failure is not an
// error of Execute: the sweep reads each outcome from its directory.
type Backend interface {
	Execute(ctx context.Context, dirs []string, done func(i int)) error
}

// Local runs up to Parallel runs at a time on this machine.
type Local struct{ Parallel int }

func (l Local) Execute(ctx context.Context, dirs []string, done func(i int)) error {
	sem := make(chan struct{}, max(1, l.Parallel))
	var wg sync.WaitGroup
	var mu sync.Mutex
	var first error
	for i, dir := range dirs {
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			break
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			if err := runLocal(ctx, dir); err != nil {
				mu.Lock()
				first = cmp(first, err)
				mu.Unlock()
				return
			}
			done(i)
		}()
	}
	wg.Wait()
	if ctx.Err() != nil {
		return ctx.Err()
	}
	return first
}

func cmp(a, b error) error {
	if a != nil {
		return a
	}
	return b
}

// runLocal runs dir/run.sh and writes dir/exit, unless ctx was cancelled.
func runLocal(ctx context.Context, dir string) error {
	_ = os.Remove(filepath.Join(dir, exitFile))
	stdout, err := os.Create(filepath.Join(dir, stdoutFile))
	if err != nil {
		return err
	}
	defer stdout.Close()
	stderr, err := os.Create(filepath.Join(dir, stderrFile))
	if err != nil {
		return err
	}
	defer stderr.Close()
	cmd := exec.CommandContext(ctx, "sh", filepath.Join(dir, scriptFile))
	cmd.Stdout, cmd.Stderr = stdout, stderr
	// The run gets its own process group, so cancelling stops the whole
	// tree (make and its children), not only sh.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM) }
	cmd.WaitDelay = 10 * time.Second
	start := time.Now()
	err = cmd.Run()
	if ctx.Err() != nil {
		return ctx.Err()
	}
	code := 0
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		code = ee.ExitCode()
	case err != nil:
		return fmt.Errorf("run %s: %w", dir, err)
	}
	line := fmt.Sprintf("%d %.3f\n", code, time.Since(start).Seconds())
	return os.WriteFile(filepath.Join(dir, exitFile), []byte(line), 0o644)
}

// readExit returns a run's exit code and wall time from its exit file.
func readExit(dir string) (code int, wall float64, err error) {
	b, err := os.ReadFile(filepath.Join(dir, exitFile))
	if errors.Is(err, os.ErrNotExist) {
		return 0, 0, errors.New("no exit status: cancelled, timed out or killed")
	}
	if err != nil {
		return 0, 0, err
	}
	f := strings.Fields(string(b))
	if len(f) != 2 {
		return 0, 0, fmt.Errorf("%s: malformed exit file %q", dir, b)
	}
	code, err1 := strconv.Atoi(f[0])
	wall, err2 := strconv.ParseFloat(f[1], 64)
	if err1 != nil || err2 != nil {
		return 0, 0, fmt.Errorf("%s: malformed exit file %q", dir, b)
	}
	return code, wall, nil
}
