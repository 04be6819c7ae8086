package format

import (
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func history(params ...HistoryColumn) *History {
	h := &History{Meta: Meta{"budget_name": "STEPS", "tool": "sweep"}}
	ints := func(name string, v ...int64) HistoryColumn { return HistoryColumn{Name: name, Ints: v} }
	h.Columns = append(h.Columns, ints("trial", 1, 1), ints("seed", 0, 1), ints("bracket", 0, 0), ints("rung", 0, 0), ints("budget", 3000, 3000))
	h.Columns = append(h.Columns, params...)
	return h.withTrailing()
}

func (h *History) withTrailing() *History {
	h.Columns = append(h.Columns,
		HistoryColumn{Name: "score", Floats: []float64{250, math.NaN()}},
		HistoryColumn{Name: "objective", Floats: []float64{250, 250}},
		HistoryColumn{Name: "wall_seconds", Floats: []float64{1.5, 0.25}},
		HistoryColumn{Name: "attempts", Ints: []int64{1, 2}},
		HistoryColumn{Name: "status", Strings: []string{"done", "failed"}},
		HistoryColumn{Name: "error", Strings: []string{"", "exit status 1"}})
	return h
}

func TestHistoryRoundTrip(t *testing.T) {
	h := history(HistoryColumn{Name: "LR", Floats: []float64{1e-3, 1e-3}}, HistoryColumn{Name: "HORIZON", Ints: []int64{5, 5}},
		HistoryColumn{Name: "PRESET", Strings: []string{"course", "course"}})
	path := filepath.Join(t.TempDir(), "history.arrow")
	if err := WriteHistory(path, h); err != nil {
		t.Fatal(err)
	}
	got, err := ReadHistory(path)
	if err != nil {
		t.Fatal(err)
	}
	if got.Meta["budget_name"] != "STEPS" || got.Column("PRESET") == nil || got.Column("LR").Floats[0] != 1e-3 {
		t.Errorf("read %+v", got)
	}
	if s := got.Column("score").Floats; s[0] != 250 || !math.IsNaN(s[1]) {
		t.Errorf("score %v, want [250 NaN]", s)
	}
	h.Column("score").Floats, got.Column("score").Floats = nil, nil // NaN != NaN
	if !reflect.DeepEqual(h.Columns, got.Columns) {
		t.Errorf("columns differ:\n%+v\n%+v", h.Columns, got.Columns)
	}
	// Another kind is not a history, and a history is not metrics.
	if _, err := ReadMetrics(path); err == nil || !strings.Contains(err.Error(), `kind "sweep_history"`) {
		t.Errorf("ReadMetrics of a history: %v", err)
	}
}

func TestHistoryErrors(t *testing.T) {
	dir := t.TempDir()
	cases := []struct {
		name string
		h    *History
		msg  string
	}{
		{"missing leading", (&History{Columns: []HistoryColumn{{Name: "seed", Ints: []int64{0, 1}}}}).withTrailing(), "want at least"},
		{"wrong order", func() *History {
			h := history()
			h.Columns[0].Name, h.Columns[1].Name = "seed", "trial"
			return h
		}(), `"seed", want "trial"`},
		{"ragged", history(HistoryColumn{Name: "LR", Floats: []float64{1}}), "column LR: 1 rows"},
		{"repeated parameter", history(HistoryColumn{Name: "A", Ints: []int64{1, 2}}, HistoryColumn{Name: "A", Ints: []int64{1, 2}}), "repeated"},
		{"fixed name as parameter", history(HistoryColumn{Name: "score", Ints: []int64{1, 2}}), "among the parameters"},
		{"two types", history(HistoryColumn{Name: "A", Ints: []int64{1, 2}, Strings: []string{"a", "b"}}), "2 of Ints"},
		{"inf", history(HistoryColumn{Name: "A", Floats: []float64{1, math.Inf(1)}}), "+Inf"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(dir, c.name+".arrow")
			err := WriteHistory(path, c.h)
			if err == nil || !strings.Contains(err.Error(), c.msg) {
				t.Errorf("error %v, want one with %q", err, c.msg)
			}
			if _, err := os.Stat(path); err == nil {
				t.Error("a rejected history was written")
			}
		})
	}
}
