package format

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/bitutil"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// Schema metadata keys the writers set themselves. Readers return them in
// struct fields, not in Meta.
const (
	keyKind       = "kind"
	keyVersion    = "format_version"
	keyObsDim     = "obs_dim"
	keyActDim     = "act_dim"
	keyActionType = "action_type"
)

var (
	arrowMagic  = []byte("ARROW1")
	streamStart = []byte{0xff, 0xff, 0xff, 0xff}

	errNotArrow = errors.New("truncated or not an Arrow IPC file")
	errStream   = errors.New("Arrow IPC stream format, want the file format (a stream can be converted with pyarrow or inspect)")
)

// schemaMetadata merges the writer's own keys (kind, format_version and
// extra key/value pairs) over the caller's meta and sorts the keys, so that
// the same inputs give the same bytes.
func schemaMetadata(kind string, meta Meta, extra ...string) arrow.Metadata {
	m := make(map[string]string, len(meta)+2+len(extra)/2)
	for k, v := range meta {
		m[k] = v
	}
	m[keyKind] = kind
	m[keyVersion] = FormatVersion
	for i := 0; i+1 < len(extra); i += 2 {
		m[extra[i]] = extra[i+1]
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	vals := make([]string, len(keys))
	for i, k := range keys {
		vals[i] = m[k]
	}
	return arrow.NewMetadata(keys, vals)
}

// encode writes cols as a single record batch of nrows rows under schema,
// in the Arrow IPC file format, and returns the bytes. It does not release
// cols.
func encode(mem memory.Allocator, schema *arrow.Schema, cols []arrow.Array, nrows int) ([]byte, error) {
	rec := array.NewRecordBatch(schema, cols, int64(nrows))
	defer rec.Release()
	var buf bytes.Buffer
	size := 4096 + 8*len(schema.Metadata().Keys())
	for _, c := range cols {
		size += 64 + bodySize(c.Data())
	}
	buf.Grow(size)
	w, err := ipc.NewFileWriter(&buf, ipc.WithSchema(schema), ipc.WithAllocator(mem))
	if err != nil {
		return nil, err
	}
	if err := w.Write(rec); err != nil {
		_ = w.Close()
		return nil, err
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// bodySize returns the bytes of d's buffers, a hint for the output size.
func bodySize(d arrow.ArrayData) int {
	n := 0
	for _, b := range d.Buffers() {
		if b != nil {
			n += b.Len() + 8
		}
	}
	for _, c := range d.Children() {
		n += bodySize(c)
	}
	return n
}

// releaseAll releases every non-nil array of cols.
func releaseAll(cols []arrow.Array) {
	for _, c := range cols {
		if c != nil {
			c.Release()
		}
	}
}

// sniff checks the magic bytes at both ends of an Arrow IPC file.
func sniff(data []byte) error {
	if bytes.HasPrefix(data, streamStart) {
		return errStream
	}
	// magic, padding, at least an empty footer, footer length, magic
	if len(data) < 2*len(arrowMagic)+2+4 || !bytes.HasPrefix(data, arrowMagic) || !bytes.HasSuffix(data, arrowMagic) {
		return errNotArrow
	}
	return nil
}

// decode opens data as an Arrow IPC file of the given kind: it checks the
// magic bytes, kind and format version, passes the schema and the caller's
// metadata (without the keys in reserved) to onSchema, then validates each
// record batch and passes it to onBatch. Errors are prefixed "read name: ".
// A panic inside arrow-go on corrupt input becomes an error.
func decode(name string, data []byte, kind string, mem memory.Allocator,
	onSchema func(s *arrow.Schema, md map[string]string) error,
	onBatch func(rec arrow.RecordBatch) error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("read %s: corrupt Arrow IPC file: %v", name, r)
		}
	}()
	if err := sniff(data); err != nil {
		return fmt.Errorf("read %s: %w", name, err)
	}
	if err := CheckIPC(data); err != nil {
		return fmt.Errorf("read %s: %w", name, err)
	}
	r, err := ipc.NewMappedFileReader(data, ipc.WithAllocator(mem),
		ipc.WithMetadataSizeLimit(int64(len(data))), ipc.WithBodySizeLimit(int64(len(data))))
	if err != nil {
		return fmt.Errorf("read %s: corrupt Arrow IPC file: %v", name, err)
	}
	defer r.Close()
	schema := r.Schema()
	md := schema.Metadata().ToMap()
	got, ok := md[keyKind]
	switch {
	case !ok:
		return fmt.Errorf("read %s: not a dynago %s file (no %q in schema metadata)", name, kind, keyKind)
	case got != kind:
		return fmt.Errorf("read %s: not a dynago %s file (kind %q)", name, kind, got)
	}
	v, ok := md[keyVersion]
	if major, _, _ := strings.Cut(v, "."); !ok || major != FormatVersion {
		return fmt.Errorf("read %s: unsupported %s %q (this reader reads %s)", name, keyVersion, v, FormatVersion)
	}
	delete(md, keyKind)
	delete(md, keyVersion)
	if err := onSchema(schema, md); err != nil {
		return fmt.Errorf("read %s: %w", name, err)
	}
	for i := range r.NumRecords() {
		if err := readBatch(r, i, onBatch); err != nil {
			return fmt.Errorf("read %s: record batch %d: %w", name, i, err)
		}
	}
	return nil
}

func readBatch(r *ipc.FileReader, i int, onBatch func(arrow.RecordBatch) error) error {
	rec, err := r.RecordBatchAt(i)
	if err != nil {
		return fmt.Errorf("corrupt Arrow IPC file: %v", err)
	}
	defer rec.Release()
	if err := array.ValidateRecordFull(rec); err != nil {
		return fmt.Errorf("corrupt Arrow IPC file: %v", err)
	}
	return onBatch(rec)
}

// colSpec is a column a reader requires, with its type. Readers find
// columns by name and ignore extra columns, so a later minor version may add
// some.
type colSpec struct {
	name string
	typ  arrow.DataType
}

// findColumns returns the index in s of every column of specs, or an error
// naming the first one missing or of the wrong type.
func findColumns(s *arrow.Schema, specs []colSpec) ([]int, error) {
	idx := make([]int, len(specs))
	for i, c := range specs {
		j := s.FieldIndices(c.name)
		if len(j) == 0 {
			return nil, fmt.Errorf("no column %s", c.name)
		}
		if len(j) > 1 {
			return nil, fmt.Errorf("column %s appears %d times", c.name, len(j))
		}
		if got := s.Field(j[0]).Type; !sameType(got, c.typ) {
			return nil, fmt.Errorf("column %s: want %s, got %s", c.name, typeName(c.typ), typeName(got))
		}
		idx[i] = j[0]
	}
	return idx, nil
}

// sameType compares types ignoring field names and the nullability of list
// elements, which differ between Arrow implementations. A string column may
// be string, large_string or string_view.
func sameType(got, want arrow.DataType) bool {
	if want.ID() == arrow.STRING {
		switch got.ID() {
		case arrow.STRING, arrow.LARGE_STRING, arrow.STRING_VIEW:
			return true
		}
		return false
	}
	if got.ID() != want.ID() {
		return false
	}
	switch w := want.(type) {
	case *arrow.FixedSizeListType:
		g := got.(*arrow.FixedSizeListType)
		return g.Len() == w.Len() && sameType(g.Elem(), w.Elem())
	case *arrow.ListType:
		return sameType(got.(*arrow.ListType).Elem(), w.Elem())
	}
	return true
}

// typeName spells a type the way the docs do: fixed_size_list<float64>[4].
func typeName(t arrow.DataType) string {
	switch t := t.(type) {
	case *arrow.FixedSizeListType:
		return fmt.Sprintf("fixed_size_list<%s>[%d]", typeName(t.Elem()), t.Len())
	case *arrow.ListType:
		return fmt.Sprintf("list<%s>", typeName(t.Elem()))
	case *arrow.LargeListType:
		return fmt.Sprintf("large_list<%s>", typeName(t.Elem()))
	}
	return t.String()
}

// Column builders. Float64 and int64 columns without nulls share the
// caller's slices (no copy); the IPC writer only reads them.

func f64Array(x []float64) arrow.Array {
	return fromBuffers(arrow.PrimitiveTypes.Float64, len(x), nil, memory.NewBufferBytes(arrow.Float64Traits.CastToBytes(x)), 0)
}

func i64Array(x []int64) arrow.Array {
	return fromBuffers(arrow.PrimitiveTypes.Int64, len(x), nil, memory.NewBufferBytes(arrow.Int64Traits.CastToBytes(x)), 0)
}

func fromBuffers(dt arrow.DataType, n int, validity, values *memory.Buffer, nulls int) arrow.Array {
	data := array.NewData(dt, n, []*memory.Buffer{validity, values}, nil, nulls, 0)
	defer data.Release()
	return array.MakeFromData(data)
}

// bitmap packs valid(i) for i < n into a buffer from mem.
func bitmap(mem memory.Allocator, n int, valid func(i int) bool) *memory.Buffer {
	buf := memory.NewResizableBuffer(mem)
	buf.Resize(int(bitutil.BytesForBits(int64(n))))
	b := buf.Bytes()
	clear(b)
	for i := range n {
		if valid(i) {
			bitutil.SetBit(b, i)
		}
	}
	return buf
}

func boolArray(mem memory.Allocator, x []bool) arrow.Array {
	bits := bitmap(mem, len(x), func(i int) bool { return x[i] })
	defer bits.Release()
	return fromBuffers(arrow.FixedWidthTypes.Boolean, len(x), nil, bits, 0)
}

// nullableF64Array writes NaN as null. Null slots hold 0 so that the bytes
// do not depend on NaN payloads.
func nullableF64Array(mem memory.Allocator, x []float64) arrow.Array {
	nulls := 0
	for _, v := range x {
		if math.IsNaN(v) {
			nulls++
		}
	}
	if nulls == 0 {
		return f64Array(x)
	}
	vals := make([]float64, len(x))
	for i, v := range x {
		if !math.IsNaN(v) {
			vals[i] = v
		}
	}
	valid := bitmap(mem, len(x), func(i int) bool { return !math.IsNaN(x[i]) })
	defer valid.Release()
	return fromBuffers(arrow.PrimitiveTypes.Float64, len(x), valid, memory.NewBufferBytes(arrow.Float64Traits.CastToBytes(vals)), nulls)
}

// nullableI64Array writes null where x[i] == null.
func nullableI64Array(mem memory.Allocator, x []int64, null int64) arrow.Array {
	nulls := 0
	for _, v := range x {
		if v == null {
			nulls++
		}
	}
	if nulls == 0 {
		return i64Array(x)
	}
	vals := make([]int64, len(x))
	for i, v := range x {
		if v != null {
			vals[i] = v
		}
	}
	valid := bitmap(mem, len(x), func(i int) bool { return x[i] != null })
	defer valid.Release()
	return fromBuffers(arrow.PrimitiveTypes.Int64, len(x), valid, memory.NewBufferBytes(arrow.Int64Traits.CastToBytes(vals)), nulls)
}

// fslArray makes a fixed_size_list<float64>[dim] column of len(x)/dim rows
// sharing x.
func fslArray(x []float64, dim int) arrow.Array {
	child := f64Array(x)
	defer child.Release()
	data := array.NewData(arrow.FixedSizeListOf(int32(dim), arrow.PrimitiveTypes.Float64), len(x)/dim,
		[]*memory.Buffer{nil}, []arrow.ArrayData{child.Data()}, 0, 0)
	defer data.Release()
	return array.MakeFromData(data)
}

// listArray makes a list<elem> column from int32 offsets and values.
func listArray(elem arrow.DataType, offsets []int32, values arrow.Array) arrow.Array {
	data := array.NewData(arrow.ListOf(elem), len(offsets)-1,
		[]*memory.Buffer{nil, memory.NewBufferBytes(arrow.Int32Traits.CastToBytes(offsets))},
		[]arrow.ArrayData{values.Data()}, 0, 0)
	defer data.Release()
	return array.MakeFromData(data)
}

func stringArray(mem memory.Allocator, n int, value func(i int) string) arrow.Array {
	b := array.NewStringBuilder(mem)
	defer b.Release()
	b.Reserve(n)
	for i := range n {
		b.Append(value(i))
	}
	return b.NewArray()
}

// Column readers. The record batch has passed ValidateRecordFull and
// findColumns, so types and buffer sizes are right; they check nulls.

// noNulls reports the first null row of a required column.
func noNulls(name string, a arrow.Array) error {
	if a.NullN() == 0 {
		return nil
	}
	for i := range a.Len() {
		if a.IsNull(i) {
			return fmt.Errorf("column %s row %d: null in a required column", name, i)
		}
	}
	return nil
}

func readI64(name string, a arrow.Array) ([]int64, error) {
	if err := noNulls(name, a); err != nil {
		return nil, err
	}
	return a.(*array.Int64).Int64Values(), nil
}

func readBool(name string, a arrow.Array) ([]bool, error) {
	if err := noNulls(name, a); err != nil {
		return nil, err
	}
	b := a.(*array.Boolean)
	out := make([]bool, b.Len())
	for i := range out {
		out[i] = b.Value(i)
	}
	return out, nil
}

// readF64 returns a required float64 column, rejecting NaN and Inf.
func readF64(name string, a arrow.Array) ([]float64, error) {
	if err := noNulls(name, a); err != nil {
		return nil, err
	}
	x := a.(*array.Float64).Float64Values()
	return x, checkFinite(name, x, 1)
}

// appendNullableF64 appends a nullable float64 column to dst, null as NaN.
// It rejects infinities.
func appendNullableF64(dst []float64, name string, a arrow.Array) ([]float64, error) {
	x := a.(*array.Float64).Float64Values()
	start := len(dst)
	dst = append(dst, x...)
	for i := range x {
		if a.IsNull(i) {
			dst[start+i] = math.NaN()
		} else if math.IsInf(x[i], 0) {
			return nil, fmt.Errorf("column %s row %d: %v", name, i, x[i])
		}
	}
	return dst, nil
}

// readFSL returns the float64 values of a fixed_size_list<float64>[dim]
// column, rejecting nulls, NaN and Inf.
func readFSL(name string, a arrow.Array, dim int) ([]float64, error) {
	if err := noNulls(name, a); err != nil {
		return nil, err
	}
	l := a.(*array.FixedSizeList)
	child := l.ListValues()
	lo, hi := l.Offset()*dim, (l.Offset()+l.Len())*dim
	if child.Len() < hi {
		return nil, fmt.Errorf("column %s: %d values for %d rows of %d", name, child.Len(), l.Len(), dim)
	}
	child = array.NewSlice(child, int64(lo), int64(hi))
	defer child.Release()
	if err := noNulls(name+" element", child); err != nil {
		return nil, err
	}
	x := child.(*array.Float64).Float64Values()
	return x, checkFinite(name, x, dim)
}

// checkFinite rejects NaN and Inf in a column of rows of dim values.
func checkFinite(name string, x []float64, dim int) error {
	for i, v := range x {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("column %s row %d: %v not allowed", name, i/dim, v)
		}
	}
	return nil
}

// checkNotInf rejects Inf in a nullable column, where NaN means null.
func checkNotInf(name string, x []float64) error {
	for i, v := range x {
		if math.IsInf(v, 0) {
			return fmt.Errorf("column %s row %d: %v not allowed", name, i, v)
		}
	}
	return nil
}

// stringValues is satisfied by string, large_string and string_view arrays.
type stringValues interface {
	arrow.Array
	Value(i int) string
}

func readStrings(name string, a arrow.Array) ([]string, error) {
	if err := noNulls(name, a); err != nil {
		return nil, err
	}
	s := a.(stringValues)
	out := make([]string, s.Len())
	for i := range out {
		out[i] = s.Value(i)
	}
	return out, nil
}
