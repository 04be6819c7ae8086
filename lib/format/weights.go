package format

import (
	"fmt"
	"math"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

var weightsSpecs = []colSpec{
	{"name", arrow.BinaryTypes.String},
	{"shape", arrow.ListOf(arrow.PrimitiveTypes.Int64)},
	{"data", arrow.ListOf(arrow.PrimitiveTypes.Float64)},
}

// size returns the number of elements of shape, or an error if a dimension
// is negative or the product overflows.
func size(shape []int64) (int, error) {
	n := int64(1)
	for _, d := range shape {
		if d < 0 {
			return 0, fmt.Errorf("negative dimension in shape %v", shape)
		}
		if d != 0 && n > math.MaxInt32/d {
			return 0, fmt.Errorf("shape %v: too many elements", shape)
		}
		n *= d
	}
	return int(n), nil
}

// checkTensor checks the invariants of tensor i: a unique non-empty name,
// data of the shape's size, finite values.
func checkTensor(i int, name string, shape []int64, data []float64, seen map[string]bool) error {
	if name == "" {
		return fmt.Errorf("tensor %d: empty name", i)
	}
	if seen[name] {
		return fmt.Errorf("tensor %d: duplicate name %q", i, name)
	}
	seen[name] = true
	n, err := size(shape)
	if err != nil {
		return fmt.Errorf("tensor %q: %w", name, err)
	}
	if n != len(data) {
		return fmt.Errorf("tensor %q: %d values for shape %v", name, len(data), shape)
	}
	for j, v := range data {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("column data row %d (tensor %q) element %d: %v not allowed", i, name, j, v)
		}
	}
	return nil
}

func encodeWeights(mem memory.Allocator, w *Weights) ([]byte, error) {
	n := len(w.Tensors)
	shapeOff := make([]int32, 1, n+1)
	dataOff := make([]int32, 1, n+1)
	var shapes []int64
	var data []float64
	seen := make(map[string]bool, n)
	for i, t := range w.Tensors {
		shape := make([]int64, len(t.Shape))
		for j, d := range t.Shape {
			shape[j] = int64(d)
		}
		if err := checkTensor(i, t.Name, shape, t.Data, seen); err != nil {
			return nil, err
		}
		if len(data)+len(t.Data) > math.MaxInt32 {
			return nil, fmt.Errorf("tensor %q: more than %d values in all", t.Name, math.MaxInt32)
		}
		shapes = append(shapes, shape...)
		data = append(data, t.Data...)
		shapeOff = append(shapeOff, int32(len(shapes)))
		dataOff = append(dataOff, int32(len(data)))
	}
	fields := make([]arrow.Field, len(weightsSpecs))
	for i, s := range weightsSpecs {
		fields[i] = arrow.Field{Name: s.name, Type: s.typ}
	}
	md := schemaMetadata(KindWeights, w.Meta)
	schema := arrow.NewSchema(fields, &md)

	shapeVals, dataVals := i64Array(shapes), f64Array(data)
	defer shapeVals.Release()
	defer dataVals.Release()
	cols := []arrow.Array{
		stringArray(mem, n, func(i int) string { return w.Tensors[i].Name }),
		listArray(arrow.PrimitiveTypes.Int64, shapeOff, shapeVals),
		listArray(arrow.PrimitiveTypes.Float64, dataOff, dataVals),
	}
	defer releaseAll(cols)
	return encode(mem, schema, cols, n)
}

func decodeWeights(name string, data []byte, mem memory.Allocator) (*Weights, error) {
	w := &Weights{}
	var idx []int
	seen := map[string]bool{}
	onSchema := func(s *arrow.Schema, md map[string]string) error {
		var err error
		idx, err = findColumns(s, weightsSpecs)
		w.Meta = md
		return err
	}
	onBatch := func(rec arrow.RecordBatch) error {
		names, err := readStrings("name", rec.Column(idx[0]))
		if err != nil {
			return err
		}
		shapes, err := readList[int64]("shape", rec.Column(idx[1]))
		if err != nil {
			return err
		}
		values, err := readList[float64]("data", rec.Column(idx[2]))
		if err != nil {
			return err
		}
		for i, nm := range names {
			if err := checkTensor(len(w.Tensors), nm, shapes[i], values[i], seen); err != nil {
				return err
			}
			shape := make([]int, len(shapes[i]))
			for j, d := range shapes[i] {
				shape[j] = int(d)
			}
			w.Tensors = append(w.Tensors, Tensor{Name: nm, Shape: shape, Data: clone(values[i])})
		}
		return nil
	}
	if err := decode(name, data, KindWeights, mem, onSchema, onBatch); err != nil {
		return nil, err
	}
	return w, nil
}

// readList splits a list<T> column without nulls, at any level, into rows.
// The rows share the batch's memory.
func readList[T int64 | float64](name string, a arrow.Array) ([][]T, error) {
	if err := noNulls(name, a); err != nil {
		return nil, err
	}
	l := a.(*array.List)
	child := l.ListValues()
	if err := noNulls(name+" element", child); err != nil {
		return nil, err
	}
	var vals []T
	switch c := child.(type) {
	case *array.Int64:
		vals = any(c.Int64Values()).([]T)
	case *array.Float64:
		vals = any(c.Float64Values()).([]T)
	}
	rows := make([][]T, l.Len())
	for i := range rows {
		lo, hi := l.ValueOffsets(i)
		if lo < 0 || hi < lo || hi > int64(len(vals)) {
			return nil, fmt.Errorf("column %s row %d: offsets [%d, %d) outside %d values", name, i, lo, hi, len(vals))
		}
		rows[i] = vals[lo:hi:hi]
	}
	return rows, nil
}
