package format

import (
	"fmt"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// NoIndex is MetricRow.Index for a metric without an index, written as null.
const NoIndex = -1

var metricsSpecs = []colSpec{
	{"run", arrow.BinaryTypes.String},
	{"variant", arrow.BinaryTypes.String},
	{"seed", arrow.PrimitiveTypes.Int64},
	{"real_steps", arrow.PrimitiveTypes.Int64},
	{"metric", arrow.BinaryTypes.String},
	{"index", arrow.PrimitiveTypes.Int64},
	{"value", arrow.PrimitiveTypes.Float64},
}

func encodeMetrics(mem memory.Allocator, m *Metrics) ([]byte, error) {
	n := len(m.Rows)
	seed := make([]int64, n)
	steps := make([]int64, n)
	index := make([]int64, n)
	value := make([]float64, n)
	for i, r := range m.Rows {
		seed[i], steps[i], index[i], value[i] = r.Seed, r.RealSteps, r.Index, r.Value
		if r.Index < NoIndex {
			return nil, fmt.Errorf("column index row %d: %d, want >= 0 or %d for none", i, r.Index, NoIndex)
		}
	}
	if err := checkFinite("value", value, 1); err != nil {
		return nil, err
	}
	fields := make([]arrow.Field, len(metricsSpecs))
	for i, s := range metricsSpecs {
		fields[i] = arrow.Field{Name: s.name, Type: s.typ, Nullable: s.name == "index"}
	}
	md := schemaMetadata(KindMetrics, m.Meta)
	schema := arrow.NewSchema(fields, &md)
	cols := []arrow.Array{
		stringArray(mem, n, func(i int) string { return m.Rows[i].Run }),
		stringArray(mem, n, func(i int) string { return m.Rows[i].Variant }),
		i64Array(seed),
		i64Array(steps),
		stringArray(mem, n, func(i int) string { return m.Rows[i].Metric }),
		nullableI64Array(mem, index, NoIndex),
		f64Array(value),
	}
	defer releaseAll(cols)
	return encode(mem, schema, cols, n)
}

func decodeMetrics(name string, data []byte, mem memory.Allocator) (*Metrics, error) {
	m := &Metrics{}
	var idx []int
	onSchema := func(s *arrow.Schema, md map[string]string) error {
		var err error
		idx, err = findColumns(s, metricsSpecs)
		m.Meta = md
		return err
	}
	onBatch := func(rec arrow.RecordBatch) error {
		col := func(i int) arrow.Array { return rec.Column(idx[i]) }
		run, err := readStrings("run", col(0))
		if err != nil {
			return err
		}
		variant, err := readStrings("variant", col(1))
		if err != nil {
			return err
		}
		seed, err := readI64("seed", col(2))
		if err != nil {
			return err
		}
		steps, err := readI64("real_steps", col(3))
		if err != nil {
			return err
		}
		metric, err := readStrings("metric", col(4))
		if err != nil {
			return err
		}
		index := col(5).(*array.Int64)
		value, err := readF64("value", col(6))
		if err != nil {
			return err
		}
		for i := range run {
			r := MetricRow{Run: run[i], Variant: variant[i], Seed: seed[i], RealSteps: steps[i],
				Metric: metric[i], Index: NoIndex, Value: value[i]}
			if index.IsValid(i) {
				if r.Index = index.Value(i); r.Index < 0 {
					return fmt.Errorf("column index row %d: %d, want >= 0 or null", i, r.Index)
				}
			}
			m.Rows = append(m.Rows, r)
		}
		return nil
	}
	if err := decode(name, data, KindMetrics, mem, onSchema, onBatch); err != nil {
		return nil, err
	}
	return m, nil
}
