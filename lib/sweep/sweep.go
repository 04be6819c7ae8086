package sweep

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"

	"github.com/dynago/dynago/lib/format"
	"github.com/dynago/dynago/lib/tool"
)

// Options configure a sweep. Dir must be absolute when the backend runs
// elsewhere (Slurm); Run makes it absolute.
type Options struct {
	Space     *Space
	Optimizer Optimizer
	Objective Objective
	Maximize  bool
	Dir       string  // the sweep directory
	RunCmd    string  // shell command prefix; NAME=value arguments are appended
	Backend   Backend // Local or Slurm
	Retries   int     // extra attempts for a failed run

	// Settings identify the sweep (optimiser, seed, objective, space...).
	// They are stored in Dir/sweep.json and must match when resuming.
	Settings map[string]string
	// Meta is written to the history's schema metadata, with Settings.
	Meta map[string]string

	Log      io.Writer // failures are reported here (stderr)
	Progress io.Writer // progress lines; nil for none
}

// Status of a run or trial in the history.
const (
	StatusDone   = "done"
	StatusFailed = "failed"
)

// runRecord is one trial's run with one seed; persisted as status.json in
// its directory after every attempt.
type runRecord struct {
	Trial    int     `json:"trial"`
	Seed     int64   `json:"seed"`
	Status   string  `json:"status"`
	Attempts int     `json:"attempts"`
	Wall     float64 `json:"wall_seconds"`
	Error    string  `json:"error,omitempty"`
	Score    float64 `json:"-"` // NaN unless done

	dir string
}

// TrialRecord is a finished trial: its runs and its objective (NaN if any
// run failed).
type TrialRecord struct {
	Trial     Trial
	Runs      []runRecord
	Objective float64
}

// Failed reports whether any of the trial's runs failed.
func (t TrialRecord) Failed() bool { return math.IsNaN(t.Objective) }

// Sweep is the state of a running or finished sweep.
type Sweep struct {
	opt    Options
	Trials []TrialRecord // in the order they finished (and were asked)
	mu     sync.Mutex
}

// Run runs (or resumes) a sweep to the end and writes its outputs. Runs
// already done in Dir are not run again. It returns an error if any run
// failed on every attempt, after writing the outputs.
func Run(ctx context.Context, o Options) (*Sweep, error) {
	dir, err := filepath.Abs(o.Dir)
	if err != nil {
		return nil, err
	}
	o.Dir = dir
	if o.Log == nil {
		o.Log = io.Discard
	}
	if err := os.MkdirAll(filepath.Join(dir, "trials"), 0o755); err != nil {
		return nil, err
	}
	if err := checkSettings(filepath.Join(dir, "sweep.json"), o.Settings); err != nil {
		return nil, err
	}
	s := &Sweep{opt: o}
	for batch := 1; ; batch++ {
		trials := o.Optimizer.Ask()
		if len(trials) == 0 {
			break
		}
		recs, err := s.runBatch(ctx, batch, trials)
		if err != nil {
			return s, err
		}
		results := make([]Result, len(recs))
		for i, r := range recs {
			results[i] = Result{Trial: r.Trial, Score: s.score(r.Objective)}
		}
		s.Trials = append(s.Trials, recs...)
		o.Optimizer.Tell(results)
		if err := s.writeTables(); err != nil {
			return s, err
		}
	}
	if err := s.writeFigures(); err != nil {
		return s, err
	}
	var failed []string
	for _, t := range s.Trials {
		for _, r := range t.Runs {
			if r.Status != StatusDone {
				failed = append(failed, runName(t.Trial.ID, r.Seed))
			}
		}
	}
	switch {
	case len(failed) > 0:
		return s, fmt.Errorf("%d runs failed after %d attempts: %s (see %s)",
			len(failed), o.Retries+1, strings.Join(failed, ", "), filepath.Join(dir, "history.csv"))
	case s.Best() < 0:
		return s, errors.New("no trial finished")
	}
	return s, nil
}

// score is the optimiser's higher-is-better score of an objective.
func (s *Sweep) score(obj float64) float64 {
	if s.opt.Maximize {
		return obj
	}
	return -obj
}

// Best returns the index in Trials of the incumbent: the best trial among
// those at the largest budget any trial finished at; -1 if none finished.
func (s *Sweep) Best() int {
	return incumbent(s.Trials, s.score)
}

func incumbent(trials []TrialRecord, score func(float64) float64) int {
	best := -1
	for i, t := range trials {
		if t.Failed() {
			continue
		}
		switch {
		case best < 0 || t.Trial.Budget > trials[best].Trial.Budget:
			best = i
		case t.Trial.Budget == trials[best].Trial.Budget && score(t.Objective) > score(trials[best].Objective):
			best = i
		}
	}
	return best
}

func runName(trial int, seed int64) string { return fmt.Sprintf("%04d-s%d", trial, seed) }

// checkSettings stores settings in path, or checks them against the
// settings stored by an earlier, interrupted sweep.
func checkSettings(path string, settings map[string]string) error {
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		b, err := json.MarshalIndent(settings, "", "  ")
		if err != nil {
			return err
		}
		return format.WriteAtomic(path, func(f *os.File) error {
			_, err := f.Write(append(b, '\n'))
			return err
		})
	}
	if err != nil {
		return err
	}
	var old map[string]string
	if err := json.Unmarshal(b, &old); err != nil {
		return fmt.Errorf("resume: %s: %w", path, err)
	}
	keys := make([]string, 0, len(settings))
	for k := range settings {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if old[k] != settings[k] {
			return fmt.Errorf("resume %s: %s was %q, now %q; use another directory for a different sweep",
				filepath.Dir(path), k, old[k], settings[k])
		}
	}
	return nil
}

// runBatch runs every trial of a batch with every seed, skipping runs done
// earlier, retrying failed ones, and returns the finished trials.
func (s *Sweep) runBatch(ctx context.Context, batch int, trials []Trial) ([]TrialRecord, error) {
	o := s.opt
	recs := make([]TrialRecord, len(trials))
	var pending []*runRecord
	for i, t := range trials {
		recs[i] = TrialRecord{Trial: t, Runs: make([]runRecord, len(o.Space.Seeds))}
		for j, seed := range o.Space.Seeds {
			r := &recs[i].Runs[j]
			*r = runRecord{Trial: t.ID, Seed: seed, Score: math.NaN(),
				dir: filepath.Join(o.Dir, "trials", runName(t.ID, seed))}
			if !s.resume(r) {
				pending = append(pending, r)
			}
		}
	}
	s.progress("batch %d: %d trials × %d seeds, %d runs to do", batch, len(trials), len(o.Space.Seeds), len(pending))
	for attempt := 1; len(pending) > 0 && attempt <= o.Retries+1; attempt++ {
		dirs := make([]string, len(pending))
		for i, r := range pending {
			if err := s.prepare(r, trials[indexOf(trials, r.Trial)]); err != nil {
				return nil, fmt.Errorf("prepare %s: %w", r.dir, err)
			}
			dirs[i] = r.dir
		}
		var finished int
		err := o.Backend.Execute(ctx, dirs, func(i int) {
			r := pending[i]
			s.finish(r)
			s.mu.Lock()
			defer s.mu.Unlock()
			finished++
			if r.Status == StatusFailed {
				fmt.Fprintf(o.Log, "sweep: run %s attempt %d/%d failed: %s\n",
					filepath.Base(r.dir), r.Attempts, o.Retries+1, r.Error)
			}
			s.progress("batch %d: %d/%d runs finished", batch, finished, len(pending))
		})
		if err != nil {
			return nil, err
		}
		var again []*runRecord
		for _, r := range pending {
			if r.Status != StatusDone {
				if r.Status == "" { // the backend never reported it
					r.Status, r.Error = StatusFailed, "not run"
				}
				again = append(again, r)
			}
		}
		pending = again
	}
	for i := range recs {
		scores := make([]float64, 0, len(recs[i].Runs))
		for _, r := range recs[i].Runs {
			if r.Status == StatusDone {
				scores = append(scores, r.Score)
			}
		}
		recs[i].Objective = math.NaN()
		if len(scores) == len(recs[i].Runs) {
			recs[i].Objective = o.Objective.Aggregate(scores)
		}
	}
	return recs, nil
}

func indexOf(trials []Trial, id int) int {
	for i, t := range trials {
		if t.ID == id {
			return i
		}
	}
	panic("sweep: run of an unknown trial")
}

// progress writes a progress line; callers serialise calls.
func (s *Sweep) progress(format string, args ...any) {
	if s.opt.Progress != nil {
		fmt.Fprintf(s.opt.Progress, "sweep: "+format+"\n", args...)
	}
}

// resume fills r from an earlier sweep if its run is done: status.json
// says so and its metrics file is there and scores.
func (s *Sweep) resume(r *runRecord) bool {
	b, err := os.ReadFile(filepath.Join(r.dir, "status.json"))
	if err != nil {
		return false
	}
	var old runRecord
	if json.Unmarshal(b, &old) != nil || old.Status != StatusDone {
		return false
	}
	score, err := s.opt.Objective.Score(filepath.Join(r.dir, "metrics.arrow"))
	if err != nil {
		return false
	}
	r.Status, r.Attempts, r.Wall, r.Score = StatusDone, old.Attempts, old.Wall, score
	return true
}

// prepare clears r's directory of an earlier attempt's outputs and writes
// its run.sh.
func (s *Sweep) prepare(r *runRecord, t Trial) error {
	if err := os.MkdirAll(r.dir, 0o755); err != nil {
		return err
	}
	for _, f := range []string{"metrics.arrow", exitFile, "status.json"} {
		if err := os.Remove(filepath.Join(r.dir, f)); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
	}
	r.Status, r.Error = "", ""
	script := fmt.Sprintf("#!/bin/sh\n# Written by sweep: trial %d (bracket %d, rung %d), seed %d.\n%s %s\n",
		t.ID, t.Bracket, t.Rung, r.Seed, s.opt.RunCmd, strings.Join(tool.QuoteAll(s.args(t, r.Seed, r.dir)), " "))
	return os.WriteFile(filepath.Join(r.dir, scriptFile), []byte(script), 0o755)
}

// args are the NAME=value arguments of a run: fixed values, the
// configuration, the budget, SEED and OUT.
func (s *Sweep) args(t Trial, seed int64, out string) []string {
	var a []string
	for _, kv := range s.opt.Space.assignments(t.Config) {
		a = append(a, kv[0]+"="+kv[1])
	}
	return append(a, fmt.Sprintf("%s=%d", s.opt.Space.Budget.Name, t.Budget),
		fmt.Sprintf("SEED=%d", seed), "OUT="+out)
}

// assignments returns the fixed values and c's values as sorted
// name/value pairs.
func (sp *Space) assignments(c Config) [][2]string {
	var kv [][2]string
	for k, v := range sp.Fixed {
		kv = append(kv, [2]string{k, v})
	}
	for _, p := range sp.Params {
		kv = append(kv, [2]string{p.Name, c[p.Name].Text})
	}
	sort.Slice(kv, func(i, j int) bool { return kv[i][0] < kv[j][0] })
	return kv
}

// finish reads the outcome of r's attempt from its directory and records
// it in status.json.
func (s *Sweep) finish(r *runRecord) {
	r.Attempts++
	r.Status, r.Error = StatusFailed, ""
	code, wall, err := readExit(r.dir)
	r.Wall = wall
	switch {
	case err != nil:
		r.Error = err.Error()
	case code != 0:
		r.Error = fmt.Sprintf("exit status %d", code)
		if l := lastLine(tail(filepath.Join(r.dir, stderrFile))); l != "" {
			r.Error += ": " + l
		}
	default:
		score, err := s.opt.Objective.Score(filepath.Join(r.dir, "metrics.arrow"))
		if err != nil {
			r.Error = err.Error()
		} else {
			r.Status, r.Score = StatusDone, score
		}
	}
	b, _ := json.MarshalIndent(r, "", "  ")
	if err := format.WriteAtomic(filepath.Join(r.dir, "status.json"), func(f *os.File) error {
		_, err := f.Write(append(b, '\n'))
		return err
	}); err != nil && r.Status == StatusDone {
		r.Status, r.Error = StatusFailed, err.Error()
	}
}

// tail returns up to the last 4 KiB of a file.
func tail(path string) string {
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && st.Size() > 4096 {
		_, _ = f.Seek(-4096, io.SeekEnd)
	}
	b, _ := io.ReadAll(f)
	return string(b)
}
