package analysis

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/dynago/dynago/lib/env"
	"github.com/dynago/dynago/lib/markdown"
	"github.com/dynago/dynago/lib/stats"
)

// Point picks one score from a run's curve: the mean of its last Final
// values, or with AtStep its last value at or before Step.
type Point struct {
	Final  int // number of last values averaged; 0 means 1
	AtStep bool
	Step   float64
}

// String describes the point for a table caption.
func (p Point) String() string {
	if p.AtStep {
		return fmt.Sprintf("at %s real steps", markdown.Num(p.Step))
	}
	if p.Final <= 1 {
		return "final (last evaluation)"
	}
	return fmt.Sprintf("final (mean of the last %d evaluations)", p.Final)
}

// Score returns the run's score of metric at p.
func (p Point) Score(r *Run, metric string) (float64, error) {
	steps, values := r.Series(metric, -1)
	if len(values) == 0 {
		return 0, fmt.Errorf("run %s (variant %s, seed %d) has no %s rows", r.Name, r.Variant, r.Seed, metric)
	}
	if p.AtStep {
		i := lastAtOrBefore(steps, p.Step)
		if i < 0 {
			return 0, fmt.Errorf("run %s (variant %s, seed %d): no %s at or before %s real steps", r.Name, r.Variant, r.Seed, metric, markdown.Num(p.Step))
		}
		return values[i], nil
	}
	n := min(max(p.Final, 1), len(values))
	var s float64
	for _, v := range values[len(values)-n:] {
		s += v
	}
	return s / float64(n), nil
}

// lastAtOrBefore returns the index of the last step <= s, or -1.
func lastAtOrBefore(steps []float64, s float64) int {
	i, _ := slices.BinarySearchFunc(steps, s, func(a, b float64) int {
		if a <= b {
			return -1
		}
		return 1
	})
	return i - 1
}

// ScoreMatrix returns the [run][task] matrix of the runs' scores of metric
// at p: column j holds task j's runs in the order given (Load orders them
// by seed). Every task must have the same number of runs.
func ScoreMatrix(runs []*Run, tasks []string, metric string, p Point) ([][]float64, error) {
	cols := make([][]float64, len(tasks))
	for _, r := range runs {
		j := slices.Index(tasks, r.Task)
		if j < 0 {
			continue
		}
		v, err := p.Score(r, metric)
		if err != nil {
			return nil, err
		}
		cols[j] = append(cols[j], v)
	}
	return transpose(cols, tasks)
}

// transpose turns per-task columns into a [run][task] matrix.
func transpose(cols [][]float64, tasks []string) ([][]float64, error) {
	if len(cols) == 0 || len(cols[0]) == 0 {
		return nil, fmt.Errorf("no runs of task %s", tasks[0])
	}
	n := len(cols[0])
	for j, c := range cols {
		if len(c) != n {
			return nil, fmt.Errorf("task %s has %d runs and task %s has %d; every task needs the same number", tasks[0], n, tasks[j], len(c))
		}
	}
	x := make([][]float64, n)
	for i := range x {
		x[i] = make([]float64, len(cols))
		for j := range cols {
			x[i][j] = cols[j][i]
		}
	}
	return x, nil
}

// Scores is one variant's [run][task] score matrix.
type Scores struct {
	Variant string
	X       [][]float64
}

// VariantScores returns each variant's score matrix of metric at p over the
// set's tasks, normalised by norm unless it is nil.
func VariantScores(s *Set, metric string, p Point, norm *Normalization) ([]Scores, error) {
	tasks := s.Tasks()
	var out []Scores
	for _, v := range s.Variants() {
		x, err := ScoreMatrix(s.Of(v), tasks, metric, p)
		if err != nil {
			return nil, fmt.Errorf("variant %s: %w", v, err)
		}
		if norm != nil {
			if x, err = norm.apply(x, tasks); err != nil {
				return nil, fmt.Errorf("variant %s: %w", v, err)
			}
		}
		out = append(out, Scores{Variant: v, X: x})
	}
	return out, nil
}

// Normalization maps raw scores to [0, 1] per task: Bounds[task] if set,
// else the environment's return bounds (env.ReturnBoundsOf) for a Go
// environment that declares them, else [Min, Max].
type Normalization struct {
	Min, Max float64
	Bounds   map[string][2]float64
	fromData map[string]bool // tasks whose Bounds SetDataBounds set
}

// SetDataBounds is the default for tasks that are environments declaring
// no return bounds (a bridged Gymnasium environment, MountainCarContinuous):
// each such task without a Bounds entry gets the smallest and largest
// score of metric at p over all the set's runs of it, every variant
// together so that they share one scale. A task whose scores are all
// equal keeps [Min, Max].
func (n *Normalization) SetDataBounds(s *Set, metric string, p Point) error {
	for _, t := range s.Tasks() {
		if _, ok := n.Bounds[t]; ok {
			continue
		}
		if _, _, ok := env.ReturnBoundsOf(t); ok {
			continue
		}
		if _, builtin := env.Builtin(t); !builtin && !strings.HasPrefix(t, env.GymPrefix) {
			continue // not an environment id: [Min, Max]
		}
		lo, hi := math.Inf(1), math.Inf(-1)
		for _, r := range s.Runs {
			if r.Task != t {
				continue
			}
			v, err := p.Score(r, metric)
			if err != nil {
				return err
			}
			if !math.IsNaN(v) && !math.IsInf(v, 0) {
				lo, hi = min(lo, v), max(hi, v)
			}
		}
		if lo < hi {
			if n.Bounds == nil {
				n.Bounds = map[string][2]float64{}
			}
			if n.fromData == nil {
				n.fromData = map[string]bool{}
			}
			n.Bounds[t] = [2]float64{lo, hi}
			n.fromData[t] = true
		}
	}
	return nil
}

// For returns the bounds of task.
func (n Normalization) For(task string) (lo, hi float64) {
	if b, ok := n.Bounds[task]; ok {
		return b[0], b[1]
	}
	if lo, hi, ok := env.ReturnBoundsOf(task); ok {
		return lo, hi
	}
	return n.Min, n.Max
}

// apply returns x normalised per task.
func (n Normalization) apply(x [][]float64, tasks []string) ([][]float64, error) {
	lo, hi := make([]float64, len(tasks)), make([]float64, len(tasks))
	for j, t := range tasks {
		lo[j], hi[j] = n.For(t)
	}
	out, err := stats.Normalize(x, lo, hi)
	if err != nil {
		return nil, fmt.Errorf("normalise: %w", err)
	}
	return out, nil
}

// Describe says how tasks are normalised, for a table note.
func (n Normalization) Describe(tasks []string) string {
	parts := make([]string, len(tasks))
	for j, t := range tasks {
		lo, hi := n.For(t)
		parts[j] = fmt.Sprintf("%s: (x - %s) / (%s - %s)", t, markdown.Num(lo), markdown.Num(hi), markdown.Num(lo))
		if n.fromData[t] {
			parts[j] += " (the runs' smallest and largest score: the environment declares no bounds)"
		}
	}
	return "Normalised scores, " + strings.Join(parts, "; ") + "."
}

// Grid is the real steps at which curves are compared.
type Grid struct {
	Steps []float64
	// Carried is true when runs do not share their steps: each run then
	// contributes its last value at or before each grid step.
	Carried bool
}

// Note returns the sentence telling a reader how curves were aligned, or
// "" when every run has every grid step.
func (g Grid) Note() string {
	if !g.Carried {
		return ""
	}
	return "Runs do not share their evaluation steps: at each step of the grid (the union of their steps), each run contributes its last value at or before it."
}

// AlignGrid returns the grid of the runs' curves of metric at index: the
// union of their steps from the latest first step to the earliest last
// step, so every run has a value at or before every grid step and none is
// extended past its end.
func AlignGrid(runs []*Run, metric string, index int64) (Grid, error) {
	var union []float64
	first, last := math.Inf(-1), math.Inf(1)
	var sets [][]float64
	for _, r := range runs {
		steps, _ := r.Series(metric, index)
		if len(steps) == 0 {
			return Grid{}, fmt.Errorf("run %s (variant %s, seed %d) has no %s rows", r.Name, r.Variant, r.Seed, label(metric, index))
		}
		first, last = max(first, steps[0]), min(last, steps[len(steps)-1])
		union = append(union, steps...)
		sets = append(sets, steps)
	}
	slices.Sort(union)
	union = slices.Compact(union)
	var g Grid
	for _, s := range union {
		if s >= first && s <= last {
			g.Steps = append(g.Steps, s)
		}
	}
	if len(g.Steps) == 0 {
		return Grid{}, fmt.Errorf("the runs' %s curves do not overlap in real steps", label(metric, index))
	}
	for _, steps := range sets {
		for _, s := range g.Steps {
			if _, ok := slices.BinarySearch(steps, s); !ok {
				g.Carried = true
			}
		}
	}
	return g, nil
}

// Sample returns the run's values of metric at index on the grid: its last
// value at or before each grid step (NaN before its first).
func (g Grid) Sample(r *Run, metric string, index int64) []float64 {
	steps, values := r.Series(metric, index)
	out := make([]float64, len(g.Steps))
	for i, s := range g.Steps {
		if k := lastAtOrBefore(steps, s); k >= 0 {
			out[i] = values[k]
		} else {
			out[i] = math.NaN()
		}
	}
	return out
}

// CurveScores returns the [run][task][point] scores of the runs' curves of
// metric at index on the grid (Sample), as stats.SampleEfficiency takes
// them, with tasks as in ScoreMatrix.
func (g Grid) CurveScores(runs []*Run, tasks []string, metric string, index int64) ([][][]float64, error) {
	byTask := make([][][]float64, len(tasks))
	for _, r := range runs {
		if j := slices.Index(tasks, r.Task); j >= 0 {
			byTask[j] = append(byTask[j], g.Sample(r, metric, index))
		}
	}
	n := len(byTask[0])
	for j, c := range byTask {
		if len(c) != n || n == 0 {
			return nil, fmt.Errorf("task %s has %d runs and task %s has %d; every task needs the same number (at least 1)", tasks[0], n, tasks[j], len(c))
		}
	}
	x := make([][][]float64, n)
	for i := range x {
		x[i] = make([][]float64, len(tasks))
		for j := range tasks {
			x[i][j] = byTask[j][i]
		}
	}
	return x, nil
}

// label names metric at index.
func label(metric string, index int64) string {
	if index < 0 {
		return metric
	}
	return fmt.Sprintf("%s[%d]", metric, index)
}
