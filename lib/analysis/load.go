package analysis

import (
	"cmp"
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"github.com/dynago/dynago/lib/format"
)

// Task-by modes for LoadOptions.TaskBy.
const (
	TaskByNone    = "none"    // one task, "all"
	TaskByEnv     = "env"     // the file's "env" metadata
	TaskByVariant = "variant" // the Variant's part after its last "/" ("ppo/CartPole-v1")
)

// defaultTask is the task of every run with TaskByNone.
const defaultTask = "all"

// Run is one training run's metrics rows.
type Run struct {
	Name    string // Run column, or the file path when that is empty
	Variant string // Variant column (with TaskByVariant, the part before the last "/")
	Task    string
	Seed    int64
	Path    string      // the file it was read from
	Meta    format.Meta // the file's schema metadata (see Settings)
	Rows    []format.MetricRow
}

// Set is the runs read from some metrics files.
type Set struct {
	Files []string
	Runs  []*Run // ordered by variant, task, seed and name
}

// LoadOptions configures Load.
type LoadOptions struct {
	TaskBy string // TaskByNone (the default when empty), TaskByEnv or TaskByVariant
}

// Load reads the metrics files matching the glob patterns. A pattern that
// matches nothing is an error, so a typo never silently drops runs; a file
// matched twice is read once.
func Load(patterns []string, opt LoadOptions) (*Set, error) {
	if len(patterns) == 0 {
		return nil, fmt.Errorf("no metrics files given")
	}
	var files []string
	for _, p := range patterns {
		m, err := filepath.Glob(p)
		if err != nil {
			return nil, fmt.Errorf("glob %q: %w", p, err)
		}
		if len(m) == 0 {
			return nil, fmt.Errorf("no files match %q", p)
		}
		for _, f := range m {
			if !slices.Contains(files, f) {
				files = append(files, f)
			}
		}
	}
	s := &Set{Files: files}
	byKey := map[string]*Run{}
	for _, f := range files {
		m, err := format.ReadMetrics(f)
		if err != nil {
			return nil, err
		}
		for _, r := range m.Rows {
			name := r.Run
			if name == "" {
				name = f
			}
			variant, task, err := taskOf(r.Variant, m.Meta, opt.TaskBy)
			if err != nil {
				return nil, fmt.Errorf("read %s: %w", f, err)
			}
			key := fmt.Sprintf("%s\x00%s\x00%s\x00%d", name, variant, task, r.Seed)
			run := byKey[key]
			if run == nil {
				run = &Run{Name: name, Variant: variant, Task: task, Seed: r.Seed, Path: f, Meta: m.Meta}
				byKey[key] = run
				s.Runs = append(s.Runs, run)
			}
			run.Rows = append(run.Rows, r)
		}
	}
	if len(s.Runs) == 0 {
		return nil, fmt.Errorf("no metrics rows in %s", strings.Join(files, ", "))
	}
	slices.SortStableFunc(s.Runs, func(a, b *Run) int {
		return cmp.Or(cmp.Compare(a.Variant, b.Variant), cmp.Compare(a.Task, b.Task),
			cmp.Compare(a.Seed, b.Seed), cmp.Compare(a.Name, b.Name))
	})
	return s, nil
}

func taskOf(variant string, meta format.Meta, by string) (string, string, error) {
	switch by {
	case "", TaskByNone:
		return variant, defaultTask, nil
	case TaskByEnv:
		if env := meta["env"]; env != "" {
			return variant, env, nil
		}
		return "", "", fmt.Errorf("task by env: no \"env\" in the file's metadata")
	case TaskByVariant:
		i := strings.LastIndex(variant, "/")
		if i < 0 {
			return "", "", fmt.Errorf("task by variant: variant %q has no \"/task\" part", variant)
		}
		return variant[:i], variant[i+1:], nil
	}
	panic(fmt.Sprintf("analysis: unknown task-by mode %q", by))
}

// Variants returns the variants in order.
func (s *Set) Variants() []string {
	var v []string
	for _, r := range s.Runs {
		if !slices.Contains(v, r.Variant) {
			v = append(v, r.Variant)
		}
	}
	return v
}

// Tasks returns the tasks, sorted.
func (s *Set) Tasks() []string {
	var t []string
	for _, r := range s.Runs {
		if !slices.Contains(t, r.Task) {
			t = append(t, r.Task)
		}
	}
	slices.Sort(t)
	return t
}

// Of returns the runs of variant, in the set's order.
func (s *Set) Of(variant string) []*Run {
	var out []*Run
	for _, r := range s.Runs {
		if r.Variant == variant {
			out = append(out, r)
		}
	}
	return out
}

// Select keeps the given variants, in the given order; an unknown variant
// is an error listing the known ones. No variants keeps all.
func (s *Set) Select(variants []string) (*Set, error) {
	if len(variants) == 0 {
		return s, nil
	}
	known := s.Variants()
	out := &Set{Files: s.Files}
	for _, v := range variants {
		if !slices.Contains(known, v) {
			return nil, fmt.Errorf("no runs of variant %q (variants: %s)", v, strings.Join(known, ", "))
		}
		out.Runs = append(out.Runs, s.Of(v)...)
	}
	return out, nil
}

// Series returns the run's curve of metric at index (format.NoIndex for
// none): its values in order of real steps. Of several values at one step
// the last row wins.
func (r *Run) Series(metric string, index int64) (steps, values []float64) {
	type pt struct {
		step int64
		v    float64
	}
	var pts []pt
	for _, row := range r.Rows {
		if row.Metric == metric && row.Index == index {
			pts = append(pts, pt{row.RealSteps, row.Value})
		}
	}
	slices.SortStableFunc(pts, func(a, b pt) int { return cmp.Compare(a.step, b.step) })
	for i, p := range pts {
		if i+1 < len(pts) && pts[i+1].step == p.step {
			continue
		}
		steps = append(steps, float64(p.step))
		values = append(values, p.v)
	}
	return steps, values
}

// Has reports whether the run has any row of metric.
func (r *Run) Has(metric string) bool {
	return slices.ContainsFunc(r.Rows, func(row format.MetricRow) bool { return row.Metric == metric })
}

// Indices returns the indices of metric at real step step, sorted.
func (r *Run) Indices(metric string, step int64) []int64 {
	var idx []int64
	for _, row := range r.Rows {
		if row.Metric == metric && row.RealSteps == step && row.Index != format.NoIndex && !slices.Contains(idx, row.Index) {
			idx = append(idx, row.Index)
		}
	}
	slices.Sort(idx)
	return idx
}

// CheckMetric returns an error naming the first run without metric.
func CheckMetric(runs []*Run, metric string) error {
	if len(runs) == 0 {
		return fmt.Errorf("no runs")
	}
	for _, r := range runs {
		if !r.Has(metric) {
			return fmt.Errorf("run %s (variant %s, seed %d, %s) has no %s rows", r.Name, r.Variant, r.Seed, r.Path, metric)
		}
	}
	return nil
}
