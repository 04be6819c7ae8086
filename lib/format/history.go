package format

import (
	"fmt"
	"slices"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// History is a sweep's history (kind sweep_history): one row per trial and
// seed. Its columns are HistoryLeading, then one per swept parameter (its
// make variable's name; float64, int64, or string for a choice), then
// HistoryTrailing. bin/sweep writes it; docs/FORMATS.md and docs/SWEEPS.md
// describe the columns.
type History struct {
	Columns []HistoryColumn
	Meta    Meta
}

// HistoryColumn is one column of a History: exactly one of Ints, Floats
// and Strings is non-nil, of the table's length. NaN in Floats is null
// (a failed run's score); ±Inf is rejected.
type HistoryColumn struct {
	Name    string
	Ints    []int64
	Floats  []float64
	Strings []string
}

// The fixed columns of a history and their types: "i" int64, "f" float64
// (nullable), "s" string.
var (
	HistoryLeading  = []string{"trial", "seed", "bracket", "rung", "budget"}
	HistoryTrailing = []string{"score", "objective", "wall_seconds", "attempts", "status", "error"}
	historyTypes    = map[string]string{"trial": "i", "seed": "i", "bracket": "i", "rung": "i", "budget": "i",
		"score": "f", "objective": "f", "wall_seconds": "f", "attempts": "i", "status": "s", "error": "s"}
)

// Column returns the column called name, or nil.
func (h *History) Column(name string) *HistoryColumn {
	for i := range h.Columns {
		if h.Columns[i].Name == name {
			return &h.Columns[i]
		}
	}
	return nil
}

func (c *HistoryColumn) typ() (string, int, error) {
	var t []string
	n := 0
	if c.Ints != nil {
		t, n = append(t, "i"), len(c.Ints)
	}
	if c.Floats != nil {
		t, n = append(t, "f"), len(c.Floats)
	}
	if c.Strings != nil {
		t, n = append(t, "s"), len(c.Strings)
	}
	if len(t) != 1 {
		return "", 0, fmt.Errorf("column %s: %d of Ints, Floats and Strings set, want one", c.Name, len(t))
	}
	return t[0], n, nil
}

// check returns the number of rows, or an error naming the first column
// out of place, of the wrong type or length, or repeated.
func (h *History) check() (int, error) {
	nl, nt := len(HistoryLeading), len(HistoryTrailing)
	if len(h.Columns) < nl+nt {
		return 0, fmt.Errorf("%d columns, want at least %d", len(h.Columns), nl+nt)
	}
	rows := -1
	var seen []string
	for i, c := range h.Columns {
		want := ""
		switch {
		case i < nl:
			want = HistoryLeading[i]
		case i >= len(h.Columns)-nt:
			want = HistoryTrailing[i-(len(h.Columns)-nt)]
		case historyTypes[c.Name] != "":
			return 0, fmt.Errorf("column %d: %s among the parameters", i, c.Name)
		}
		if want != "" && c.Name != want {
			return 0, fmt.Errorf("column %d: %q, want %q", i, c.Name, want)
		}
		if c.Name == "" || slices.Contains(seen, c.Name) {
			return 0, fmt.Errorf("column %d: name %q empty or repeated", i, c.Name)
		}
		seen = append(seen, c.Name)
		t, n, err := c.typ()
		if err != nil {
			return 0, err
		}
		if w := historyTypes[c.Name]; w != "" && t != w {
			return 0, fmt.Errorf("column %s: wrong type", c.Name)
		}
		if rows >= 0 && n != rows {
			return 0, fmt.Errorf("column %s: %d rows, column %s has %d", c.Name, n, h.Columns[0].Name, rows)
		}
		rows = n
		if t == "f" {
			if err := checkNotInf(c.Name, c.Floats); err != nil {
				return 0, err
			}
		}
	}
	return rows, nil
}

func encodeHistory(mem memory.Allocator, h *History) ([]byte, error) {
	n, err := h.check()
	if err != nil {
		return nil, err
	}
	fields := make([]arrow.Field, len(h.Columns))
	cols := make([]arrow.Array, len(h.Columns))
	defer releaseAll(cols)
	for i, c := range h.Columns {
		switch {
		case c.Ints != nil:
			fields[i] = arrow.Field{Name: c.Name, Type: arrow.PrimitiveTypes.Int64}
			cols[i] = i64Array(c.Ints)
		case c.Floats != nil:
			fields[i] = arrow.Field{Name: c.Name, Type: arrow.PrimitiveTypes.Float64, Nullable: true}
			cols[i] = nullableF64Array(mem, c.Floats)
		default:
			fields[i] = arrow.Field{Name: c.Name, Type: arrow.BinaryTypes.String}
			cols[i] = stringArray(mem, n, func(r int) string { return c.Strings[r] })
		}
	}
	md := schemaMetadata(KindHistory, h.Meta)
	return encode(mem, arrow.NewSchema(fields, &md), cols, n)
}

func decodeHistory(name string, data []byte, mem memory.Allocator) (*History, error) {
	h := &History{}
	onSchema := func(s *arrow.Schema, md map[string]string) error {
		h.Meta = md
		for _, f := range s.Fields() {
			c := HistoryColumn{Name: f.Name}
			switch {
			case sameType(f.Type, arrow.PrimitiveTypes.Int64):
				c.Ints = []int64{}
			case sameType(f.Type, arrow.PrimitiveTypes.Float64):
				c.Floats = []float64{}
			case sameType(f.Type, arrow.BinaryTypes.String):
				c.Strings = []string{}
			default:
				return fmt.Errorf("column %s: type %s, want int64, float64 or string", f.Name, typeName(f.Type))
			}
			h.Columns = append(h.Columns, c)
		}
		return nil
	}
	onBatch := func(rec arrow.RecordBatch) error {
		for i := range h.Columns {
			c := &h.Columns[i]
			a := rec.Column(i)
			switch {
			case c.Ints != nil:
				v, err := readI64(c.Name, a)
				if err != nil {
					return err
				}
				c.Ints = append(c.Ints, v...)
			case c.Floats != nil:
				var err error
				if c.Floats, err = appendNullableF64(c.Floats, c.Name, a); err != nil {
					return err
				}
			default:
				v, err := readStrings(c.Name, a)
				if err != nil {
					return err
				}
				c.Strings = append(c.Strings, v...)
			}
		}
		return nil
	}
	if err := decode(name, data, KindHistory, mem, onSchema, onBatch); err != nil {
		return nil, err
	}
	if _, err := h.check(); err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	return h, nil
}

// WriteHistory writes h to path atomically, after checking its columns.
func WriteHistory(path string, h *History) error {
	b, err := encodeHistory(memory.DefaultAllocator, h)
	return writeBytes(path, b, err)
}

// ReadHistory reads a sweep history file.
func ReadHistory(path string) (*History, error) {
	return readFile(path, decodeHistory)
}
