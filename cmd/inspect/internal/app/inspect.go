package app

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/dynago/dynago/lib/format"
)

// Output formats.
const (
	Table = "table"
	CSV   = "csv"
	JSON  = "json"
)

// Options select what Inspect prints.
type Options struct {
	Format     string   // Table, CSV or JSON
	Head, Tail int      // print only the first Head or last Tail rows; -1 for all
	Columns    []string // print only these columns, in this order; nil for all
	SchemaOnly bool     // print schema and metadata, no rows
	Mem        memory.Allocator
}

// errNotArrow is the error for input that is neither an Arrow IPC file nor
// a stream.
var errNotArrow = errors.New("truncated or not an Arrow IPC file")

// table is an input's schema and record batches, in order.
type table struct {
	kind   string // "Arrow IPC file" or "Arrow IPC stream"
	schema *arrow.Schema
	recs   []arrow.RecordBatch
	rows   int
}

func (t *table) release() {
	for _, r := range t.recs {
		r.Release()
	}
}

// Inspect prints the Arrow IPC file or stream in data, named name, to w.
// In table format it prints the name, schema, metadata, row count and rows;
// CSV and JSON print only rows (a header line, or one object per line), so
// they can be piped on. Errors read "read NAME: why".
func Inspect(w io.Writer, name string, data []byte, o Options) (err error) {
	if o.Mem == nil {
		o.Mem = memory.DefaultAllocator
	}
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("read %s: corrupt Arrow IPC data: %v", name, r)
		}
	}()
	t, err := open(data, o.Mem)
	if err != nil {
		return fmt.Errorf("read %s: %w", name, err)
	}
	defer t.release()
	cols, err := selectColumns(t.schema, o.Columns)
	if err != nil {
		return err
	}
	lo, hi := window(t.rows, o.Head, o.Tail)
	switch {
	case o.SchemaOnly:
		return printSchema(w, name, t, cols)
	case o.Format == CSV:
		return printCSV(w, t, cols, lo, hi)
	case o.Format == JSON:
		return printJSON(w, t, cols, lo, hi)
	}
	if err := printSchema(w, name, t, cols); err != nil {
		return err
	}
	if lo != 0 || hi != t.rows {
		fmt.Fprintf(w, "rows: %d (showing %d to %d)\n", t.rows, lo, hi-1)
	} else {
		fmt.Fprintf(w, "rows: %d\n", t.rows)
	}
	return printTable(w, t, cols, lo, hi)
}

// open reads data as an Arrow IPC file if it starts with the file magic,
// otherwise as a stream, and validates every batch.
func open(data []byte, mem memory.Allocator) (*table, error) {
	t := &table{}
	isFile := bytes.HasPrefix(data, []byte("ARROW1"))
	if isFile && (!bytes.HasSuffix(data, []byte("ARROW1")) || len(data) < 18) {
		return nil, errNotArrow
	}
	if err := format.CheckIPC(data); err != nil {
		if isFile {
			return nil, err
		}
		return nil, errNotArrow
	}
	if isFile {
		r, err := ipc.NewMappedFileReader(data, limits(data, mem)...)
		if err != nil {
			return nil, fmt.Errorf("corrupt Arrow IPC file: %v", err)
		}
		defer r.Close()
		t.kind, t.schema = "Arrow IPC file", r.Schema()
		for i := range r.NumRecords() {
			rec, err := r.RecordBatchAt(i)
			if err != nil {
				t.release()
				return nil, fmt.Errorf("record batch %d: corrupt Arrow IPC file: %v", i, err)
			}
			t.recs = append(t.recs, rec)
		}
	} else {
		// ipc.NewReader ignores the size limits; a MessageReader keeps them.
		opts := limits(data, mem)
		r, err := ipc.NewReaderFromMessageReader(ipc.NewMessageReader(bytes.NewReader(data), opts...), opts...)
		if err != nil {
			return nil, errNotArrow
		}
		defer r.Release()
		t.kind, t.schema = "Arrow IPC stream", r.Schema()
		for r.Next() {
			rec := r.RecordBatch()
			rec.Retain()
			t.recs = append(t.recs, rec)
		}
		if err := r.Err(); err != nil {
			t.release()
			return nil, fmt.Errorf("record batch %d: corrupt Arrow IPC stream: %v", len(t.recs), err)
		}
	}
	for i, rec := range t.recs {
		if err := array.ValidateRecordFull(rec); err != nil {
			t.release()
			return nil, fmt.Errorf("record batch %d: corrupt Arrow IPC data: %v", i, err)
		}
		t.rows += int(rec.NumRows())
	}
	return t, nil
}

// limits are the reader options: no message in data can be larger than
// data, so a corrupt length cannot make the reader allocate more.
func limits(data []byte, mem memory.Allocator) []ipc.Option {
	n := int64(len(data))
	return []ipc.Option{ipc.WithAllocator(mem), ipc.WithMetadataSizeLimit(n), ipc.WithBodySizeLimit(n)}
}

// selectColumns returns the indices of names in s, or of every column if
// names is empty.
func selectColumns(s *arrow.Schema, names []string) ([]int, error) {
	if len(names) == 0 {
		idx := make([]int, s.NumFields())
		for i := range idx {
			idx[i] = i
		}
		return idx, nil
	}
	idx := make([]int, len(names))
	for i, n := range names {
		j := s.FieldIndices(n)
		if len(j) == 0 {
			all := make([]string, s.NumFields())
			for k, f := range s.Fields() {
				all[k] = f.Name
			}
			return nil, &ColumnError{Name: n, Have: all}
		}
		idx[i] = j[0]
	}
	return idx, nil
}

// ColumnError is a --columns name the input does not have.
type ColumnError struct {
	Name string
	Have []string
}

func (e *ColumnError) Error() string {
	return fmt.Sprintf("--columns: no column %q (have %s)", e.Name, strings.Join(e.Have, ","))
}

// window returns the rows [lo, hi) that head and tail (-1 for unset) keep.
func window(rows, head, tail int) (lo, hi int) {
	lo, hi = 0, rows
	if head >= 0 {
		hi = min(head, rows)
	}
	if tail >= 0 {
		lo = max(hi-tail, 0)
	}
	return lo, hi
}

// eachRow calls f with the batch and row of every row in [lo, hi).
func eachRow(t *table, lo, hi int, f func(rec arrow.RecordBatch, i int) error) error {
	start := 0
	for _, rec := range t.recs {
		n := int(rec.NumRows())
		for i := max(lo-start, 0); i < n && start+i < hi; i++ {
			if err := f(rec, i); err != nil {
				return err
			}
		}
		start += n
	}
	return nil
}

func printSchema(w io.Writer, name string, t *table, cols []int) error {
	var b strings.Builder
	fmt.Fprintf(&b, "file: %s (%s)\nschema:\n", name, t.kind)
	for _, c := range cols {
		f := t.schema.Field(c)
		null := ""
		if f.Nullable {
			null = " (nullable)"
		}
		fmt.Fprintf(&b, "  %s: %s%s\n", f.Name, f.Type, null)
	}
	md := t.schema.Metadata()
	keys := slices.Clone(md.Keys())
	slices.Sort(keys)
	b.WriteString("metadata:\n")
	for _, k := range keys {
		v, _ := md.GetValue(k)
		if strings.ContainsAny(v, "\n\r\t") {
			v = strconv.Quote(v)
		}
		fmt.Fprintf(&b, "  %s: %s\n", k, v)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func printTable(w io.Writer, t *table, cols []int, lo, hi int) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	names := make([]string, len(cols))
	for i, c := range cols {
		names[i] = t.schema.Field(c).Name
	}
	fmt.Fprintln(tw, strings.Join(names, "\t"))
	cells := make([]string, len(cols))
	err := eachRow(t, lo, hi, func(rec arrow.RecordBatch, i int) error {
		for k, c := range cols {
			cells[k] = text(rec.Column(c), i, "null")
		}
		_, err := fmt.Fprintln(tw, strings.Join(cells, "\t"))
		return err
	})
	if err != nil {
		return err
	}
	return tw.Flush()
}

func printCSV(w io.Writer, t *table, cols []int, lo, hi int) error {
	cw := csv.NewWriter(w)
	names := make([]string, len(cols))
	for i, c := range cols {
		names[i] = t.schema.Field(c).Name
	}
	if err := cw.Write(names); err != nil {
		return err
	}
	cells := make([]string, len(cols))
	err := eachRow(t, lo, hi, func(rec arrow.RecordBatch, i int) error {
		for k, c := range cols {
			cells[k] = text(rec.Column(c), i, "")
		}
		return cw.Write(cells)
	})
	if err != nil {
		return err
	}
	cw.Flush()
	return cw.Error()
}

func printJSON(w io.Writer, t *table, cols []int, lo, hi int) error {
	keys := make([][]byte, len(cols))
	for i, c := range cols {
		keys[i], _ = json.Marshal(t.schema.Field(c).Name)
	}
	var line bytes.Buffer
	return eachRow(t, lo, hi, func(rec arrow.RecordBatch, i int) error {
		line.Reset()
		line.WriteByte('{')
		for k, c := range cols {
			if k > 0 {
				line.WriteByte(',')
			}
			line.Write(keys[k])
			line.WriteByte(':')
			v, err := json.Marshal(jsonValue(rec.Column(c), i))
			if err != nil {
				return fmt.Errorf("column %s row %d: %w", t.schema.Field(c).Name, i, err)
			}
			line.Write(v)
		}
		line.WriteString("}\n")
		_, err := w.Write(line.Bytes())
		return err
	})
}

// listLike is satisfied by list, large_list, fixed_size_list, list_view
// and map arrays.
type listLike interface {
	arrow.Array
	ListValues() arrow.Array
	ValueOffsets(i int) (start, end int64)
}

// text formats value i of a for the table and CSV: floats in the shortest
// form that reads back exactly, lists as [a b c], null as null.
func text(a arrow.Array, i int, null string) string {
	if a.IsNull(i) {
		return null
	}
	switch a := a.(type) {
	case *array.Float64:
		return strconv.FormatFloat(a.Value(i), 'g', -1, 64)
	case *array.Float32:
		return strconv.FormatFloat(float64(a.Value(i)), 'g', -1, 32)
	case listLike:
		lo, hi := a.ValueOffsets(i)
		elems := make([]string, 0, hi-lo)
		for j := lo; j < hi; j++ {
			elems = append(elems, text(a.ListValues(), int(j), "null"))
		}
		return "[" + strings.Join(elems, " ") + "]"
	case *array.Struct:
		fields := make([]string, a.NumField())
		for k := range fields {
			fields[k] = text(a.Field(k), i, "null")
		}
		return "{" + strings.Join(fields, " ") + "}"
	}
	return a.ValueStr(i)
}

// jsonValue returns value i of a for encoding/json: lists as arrays,
// structs as objects, NaN and infinities as the strings "NaN", "+Inf" and
// "-Inf" (JSON has no numbers for them).
func jsonValue(a arrow.Array, i int) any {
	if a.IsNull(i) {
		return nil
	}
	switch a := a.(type) {
	case *array.Float64:
		return jsonFloat(a.Value(i))
	case *array.Float32:
		return jsonFloat(float64(a.Value(i)))
	case listLike:
		lo, hi := a.ValueOffsets(i)
		elems := make([]any, 0, hi-lo)
		for j := lo; j < hi; j++ {
			elems = append(elems, jsonValue(a.ListValues(), int(j)))
		}
		return elems
	case *array.Struct:
		st := a.DataType().(*arrow.StructType)
		obj := make(map[string]any, a.NumField())
		for k := range a.NumField() {
			obj[st.Field(k).Name] = jsonValue(a.Field(k), i)
		}
		return obj
	}
	return a.GetOneForMarshal(i)
}

func jsonFloat(v float64) any {
	switch {
	case math.IsNaN(v):
		return "NaN"
	case math.IsInf(v, 1):
		return "+Inf"
	case math.IsInf(v, -1):
		return "-Inf"
	}
	return v
}
