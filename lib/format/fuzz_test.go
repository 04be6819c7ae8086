package format

import (
	"math"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/memory"
)

// seeds adds a valid file of every kind to f's corpus, so the fuzzer starts
// from real structure rather than random bytes.
func seeds(f *testing.F) {
	mem := memory.NewGoAllocator()
	add := func(b []byte, err error) {
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	add(encodeTransitions(mem, sample(5, 3, 1, true, true)))
	add(encodeTransitions(mem, sample(4, 2, 2, false, false)))
	add(encodeTransitions(mem, sample(0, 2, 1, true, false)))
	add(encodeWeights(mem, &Weights{Meta: Meta{"architecture": "mlp"}, Tensors: []Tensor{
		{Name: "w", Shape: []int{2, 2}, Data: []float64{1, 2, 3, 4}}, {Name: "b", Shape: []int{2}, Data: []float64{0, math.Pi}}}}))
	add(encodeMetrics(mem, &Metrics{Rows: []MetricRow{
		{Run: "r", Variant: "v", Seed: 1, RealSteps: 10, Metric: "E_k", Index: 3, Value: 0.5},
		{Run: "r", Variant: "v", Seed: 1, RealSteps: 10, Metric: "return", Index: NoIndex, Value: 9}}}))
	f.Add([]byte("ARROW1\x00\x00ARROW1"))
}

// Each fuzz target checks that reading never panics or leaks, and that
// whatever a reader accepts its writer accepts too (readers enforce the
// writers' invariants).

func FuzzReadTransitions(f *testing.F) {
	seeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
		x, err := decodeTransitions("f", data, mem)
		if err == nil {
			if _, err := encodeTransitions(mem, x); err != nil {
				t.Fatalf("read a file the writer rejects: %v", err)
			}
		}
		mem.AssertSize(t, 0)
	})
}

func FuzzReadWeights(f *testing.F) {
	seeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
		w, err := decodeWeights("f", data, mem)
		if err == nil {
			if _, err := encodeWeights(mem, w); err != nil {
				t.Fatalf("read a file the writer rejects: %v", err)
			}
		}
		mem.AssertSize(t, 0)
	})
}

func FuzzReadMetrics(f *testing.F) {
	seeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
		m, err := decodeMetrics("f", data, mem)
		if err == nil {
			if _, err := encodeMetrics(mem, m); err != nil {
				t.Fatalf("read a file the writer rejects: %v", err)
			}
		}
		mem.AssertSize(t, 0)
	})
}
