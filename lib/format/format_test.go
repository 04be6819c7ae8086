package format

import (
	"bytes"
	"maps"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// checked returns an allocator that fails t if anything allocated through
// it is still live when the test ends.
func checked(t testing.TB) memory.Allocator {
	t.Helper()
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	t.Cleanup(func() { mem.AssertSize(t, 0) })
	return mem
}

// sample returns n rows of deterministic transitions. With nulls, some
// optional values are NaN.
func sample(n, obsDim, actDim int, discrete, nulls bool) *Transitions {
	t := NewTransitions(obsDim, actDim, discrete, n)
	t.Meta = Meta{"tool": "test", "seed": "7", "env": "CartPole-v1"}
	obs := make([]float64, obsDim)
	next := make([]float64, obsDim)
	act := make([]float64, actDim)
	for i := range n {
		for j := range obs {
			obs[j] = float64(i) + float64(j)/10
			next[j] = obs[j] + 0.5
		}
		for j := range act {
			act[j] = -float64(j) - float64(i)/100
		}
		r := Row{Episode: int64(i / 3), Step: int64(i % 3), Obs: obs, Action: int64(i % 2), ActionVec: act,
			Reward: float64(i) * 0.25, NextObs: next, Terminated: i%3 == 2, Truncated: i%5 == 4,
			LogProb: -0.1 * float64(i), Value: float64(i), Imagined: i%2 == 1, VarDelta: 1e-3, VarReward: 2e-3}
		if nulls && i%2 == 0 {
			r.LogProb, r.VarDelta, r.VarReward = math.NaN(), math.NaN(), math.NaN()
		}
		if nulls && i%3 == 0 {
			r.Value = math.NaN()
		}
		t.AppendRow(r)
	}
	return t
}

// sameF64 compares float slices, NaN equal to NaN, nil equal to empty.
func sameF64(a, b []float64) bool {
	return slices.EqualFunc(a, b, func(x, y float64) bool { return x == y || math.IsNaN(x) && math.IsNaN(y) })
}

func sameTransitions(t *testing.T, got, want *Transitions) {
	t.Helper()
	want.fillOptional()
	if got.ObsDim != want.ObsDim || got.ActDim != want.ActDim || got.Discrete != want.Discrete {
		t.Fatalf("dims: got %d/%d/%v, want %d/%d/%v", got.ObsDim, got.ActDim, got.Discrete, want.ObsDim, want.ActDim, want.Discrete)
	}
	for name, c := range map[string][2][]float64{
		"obs": {got.Obs, want.Obs}, "action": {got.ActionVec, want.ActionVec}, "reward": {got.Reward, want.Reward},
		"next_obs": {got.NextObs, want.NextObs}, "logp": {got.LogProb, want.LogProb}, "value": {got.Value, want.Value},
		"var_delta": {got.VarDelta, want.VarDelta}, "var_reward": {got.VarReward, want.VarReward},
	} {
		if !sameF64(c[0], c[1]) {
			t.Errorf("%s: got %v, want %v", name, c[0], c[1])
		}
	}
	for name, c := range map[string][2][]int64{
		"episode": {got.Episode, want.Episode}, "step": {got.Step, want.Step}, "action": {got.Action, want.Action},
	} {
		if !slices.Equal(c[0], c[1]) {
			t.Errorf("%s: got %v, want %v", name, c[0], c[1])
		}
	}
	for name, c := range map[string][2][]bool{
		"terminated": {got.Terminated, want.Terminated}, "truncated": {got.Truncated, want.Truncated}, "imagined": {got.Imagined, want.Imagined},
	} {
		if !slices.Equal(c[0], c[1]) {
			t.Errorf("%s: got %v, want %v", name, c[0], c[1])
		}
	}
	if !maps.Equal(got.Meta, want.Meta) {
		t.Errorf("meta: got %v, want %v", got.Meta, want.Meta)
	}
}

func TestTransitionsRoundTrip(t *testing.T) {
	byHand := &Transitions{ObsDim: 2, ActDim: 1, Discrete: true,
		Episode: []int64{0, 0}, Step: []int64{0, 1}, Obs: []float64{1, 2, 3, 4}, Action: []int64{1, 0},
		Reward: []float64{1, -1}, NextObs: []float64{3, 4, 5, 6}, Terminated: []bool{false, true}, Truncated: []bool{false, false}}
	tests := []struct {
		name string
		t    *Transitions
	}{
		{"discrete", sample(10, 4, 1, true, false)},
		{"continuous", sample(10, 3, 2, false, false)},
		{"nulls discrete", sample(7, 4, 1, true, true)},
		{"nulls continuous", sample(7, 1, 6, false, true)},
		{"empty discrete", sample(0, 4, 1, true, false)},
		{"empty continuous", sample(0, 3, 2, false, false)},
		{"nil optional columns, nil meta", byHand},
		{"one row", sample(1, 1, 1, false, true)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			mem := checked(t)
			b, err := encodeTransitions(mem, tc.t)
			if err != nil {
				t.Fatal(err)
			}
			got, err := decodeTransitions("x.arrow", b, mem)
			if err != nil {
				t.Fatal(err)
			}
			if tc.t.Meta == nil {
				tc.t.Meta = Meta{}
			}
			sameTransitions(t, got, tc.t)
			// Rewriting what was read gives the same bytes.
			b2, err := encodeTransitions(mem, got)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(b, b2) {
				t.Errorf("rewrite differs: %d bytes, then %d", len(b), len(b2))
			}
		})
	}
}

func TestWriteReadFiles(t *testing.T) {
	dir := t.TempDir()
	a, b := sample(5, 4, 1, true, true), sample(3, 4, 1, true, false)
	pa, pb := filepath.Join(dir, "a.arrow"), filepath.Join(dir, "b.arrow")
	for p, x := range map[string]*Transitions{pa: a, pb: b} {
		if err := WriteTransitions(p, x); err != nil {
			t.Fatal(err)
		}
	}
	got, err := ReadTransitions(pa)
	if err != nil {
		t.Fatal(err)
	}
	gb, err := ReadTransitions(pb)
	if err != nil {
		t.Fatal(err)
	}
	if err := got.Append(gb); err != nil {
		t.Fatal(err)
	}
	want := a.Slice(0, a.Len())
	if err := want.Append(b); err != nil {
		t.Fatal(err)
	}
	sameTransitions(t, got, want)

	pc := filepath.Join(dir, "c.arrow")
	if err := WriteTransitions(pc, sample(2, 3, 1, true, false)); err != nil {
		t.Fatal(err)
	}
	gc, err := ReadTransitions(pc)
	if err != nil {
		t.Fatal(err)
	}
	if err := got.Append(gc); err == nil {
		t.Error("appending transitions of other dimensions: no error")
	}

	// Writing the same data twice gives byte-identical files.
	pd := filepath.Join(dir, "d.arrow")
	if err := WriteTransitions(pd, sample(5, 4, 1, true, true)); err != nil {
		t.Fatal(err)
	}
	ba, _ := os.ReadFile(pa)
	bd, _ := os.ReadFile(pd)
	if !bytes.Equal(ba, bd) {
		t.Error("same transitions written twice differ")
	}
	if fi, err := os.Stat(pa); err != nil || fi.Mode().Perm() != 0o644 {
		t.Errorf("mode: %v %v", fi.Mode(), err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 4 {
		t.Errorf("want 4 files in %s, got %d (temporary files left?)", dir, len(entries))
	}
}

func TestWeightsRoundTrip(t *testing.T) {
	tests := []struct {
		name string
		w    *Weights
	}{
		{"mlp", &Weights{Meta: Meta{"architecture": "mlp 4-64-64-2", "activation": "tanh"}, Tensors: []Tensor{
			{Name: "l0.w", Shape: []int{2, 3}, Data: []float64{1, 2, 3, 4, 5, 6}},
			{Name: "l0.b", Shape: []int{3}, Data: []float64{-1, 0, 1e-300}},
			{Name: "scalar", Shape: []int{}, Data: []float64{math.Pi}},
			{Name: "empty", Shape: []int{0, 5}, Data: []float64{}},
		}}},
		{"no tensors", &Weights{Meta: Meta{}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			mem := checked(t)
			b, err := encodeWeights(mem, tc.w)
			if err != nil {
				t.Fatal(err)
			}
			got, err := decodeWeights("w.arrow", b, mem)
			if err != nil {
				t.Fatal(err)
			}
			if len(got.Tensors) != len(tc.w.Tensors) || !maps.Equal(got.Meta, tc.w.Meta) {
				t.Fatalf("got %+v, want %+v", got, tc.w)
			}
			for i, g := range got.Tensors {
				w := tc.w.Tensors[i]
				if g.Name != w.Name || !slices.Equal(g.Shape, w.Shape) || !slices.Equal(g.Data, w.Data) {
					t.Errorf("tensor %d: got %+v, want %+v", i, g, w)
				}
			}
			b2, err := encodeWeights(mem, got)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(b, b2) {
				t.Error("rewrite differs")
			}
		})
	}
}

func TestMetricsRoundTrip(t *testing.T) {
	tests := []struct {
		name string
		m    *Metrics
	}{
		{"rows", &Metrics{Meta: Meta{"tool": "eval"}, Rows: []MetricRow{
			{Run: "runs/a", Variant: "mbpo", Seed: 1, RealSteps: 5000, Metric: "return", Index: NoIndex, Value: 200},
			{Run: "runs/a", Variant: "mbpo", Seed: 1, RealSteps: 5000, Metric: "E_k", Index: 0, Value: 0.1},
			{Run: "runs/b", Variant: "", Seed: -3, RealSteps: 0, Metric: "E_k", Index: 7, Value: -1e9},
		}}},
		{"no index at all", &Metrics{Meta: Meta{}, Rows: []MetricRow{{Run: "r", Metric: "m", Index: NoIndex, Value: 1}}}},
		{"empty", &Metrics{Meta: Meta{}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			mem := checked(t)
			b, err := encodeMetrics(mem, tc.m)
			if err != nil {
				t.Fatal(err)
			}
			got, err := decodeMetrics("m.arrow", b, mem)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got.Rows, tc.m.Rows) || !maps.Equal(got.Meta, tc.m.Meta) {
				t.Errorf("got %+v, want %+v", got, tc.m)
			}
			b2, err := encodeMetrics(mem, got)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(b, b2) {
				t.Error("rewrite differs")
			}
		})
	}
}

func TestWriteRejects(t *testing.T) {
	inf := math.Inf(1)
	tr := func(edit func(*Transitions)) func(string) error {
		return func(p string) error {
			x := sample(4, 2, 1, true, false)
			edit(x)
			return WriteTransitions(p, x)
		}
	}
	tests := []struct {
		name  string
		write func(path string) error
		want  string
	}{
		{"NaN reward", tr(func(x *Transitions) { x.Reward[2] = math.NaN() }), "column reward row 2: NaN"},
		{"Inf obs", tr(func(x *Transitions) { x.Obs[7] = -inf }), "column obs row 3: -Inf"},
		{"Inf logp", tr(func(x *Transitions) { x.LogProb[1] = inf }), "column logp row 1: +Inf"},
		{"short next_obs", tr(func(x *Transitions) { x.NextObs = x.NextObs[:7] }), "column next_obs: 7 values, want 8"},
		{"short value", tr(func(x *Transitions) { x.Value = x.Value[:1] }), "column value: 1 values, want 4"},
		{"discrete act_dim", tr(func(x *Transitions) { x.ActDim = 2 }), "act_dim 2 for a discrete action space"},
		{"continuous NaN action", func(p string) error {
			x := sample(3, 2, 2, false, false)
			x.ActionVec[5] = math.NaN()
			return WriteTransitions(p, x)
		}, "column action row 2: NaN"},
		{"weights NaN", func(p string) error {
			return WriteWeights(p, &Weights{Tensors: []Tensor{{Name: "a", Shape: []int{1}, Data: []float64{math.NaN()}}}})
		}, `column data row 0 (tensor "a") element 0: NaN`},
		{"weights shape", func(p string) error {
			return WriteWeights(p, &Weights{Tensors: []Tensor{{Name: "a", Shape: []int{2, 2}, Data: []float64{1}}}})
		}, `tensor "a": 1 values for shape [2 2]`},
		{"weights duplicate", func(p string) error {
			return WriteWeights(p, &Weights{Tensors: []Tensor{{Name: "a", Data: []float64{1}}, {Name: "a", Data: []float64{1}}}})
		}, `tensor 1: duplicate name "a"`},
		{"metrics Inf", func(p string) error {
			return WriteMetrics(p, &Metrics{Rows: []MetricRow{{Metric: "m", Index: NoIndex}, {Metric: "m", Value: inf}}})
		}, "column value row 1: +Inf"},
		{"metrics NaN", func(p string) error {
			return WriteMetrics(p, &Metrics{Rows: []MetricRow{{Metric: "m", Value: math.NaN()}}})
		}, "column value row 0: NaN"},
		{"metrics index", func(p string) error {
			return WriteMetrics(p, &Metrics{Rows: []MetricRow{{Metric: "m", Index: -2}}})
		}, "column index row 0: -2"},
		{"missing dir", func(string) error {
			return WriteMetrics(filepath.Join(t.TempDir(), "no", "m.arrow"), &Metrics{})
		}, "no such file or directory"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			p := filepath.Join(dir, "out.arrow")
			err := tc.write(p)
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "write ") {
				t.Fatalf("got error %v, want one containing %q", err, tc.want)
			}
			if entries, _ := os.ReadDir(dir); len(entries) != 0 {
				t.Errorf("files left behind: %v", entries)
			}
		})
	}
}

func TestWriteAtomic(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "f")
	if err := os.WriteFile(p, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	err := WriteAtomic(p, func(f *os.File) error {
		f.WriteString("half")
		return os.ErrInvalid
	})
	if err == nil || !strings.HasPrefix(err.Error(), "write "+p+": ") {
		t.Errorf("got %v", err)
	}
	if b, _ := os.ReadFile(p); string(b) != "old" {
		t.Errorf("failed write changed the file: %q", b)
	}
	if err := WriteAtomic(p, func(f *os.File) error { _, err := f.WriteString("new"); return err }); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(p); string(b) != "new" {
		t.Errorf("got %q", b)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("temporary files left: %v", entries)
	}
}

// arrowFile encodes one record batch of cols in the Arrow IPC file format,
// or the stream format, with schema metadata md.
func arrowFile(t *testing.T, md map[string]string, fields []arrow.Field, cols []arrow.Array, stream bool) []byte {
	t.Helper()
	m := arrow.MetadataFrom(md)
	schema := arrow.NewSchema(fields, &m)
	n := 0
	if len(cols) > 0 {
		n = cols[0].Len()
	}
	rec := array.NewRecordBatch(schema, cols, int64(n))
	defer rec.Release()
	var buf bytes.Buffer
	var w interface {
		Write(arrow.RecordBatch) error
		Close() error
	}
	if stream {
		w = ipc.NewWriter(&buf, ipc.WithSchema(schema))
	} else {
		fw, err := ipc.NewFileWriter(&buf, ipc.WithSchema(schema))
		if err != nil {
			t.Fatal(err)
		}
		w = fw
	}
	if err := w.Write(rec); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestReadErrors(t *testing.T) {
	mem := memory.NewGoAllocator()
	good, err := encodeTransitions(mem, sample(5, 4, 1, true, true))
	if err != nil {
		t.Fatal(err)
	}
	metrics, err := encodeMetrics(mem, &Metrics{Rows: []MetricRow{{Metric: "m", Index: NoIndex}}})
	if err != nil {
		t.Fatal(err)
	}
	ints := func(x ...int64) arrow.Array { return i64Array(x) }
	// A transitions file whose obs column has 3 values per row but whose
	// metadata says obs_dim 4.
	badObs := arrowFile(t,
		map[string]string{"kind": "transitions", "format_version": "1", "obs_dim": "4", "act_dim": "1", "action_type": "discrete"},
		[]arrow.Field{{Name: "episode", Type: arrow.PrimitiveTypes.Int64}, {Name: "step", Type: arrow.PrimitiveTypes.Int64},
			{Name: "obs", Type: arrow.FixedSizeListOf(3, arrow.PrimitiveTypes.Float64)}},
		[]arrow.Array{ints(0), ints(0), fslArray([]float64{1, 2, 3}, 3)}, false)
	noKind := arrowFile(t, map[string]string{"a": "b"},
		[]arrow.Field{{Name: "x", Type: arrow.PrimitiveTypes.Int64}}, []arrow.Array{ints(1, 2)}, false)
	stream := arrowFile(t, map[string]string{"kind": "transitions"},
		[]arrow.Field{{Name: "x", Type: arrow.PrimitiveTypes.Int64}}, []arrow.Array{ints(1, 2)}, true)
	v2 := arrowFile(t, map[string]string{"kind": "metrics", "format_version": "2.0"},
		[]arrow.Field{{Name: "x", Type: arrow.PrimitiveTypes.Int64}}, []arrow.Array{ints(1, 2)}, false)
	nullReward := arrowFile(t,
		map[string]string{"kind": "metrics", "format_version": "1"},
		[]arrow.Field{{Name: "run", Type: arrow.BinaryTypes.String}, {Name: "variant", Type: arrow.BinaryTypes.LargeString},
			{Name: "seed", Type: arrow.PrimitiveTypes.Int64}, {Name: "real_steps", Type: arrow.PrimitiveTypes.Int64},
			{Name: "metric", Type: arrow.BinaryTypes.String}, {Name: "index", Type: arrow.PrimitiveTypes.Int64, Nullable: true},
			{Name: "value", Type: arrow.PrimitiveTypes.Float64, Nullable: true}},
		[]arrow.Array{strs(mem, "a", "b"), largeStrs(mem, "v", "w"), ints(1, 2), ints(3, 4), strs(mem, "m", "m"), ints(0, 1), nullableF64Array(mem, []float64{1, math.NaN()})}, false)

	tests := []struct {
		name, kind string
		data       []byte
		want       string
	}{
		{"empty", KindTransitions, nil, "read f: truncated or not an Arrow IPC file"},
		{"truncated", KindTransitions, good[:len(good)/2], "read f: truncated or not an Arrow IPC file"},
		{"foreign", KindWeights, []byte("name,shape\nw,3\n"), "read f: truncated or not an Arrow IPC file"},
		{"stream", KindTransitions, stream, "read f: Arrow IPC stream format, want the file format"},
		{"wrong kind", KindTransitions, metrics, `read f: not a dynago transitions file (kind "metrics")`},
		{"no kind", KindMetrics, noKind, `read f: not a dynago metrics file (no "kind" in schema metadata)`},
		{"version 2", KindMetrics, v2, `read f: unsupported format_version "2.0" (this reader reads 1)`},
		{"obs size", KindTransitions, badObs, "read f: column obs: want fixed_size_list<float64>[4], got fixed_size_list<float64>[3]"},
		{"null value", KindMetrics, nullReward, "read f: record batch 0: column value row 1: null in a required column"},
		{"corrupt middle", KindTransitions, corrupt(good), "read f: "},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			mem := checked(t)
			var err error
			switch tc.kind {
			case KindTransitions:
				_, err = decodeTransitions("f", tc.data, mem)
			case KindWeights:
				_, err = decodeWeights("f", tc.data, mem)
			case KindMetrics:
				_, err = decodeMetrics("f", tc.data, mem)
			}
			if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
				t.Errorf("got error %v, want %q", err, tc.want)
			}
		})
	}
	if _, err := ReadMetrics(filepath.Join(t.TempDir(), "none.arrow")); err == nil || !strings.HasSuffix(err.Error(), "none.arrow: no such file or directory") {
		t.Errorf("missing file: %v", err)
	}
}

func strs(mem memory.Allocator, s ...string) arrow.Array {
	return stringArray(mem, len(s), func(i int) string { return s[i] })
}

func largeStrs(mem memory.Allocator, s ...string) arrow.Array {
	b := array.NewLargeStringBuilder(mem)
	defer b.Release()
	b.AppendValues(s, nil)
	return b.NewArray()
}

// corrupt overwrites the middle of a file, keeping the magic bytes.
func corrupt(b []byte) []byte {
	b = slices.Clone(b)
	for i := len(b) / 3; i < 2*len(b)/3; i++ {
		b[i] = 0xA5
	}
	return b
}

func TestTransitionsHelpers(t *testing.T) {
	x := sample(6, 2, 2, false, true)
	s := x.Slice(2, 5)
	if s.Len() != 3 || s.Episode[0] != x.Episode[2] || !sameF64(s.Obs, x.Obs[4:10]) || !sameF64(s.ActionVec, x.ActionVec[4:10]) {
		t.Errorf("Slice(2, 5) = %+v", s)
	}
	s.Obs[0] = 99
	if x.Obs[4] == 99 {
		t.Error("Slice shares storage")
	}
	r := x.Row(4)
	if r.Step != x.Step[4] || !sameF64(r.NextObs, x.NextObs[8:10]) || !sameF64(r.ActionVec, x.ActionVec[8:10]) || !math.IsNaN(r.LogProb) {
		t.Errorf("Row(4) = %+v", r)
	}
	y := NewTransitions(2, 2, false, 0)
	for i := range x.Len() {
		y.AppendRow(x.Row(i))
	}
	y.Meta = x.Meta.Clone()
	sameTransitions(t, y, x)
	if err := y.Append(sample(1, 2, 1, true, false)); err == nil {
		t.Error("Append of a discrete batch to a continuous one succeeded")
	}
	if err := y.Append(x); err != nil || y.Len() != 12 {
		t.Errorf("Append: %v, %d rows", err, y.Len())
	}
	m := Meta{"a": "1"}
	c := m.Clone()
	c["a"] = "2"
	if m["a"] != "1" || Meta(nil).Clone() != nil {
		t.Error("Clone shares its map")
	}
}

func TestNewTransitionsPanics(t *testing.T) {
	for _, tc := range []struct {
		name     string
		obs, act int
		discrete bool
	}{{"obs 0", 0, 1, false}, {"act 0", 3, 0, false}, {"discrete act 2", 3, 2, true}} {
		t.Run(tc.name, func(t *testing.T) {
			defer func() {
				if r := recover(); r == nil || !strings.HasPrefix(r.(string), "format: ") {
					t.Errorf("recovered %v", r)
				}
			}()
			NewTransitions(tc.obs, tc.act, tc.discrete, 0)
		})
	}
}

// TestHugeLength reads a file whose schema claims billions of child
// fields (found by FuzzReadTransitions): arrow-go would reserve hundreds of
// gigabytes for them, so CheckIPC must reject it first, quickly.
func TestHugeLength(t *testing.T) {
	b, err := os.ReadFile("testdata/fuzz/FuzzReadTransitions/huge_children_count")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitN(string(b), "\n", 3)
	raw, err := strconv.Unquote(strings.TrimSuffix(strings.TrimPrefix(lines[1], "[]byte("), ")"))
	if err != nil {
		t.Fatal(err)
	}
	mem := checked(t)
	_, err = decodeTransitions("f", []byte(raw), mem)
	if err == nil || !strings.HasPrefix(err.Error(), "read f: corrupt Arrow IPC metadata: ") {
		t.Errorf("got error %v", err)
	}
}
