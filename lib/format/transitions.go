package format

import (
	"fmt"
	"math"
	"strconv"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// Action types recorded under "action_type".
const (
	ActionDiscrete   = "discrete"
	ActionContinuous = "continuous"
)

// Row is one transition, the unit AppendRow adds and Row returns. Set
// LogProb, Value, VarDelta and VarReward to NaN when unknown.
type Row struct {
	Episode, Step       int64
	Obs                 []float64 // ObsDim values
	Action              int64     // discrete action
	ActionVec           []float64 // continuous action, ActDim values
	Reward              float64
	NextObs             []float64 // ObsDim values
	Terminated          bool
	Truncated           bool
	LogProb, Value      float64
	Imagined            bool
	VarDelta, VarReward float64
}

// NewTransitions returns an empty batch with room for capacity rows. For a
// discrete action space actDim must be 1. It panics if a dimension is out
// of range.
func NewTransitions(obsDim, actDim int, discrete bool, capacity int) *Transitions {
	switch {
	case obsDim < 1:
		panic(fmt.Sprintf("format: NewTransitions: obsDim %d < 1", obsDim))
	case actDim < 1:
		panic(fmt.Sprintf("format: NewTransitions: actDim %d < 1", actDim))
	case discrete && actDim != 1:
		panic(fmt.Sprintf("format: NewTransitions: actDim %d for a discrete action space, want 1", actDim))
	}
	t := &Transitions{
		ObsDim: obsDim, ActDim: actDim, Discrete: discrete,
		Episode:    make([]int64, 0, capacity),
		Step:       make([]int64, 0, capacity),
		Obs:        make([]float64, 0, capacity*obsDim),
		Reward:     make([]float64, 0, capacity),
		NextObs:    make([]float64, 0, capacity*obsDim),
		Terminated: make([]bool, 0, capacity),
		Truncated:  make([]bool, 0, capacity),
		LogProb:    make([]float64, 0, capacity),
		Value:      make([]float64, 0, capacity),
		Imagined:   make([]bool, 0, capacity),
		VarDelta:   make([]float64, 0, capacity),
		VarReward:  make([]float64, 0, capacity),
		Meta:       Meta{},
	}
	if discrete {
		t.Action = make([]int64, 0, capacity)
	} else {
		t.ActionVec = make([]float64, 0, capacity*actDim)
	}
	return t
}

// Len returns the number of rows.
func (t *Transitions) Len() int { return len(t.Reward) }

// fillOptional replaces nil optional columns (LogProb, Value, Imagined,
// VarDelta, VarReward) of a batch built by hand with NaN (or false) columns
// of length Len.
func (t *Transitions) fillOptional() {
	n := t.Len()
	t.LogProb = fillNaN(t.LogProb, n)
	t.Value = fillNaN(t.Value, n)
	t.VarDelta = fillNaN(t.VarDelta, n)
	t.VarReward = fillNaN(t.VarReward, n)
	if len(t.Imagined) == 0 && n > 0 {
		t.Imagined = make([]bool, n)
	}
}

func fillNaN(x []float64, n int) []float64 {
	if len(x) != 0 || n == 0 {
		return x
	}
	x = make([]float64, n)
	for i := range x {
		x[i] = math.NaN()
	}
	return x
}

// AppendRow appends one row. It panics if a vector has the wrong length.
func (t *Transitions) AppendRow(r Row) {
	if len(r.Obs) != t.ObsDim || len(r.NextObs) != t.ObsDim {
		panic(fmt.Sprintf("format: AppendRow: obs %d and next_obs %d values, want obs_dim %d", len(r.Obs), len(r.NextObs), t.ObsDim))
	}
	if !t.Discrete && len(r.ActionVec) != t.ActDim {
		panic(fmt.Sprintf("format: AppendRow: action %d values, want act_dim %d", len(r.ActionVec), t.ActDim))
	}
	t.fillOptional()
	t.Episode = append(t.Episode, r.Episode)
	t.Step = append(t.Step, r.Step)
	t.Obs = append(t.Obs, r.Obs...)
	if t.Discrete {
		t.Action = append(t.Action, r.Action)
	} else {
		t.ActionVec = append(t.ActionVec, r.ActionVec...)
	}
	t.Reward = append(t.Reward, r.Reward)
	t.NextObs = append(t.NextObs, r.NextObs...)
	t.Terminated = append(t.Terminated, r.Terminated)
	t.Truncated = append(t.Truncated, r.Truncated)
	t.LogProb = append(t.LogProb, r.LogProb)
	t.Value = append(t.Value, r.Value)
	t.Imagined = append(t.Imagined, r.Imagined)
	t.VarDelta = append(t.VarDelta, r.VarDelta)
	t.VarReward = append(t.VarReward, r.VarReward)
}

// Row returns row i. Its vectors share t's storage.
func (t *Transitions) Row(i int) Row {
	t.fillOptional()
	r := Row{
		Episode: t.Episode[i], Step: t.Step[i],
		Obs:        t.Obs[i*t.ObsDim : (i+1)*t.ObsDim : (i+1)*t.ObsDim],
		Reward:     t.Reward[i],
		NextObs:    t.NextObs[i*t.ObsDim : (i+1)*t.ObsDim : (i+1)*t.ObsDim],
		Terminated: t.Terminated[i], Truncated: t.Truncated[i],
		LogProb: t.LogProb[i], Value: t.Value[i], Imagined: t.Imagined[i],
		VarDelta: t.VarDelta[i], VarReward: t.VarReward[i],
	}
	if t.Discrete {
		r.Action = t.Action[i]
	} else {
		r.ActionVec = t.ActionVec[i*t.ActDim : (i+1)*t.ActDim : (i+1)*t.ActDim]
	}
	return r
}

// Append appends the rows of o, whose dimensions and action type must
// match t's. t's Meta is kept.
func (t *Transitions) Append(o *Transitions) error {
	if o.ObsDim != t.ObsDim || o.ActDim != t.ActDim || o.Discrete != t.Discrete {
		return fmt.Errorf("format: append: obs_dim %d, act_dim %d, %s to obs_dim %d, act_dim %d, %s",
			o.ObsDim, o.ActDim, actionType(o.Discrete), t.ObsDim, t.ActDim, actionType(t.Discrete))
	}
	if err := o.check(); err != nil {
		return fmt.Errorf("format: append: %w", err)
	}
	if err := t.check(); err != nil {
		return fmt.Errorf("format: append: %w", err)
	}
	t.fillOptional()
	o.fillOptional()
	t.Episode = append(t.Episode, o.Episode...)
	t.Step = append(t.Step, o.Step...)
	t.Obs = append(t.Obs, o.Obs...)
	t.Action = append(t.Action, o.Action...)
	t.ActionVec = append(t.ActionVec, o.ActionVec...)
	t.Reward = append(t.Reward, o.Reward...)
	t.NextObs = append(t.NextObs, o.NextObs...)
	t.Terminated = append(t.Terminated, o.Terminated...)
	t.Truncated = append(t.Truncated, o.Truncated...)
	t.LogProb = append(t.LogProb, o.LogProb...)
	t.Value = append(t.Value, o.Value...)
	t.Imagined = append(t.Imagined, o.Imagined...)
	t.VarDelta = append(t.VarDelta, o.VarDelta...)
	t.VarReward = append(t.VarReward, o.VarReward...)
	return nil
}

// Slice returns a copy of rows [i, j). It panics if the range is out of
// bounds, like a slice expression.
func (t *Transitions) Slice(i, j int) *Transitions {
	if i < 0 || j < i || j > t.Len() {
		panic(fmt.Sprintf("format: Slice(%d, %d) of %d rows", i, j, t.Len()))
	}
	t.fillOptional()
	o, a := t.ObsDim, t.ActDim
	s := &Transitions{
		ObsDim: t.ObsDim, ActDim: t.ActDim, Discrete: t.Discrete,
		Episode:    clone(t.Episode[i:j]),
		Step:       clone(t.Step[i:j]),
		Obs:        clone(t.Obs[i*o : j*o]),
		Reward:     clone(t.Reward[i:j]),
		NextObs:    clone(t.NextObs[i*o : j*o]),
		Terminated: clone(t.Terminated[i:j]),
		Truncated:  clone(t.Truncated[i:j]),
		LogProb:    clone(t.LogProb[i:j]),
		Value:      clone(t.Value[i:j]),
		Imagined:   clone(t.Imagined[i:j]),
		VarDelta:   clone(t.VarDelta[i:j]),
		VarReward:  clone(t.VarReward[i:j]),
		Meta:       t.Meta.Clone(),
	}
	if t.Discrete {
		s.Action = clone(t.Action[i:j])
	} else {
		s.ActionVec = clone(t.ActionVec[i*a : j*a])
	}
	return s
}

// clone copies x into a new non-nil slice.
func clone[T any](x []T) []T { return append(make([]T, 0, len(x)), x...) }

func actionType(discrete bool) string {
	if discrete {
		return ActionDiscrete
	}
	return ActionContinuous
}

// check reports a dimension or column length that does not fit Len rows.
// Optional columns may be nil.
func (t *Transitions) check() error {
	if t.ObsDim < 1 {
		return fmt.Errorf("obs_dim %d < 1", t.ObsDim)
	}
	if t.ActDim < 1 || t.Discrete && t.ActDim != 1 {
		return fmt.Errorf("act_dim %d for a %s action space", t.ActDim, actionType(t.Discrete))
	}
	n := t.Len()
	type col struct {
		name     string
		got, per int
		optional bool
	}
	cols := []col{
		{"episode", len(t.Episode), 1, false},
		{"step", len(t.Step), 1, false},
		{"obs", len(t.Obs), t.ObsDim, false},
		{"next_obs", len(t.NextObs), t.ObsDim, false},
		{"terminated", len(t.Terminated), 1, false},
		{"truncated", len(t.Truncated), 1, false},
		{"logp", len(t.LogProb), 1, true},
		{"value", len(t.Value), 1, true},
		{"imagined", len(t.Imagined), 1, true},
		{"var_delta", len(t.VarDelta), 1, true},
		{"var_reward", len(t.VarReward), 1, true},
	}
	if t.Discrete {
		cols = append(cols, col{"action", len(t.Action), 1, false}, col{"action (ActionVec, continuous only)", len(t.ActionVec), 0, false})
	} else {
		cols = append(cols, col{"action", len(t.ActionVec), t.ActDim, false}, col{"action (Action, discrete only)", len(t.Action), 0, false})
	}
	for _, c := range cols {
		if c.got != n*c.per && !(c.optional && c.got == 0) {
			return fmt.Errorf("column %s: %d values, want %d (%d rows of %d)", c.name, c.got, n*c.per, n, c.per)
		}
	}
	return nil
}

// MaxAbs bounds the values of the observation, action and reward columns:
// Gymnasium's observations are float32, so a larger magnitude is no
// observation (and would overflow the squares and sums of the tools that
// read it, failing far from the cause). Readers and writers reject it,
// naming column and row.
const MaxAbs = math.MaxFloat32

// checkMagnitude rejects values beyond ±MaxAbs in obs, next_obs, reward
// and a continuous action.
func (t *Transitions) checkMagnitude() error {
	for _, c := range []struct {
		name string
		x    []float64
		dim  int
	}{{"obs", t.Obs, t.ObsDim}, {"next_obs", t.NextObs, t.ObsDim}, {"reward", t.Reward, 1}, {"action", t.ActionVec, t.ActDim}} {
		for i, v := range c.x {
			if math.Abs(v) > MaxAbs {
				return fmt.Errorf("column %s row %d: %g is beyond the float32 range (±%g)", c.name, i/c.dim, v, MaxAbs)
			}
		}
	}
	return nil
}

var transitionsCols = [...]string{"episode", "step", "obs", "action", "reward", "next_obs",
	"terminated", "truncated", "logp", "value", "imagined", "var_delta", "var_reward"}

func transitionsSpecs(obsDim, actDim int, discrete bool) []colSpec {
	f64, i64, b := arrow.PrimitiveTypes.Float64, arrow.PrimitiveTypes.Int64, arrow.FixedWidthTypes.Boolean
	obs := arrow.FixedSizeListOf(int32(obsDim), f64)
	var act arrow.DataType = i64
	if !discrete {
		act = arrow.FixedSizeListOf(int32(actDim), f64)
	}
	types := [...]arrow.DataType{i64, i64, obs, act, f64, obs, b, b, f64, f64, b, f64, f64}
	specs := make([]colSpec, len(types))
	for i, t := range types {
		specs[i] = colSpec{transitionsCols[i], t}
	}
	return specs
}

// transitionsNullable marks the nullable columns, by position in
// transitionsCols.
var transitionsNullable = [...]bool{8: true, 9: true, 11: true, 12: true}

func encodeTransitions(mem memory.Allocator, t *Transitions) ([]byte, error) {
	if err := t.check(); err != nil {
		return nil, err
	}
	if int64(t.ObsDim) > math.MaxInt32 || int64(t.ActDim) > math.MaxInt32 {
		return nil, fmt.Errorf("obs_dim %d or act_dim %d too large", t.ObsDim, t.ActDim)
	}
	for _, c := range []struct {
		name string
		x    []float64
		dim  int
	}{{"obs", t.Obs, t.ObsDim}, {"next_obs", t.NextObs, t.ObsDim}, {"reward", t.Reward, 1}, {"action", t.ActionVec, t.ActDim}} {
		if err := checkFinite(c.name, c.x, c.dim); err != nil {
			return nil, err
		}
	}
	if err := t.checkMagnitude(); err != nil {
		return nil, err
	}
	n := t.Len()
	opt := map[string][]float64{"logp": fillNaN(t.LogProb, n), "value": fillNaN(t.Value, n),
		"var_delta": fillNaN(t.VarDelta, n), "var_reward": fillNaN(t.VarReward, n)}
	for _, name := range []string{"logp", "value", "var_delta", "var_reward"} {
		if err := checkNotInf(name, opt[name]); err != nil {
			return nil, err
		}
	}
	imagined := t.Imagined
	if len(imagined) == 0 {
		imagined = make([]bool, n)
	}

	specs := transitionsSpecs(t.ObsDim, t.ActDim, t.Discrete)
	fields := make([]arrow.Field, len(specs))
	for i, s := range specs {
		fields[i] = arrow.Field{Name: s.name, Type: s.typ, Nullable: transitionsNullable[i]}
	}
	md := schemaMetadata(KindTransitions, t.Meta,
		keyObsDim, strconv.Itoa(t.ObsDim), keyActDim, strconv.Itoa(t.ActDim), keyActionType, actionType(t.Discrete))
	schema := arrow.NewSchema(fields, &md)

	cols := make([]arrow.Array, 0, len(specs))
	defer func() { releaseAll(cols) }()
	cols = append(cols, i64Array(t.Episode), i64Array(t.Step), fslArray(t.Obs, t.ObsDim))
	if t.Discrete {
		cols = append(cols, i64Array(t.Action))
	} else {
		cols = append(cols, fslArray(t.ActionVec, t.ActDim))
	}
	cols = append(cols, f64Array(t.Reward), fslArray(t.NextObs, t.ObsDim),
		boolArray(mem, t.Terminated), boolArray(mem, t.Truncated),
		nullableF64Array(mem, opt["logp"]), nullableF64Array(mem, opt["value"]),
		boolArray(mem, imagined),
		nullableF64Array(mem, opt["var_delta"]), nullableF64Array(mem, opt["var_reward"]))
	return encode(mem, schema, cols, n)
}

// parseDim parses a positive dimension from schema metadata.
func parseDim(md map[string]string, key string) (int, error) {
	s, ok := md[key]
	if !ok {
		return 0, fmt.Errorf("no %q in schema metadata", key)
	}
	d, err := strconv.Atoi(s)
	if err != nil || d < 1 || d > math.MaxInt32 {
		return 0, fmt.Errorf("schema metadata %s %q: want a positive integer", key, s)
	}
	return d, nil
}

func decodeTransitions(name string, data []byte, mem memory.Allocator) (*Transitions, error) {
	var t *Transitions
	var idx []int
	onSchema := func(s *arrow.Schema, md map[string]string) error {
		obsDim, err := parseDim(md, keyObsDim)
		if err != nil {
			return err
		}
		actDim, err := parseDim(md, keyActDim)
		if err != nil {
			return err
		}
		var discrete bool
		switch at := md[keyActionType]; at {
		case ActionDiscrete:
			discrete = true
			if actDim != 1 {
				return fmt.Errorf("schema metadata %s %d for a discrete action space, want 1", keyActDim, actDim)
			}
		case ActionContinuous:
		default:
			return fmt.Errorf("schema metadata %s %q: want %s or %s", keyActionType, at, ActionDiscrete, ActionContinuous)
		}
		if idx, err = findColumns(s, transitionsSpecs(obsDim, actDim, discrete)); err != nil {
			return err
		}
		for _, k := range []string{keyObsDim, keyActDim, keyActionType} {
			delete(md, k)
		}
		t = NewTransitions(obsDim, actDim, discrete, 0)
		t.Meta = md
		return nil
	}
	onBatch := func(rec arrow.RecordBatch) error {
		return t.appendBatch(rec, idx)
	}
	if err := decode(name, data, KindTransitions, mem, onSchema, onBatch); err != nil {
		return nil, err
	}
	if err := t.checkMagnitude(); err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	return t, nil
}

// appendShared returns x, capped so that an append copies it, if dst is
// empty, or else dst with x appended. The first batch's columns thus share
// the memory the file was read into, which saves copying every column of
// a large file into freshly faulted pages.
func appendShared[T any](dst, x []T) []T {
	if len(dst) == 0 {
		return x[:len(x):len(x)]
	}
	return append(dst, x...)
}

// appendBatch appends the rows of rec, whose columns idx are in the order of
// transitionsCols, to t. On error t may hold part of the batch.
func (t *Transitions) appendBatch(rec arrow.RecordBatch, idx []int) error {
	col := func(i int) arrow.Array { return rec.Column(idx[i]) }
	var err error
	appendI64 := func(dst []int64, i int) []int64 {
		if err != nil {
			return dst
		}
		var x []int64
		x, err = readI64(transitionsCols[i], col(i))
		return appendShared(dst, x)
	}
	appendF64 := func(dst []float64, i, dim int) []float64 {
		if err != nil {
			return dst
		}
		var x []float64
		if dim == 0 {
			x, err = readF64(transitionsCols[i], col(i))
		} else {
			x, err = readFSL(transitionsCols[i], col(i), dim)
		}
		return appendShared(dst, x)
	}
	appendBool := func(dst []bool, i int) []bool {
		if err != nil {
			return dst
		}
		var x []bool
		x, err = readBool(transitionsCols[i], col(i))
		return append(dst, x...)
	}
	appendNullable := func(dst []float64, i int) []float64 {
		if err != nil {
			return dst
		}
		var x []float64
		x, err = appendNullableF64(dst, transitionsCols[i], col(i))
		if err != nil {
			return dst
		}
		return x
	}
	t.Episode = appendI64(t.Episode, 0)
	t.Step = appendI64(t.Step, 1)
	t.Obs = appendF64(t.Obs, 2, t.ObsDim)
	if t.Discrete {
		t.Action = appendI64(t.Action, 3)
	} else {
		t.ActionVec = appendF64(t.ActionVec, 3, t.ActDim)
	}
	t.Reward = appendF64(t.Reward, 4, 0)
	t.NextObs = appendF64(t.NextObs, 5, t.ObsDim)
	t.Terminated = appendBool(t.Terminated, 6)
	t.Truncated = appendBool(t.Truncated, 7)
	t.LogProb = appendNullable(t.LogProb, 8)
	t.Value = appendNullable(t.Value, 9)
	t.Imagined = appendBool(t.Imagined, 10)
	t.VarDelta = appendNullable(t.VarDelta, 11)
	t.VarReward = appendNullable(t.VarReward, 12)
	return err
}
