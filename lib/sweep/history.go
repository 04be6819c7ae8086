package sweep

import (
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/dynago/dynago/lib/format"
)

// column is one column of the history table: one row per trial and seed.
// get returns an int64, a float64 (NaN is null) or a string.
type column struct {
	name string
	typ  arrow.DataType
	get  func(t *TrialRecord, r *runRecord) any
}

func (s *Sweep) columns() []column {
	i64, f64, str := arrow.PrimitiveTypes.Int64, arrow.PrimitiveTypes.Float64, arrow.BinaryTypes.String
	cols := []column{
		{"trial", i64, func(t *TrialRecord, _ *runRecord) any { return int64(t.Trial.ID) }},
		{"seed", i64, func(_ *TrialRecord, r *runRecord) any { return r.Seed }},
		{"bracket", i64, func(t *TrialRecord, _ *runRecord) any { return int64(t.Trial.Bracket) }},
		{"rung", i64, func(t *TrialRecord, _ *runRecord) any { return int64(t.Trial.Rung) }},
		{"budget", i64, func(t *TrialRecord, _ *runRecord) any { return t.Trial.Budget }},
	}
	for _, p := range s.opt.Space.Params {
		c := column{name: p.Name, typ: f64, get: func(t *TrialRecord, _ *runRecord) any { return t.Trial.Config[p.Name].Num }}
		switch p.Kind {
		case Int:
			c.typ, c.get = i64, func(t *TrialRecord, _ *runRecord) any { return int64(t.Trial.Config[p.Name].Num) }
		case Choice:
			c.typ, c.get = str, func(t *TrialRecord, _ *runRecord) any { return t.Trial.Config[p.Name].Text }
		}
		cols = append(cols, c)
	}
	return append(cols,
		column{"score", f64, func(_ *TrialRecord, r *runRecord) any { return r.Score }},
		column{"objective", f64, func(t *TrialRecord, _ *runRecord) any { return t.Objective }},
		column{"wall_seconds", f64, func(_ *TrialRecord, r *runRecord) any { return r.Wall }},
		column{"attempts", i64, func(_ *TrialRecord, r *runRecord) any { return int64(r.Attempts) }},
		column{"status", str, func(_ *TrialRecord, r *runRecord) any { return r.Status }},
		column{"error", str, func(_ *TrialRecord, r *runRecord) any { return r.Error }},
	)
}

// writeTables writes history.arrow, history.csv, incumbent.csv and best.mk.
func (s *Sweep) writeTables() error {
	d := s.opt.Dir
	if err := format.WriteHistory(filepath.Join(d, "history.arrow"), s.history()); err != nil {
		return err
	}
	if err := writeFile(filepath.Join(d, "history.csv"), s.writeCSV); err != nil {
		return err
	}
	if err := writeFile(filepath.Join(d, "incumbent.csv"), s.writeIncumbent); err != nil {
		return err
	}
	if s.Best() < 0 {
		return nil
	}
	return writeFile(filepath.Join(d, "best.mk"), s.writeBest)
}

func writeFile(path string, write func(io.Writer) error) error {
	return format.WriteAtomic(path, func(f *os.File) error { return write(f) })
}

// history returns the history table (format.KindHistory): its metadata
// holds budget_name, the sweep settings and the provenance.
func (s *Sweep) history() *format.History {
	meta := format.Meta{"budget_name": s.opt.Space.Budget.Name}
	for k, v := range s.opt.Settings {
		meta[k] = v
	}
	for k, v := range s.opt.Meta {
		meta[k] = v
	}
	h := &format.History{Meta: meta}
	for _, c := range s.columns() {
		hc := format.HistoryColumn{Name: c.name}
		switch c.typ {
		case arrow.PrimitiveTypes.Int64:
			hc.Ints = []int64{}
		case arrow.PrimitiveTypes.Float64:
			hc.Floats = []float64{}
		default:
			hc.Strings = []string{}
		}
		for ti := range s.Trials {
			t := &s.Trials[ti]
			for ri := range t.Runs {
				switch v := c.get(t, &t.Runs[ri]).(type) {
				case int64:
					hc.Ints = append(hc.Ints, v)
				case float64:
					hc.Floats = append(hc.Floats, v)
				case string:
					hc.Strings = append(hc.Strings, v)
				}
			}
		}
		h.Columns = append(h.Columns, hc)
	}
	return h
}

func csvValue(v any) string {
	switch v := v.(type) {
	case int64:
		return strconv.FormatInt(v, 10)
	case float64:
		if math.IsNaN(v) {
			return ""
		}
		return strconv.FormatFloat(v, 'g', -1, 64)
	default:
		return v.(string)
	}
}

func (s *Sweep) writeCSV(w io.Writer) error {
	cols := s.columns()
	cw := csv.NewWriter(w)
	row := make([]string, len(cols))
	for i, c := range cols {
		row[i] = c.name
	}
	_ = cw.Write(row)
	for ti := range s.Trials {
		t := &s.Trials[ti]
		for ri := range t.Runs {
			for i, c := range cols {
				row[i] = csvValue(c.get(t, &t.Runs[ri]))
			}
			_ = cw.Write(row)
		}
	}
	cw.Flush()
	return cw.Error()
}

// incumbentStep is the state after the step-th finished trial.
type incumbentStep struct {
	step      int
	trial     *TrialRecord
	realSteps int64 // spent by all runs so far
	best      *TrialRecord
}

func (s *Sweep) incumbents() []incumbentStep {
	var out []incumbentStep
	var spent int64
	for i := range s.Trials {
		t := &s.Trials[i]
		spent += t.Trial.Budget * int64(len(t.Runs))
		st := incumbentStep{step: i + 1, trial: t, realSteps: spent}
		if b := incumbent(s.Trials[:i+1], s.score); b >= 0 {
			st.best = &s.Trials[b]
		}
		out = append(out, st)
	}
	return out
}

func (s *Sweep) writeIncumbent(w io.Writer) error {
	cw := csv.NewWriter(w)
	_ = cw.Write([]string{"step", "trial", "budget", "objective", "real_steps", "incumbent_trial", "incumbent_budget", "incumbent_objective"})
	for _, st := range s.incumbents() {
		row := []string{strconv.Itoa(st.step), strconv.Itoa(st.trial.Trial.ID), strconv.FormatInt(st.trial.Trial.Budget, 10),
			csvValue(st.trial.Objective), strconv.FormatInt(st.realSteps, 10), "", "", ""}
		if st.best != nil {
			row[5], row[6], row[7] = strconv.Itoa(st.best.Trial.ID), strconv.FormatInt(st.best.Trial.Budget, 10), csvValue(st.best.Objective)
		}
		_ = cw.Write(row)
	}
	cw.Flush()
	return cw.Error()
}

// writeBest writes the incumbent as make assignments for CONFIG=.
func (s *Sweep) writeBest(w io.Writer) error {
	t := s.Trials[s.Best()]
	dir := "maximised"
	if !s.opt.Maximize {
		dir = "minimised"
	}
	fmt.Fprintf(w, "# Best configuration of the sweep in %s:\n", s.opt.Dir)
	fmt.Fprintf(w, "# trial %d, %s = %g (%s) over seeds %v.\n", t.Trial.ID, s.opt.Objective, t.Objective, dir, s.opt.Space.Seeds)
	fmt.Fprintf(w, "# Use: make run CONFIG=best.mk SEED=... OUT=...\n")
	for _, kv := range s.opt.Space.assignments(t.Trial.Config) {
		fmt.Fprintf(w, "%s = %s\n", kv[0], kv[1])
	}
	_, err := fmt.Fprintf(w, "%s = %d\n", s.opt.Space.Budget.Name, t.Trial.Budget)
	return err
}
