package nn

import (
	"fmt"
	"slices"

	"github.com/dynago/dynago/lib/format"
)

// Names of optimiser state in exported tensors, after prefix+param name
// (moments) or prefix (step counts).
const (
	suffixAdamM = ".adam_m"
	suffixAdamV = ".adam_v"
	adamStep    = "adam_step."
)

// Export snapshots params, and if opt is not nil their Adam state, as
// tensors for format.WriteWeights. Every tensor is a copy. Names are:
//
//	prefix+p.Name                 parameter values, shape p.Shape
//	prefix+p.Name+".adam_m"       Adam's first moment, shape p.Shape
//	prefix+p.Name+".adam_v"       Adam's second moment, shape p.Shape
//	prefix+"adam_step."+group     the group's step count, shape [1]
//
// with one step tensor per group holding any of params. Every parameter
// must belong to a group of opt. Export panics on duplicate names.
func Export(prefix string, params []*Param, opt *Adam) []format.Tensor {
	var ts []format.Tensor
	add := func(name string, shape []int, data []float64) {
		ts = append(ts, format.Tensor{
			Name:  name,
			Shape: append([]int(nil), shape...),
			Data:  append([]float64(nil), data...),
		})
	}
	for _, p := range params {
		add(prefix+p.Name, p.Shape, p.Data)
	}
	if opt != nil {
		var groups []int
		for _, p := range params {
			gi := opt.mustIndex(p)
			g := opt.Groups[gi[0]]
			add(prefix+p.Name+suffixAdamM, p.Shape, g.m[gi[1]])
			add(prefix+p.Name+suffixAdamV, p.Shape, g.v[gi[1]])
			if !containsInt(groups, gi[0]) {
				groups = append(groups, gi[0])
			}
		}
		for _, k := range groups {
			g := opt.Groups[k]
			add(prefix+adamStep+g.Name, []int{1}, []float64{float64(g.step)})
		}
	}
	seen := map[string]bool{}
	for _, t := range ts {
		if seen[t.Name] {
			panic(fmt.Sprintf("nn: Export: duplicate tensor name %q", t.Name))
		}
		seen[t.Name] = true
	}
	return ts
}

// Import restores what Export wrote for the same params and opt (opt may be
// nil to load parameters only). It checks every expected tensor is present
// with the right shape and data length before changing anything, so on
// error params and opt are untouched. Tensors it does not expect are
// ignored, so one file can hold several networks under different prefixes.
func Import(ts []format.Tensor, prefix string, params []*Param, opt *Adam) error {
	byName := make(map[string]*format.Tensor, len(ts))
	for i := range ts {
		byName[ts[i].Name] = &ts[i]
	}
	type load struct {
		dst []float64
		src []float64
	}
	var loads []load
	get := func(name string, shape []int) (*format.Tensor, error) {
		t, ok := byName[name]
		if !ok {
			return nil, fmt.Errorf("nn: import: missing tensor %q", name)
		}
		if !slices.Equal(t.Shape, shape) {
			return nil, fmt.Errorf("nn: import: tensor %q has shape %v, want %v", name, t.Shape, shape)
		}
		if len(t.Data) != numel(shape) {
			return nil, fmt.Errorf("nn: import: tensor %q has %d values, want %d for shape %v", name, len(t.Data), numel(shape), shape)
		}
		return t, nil
	}
	for _, p := range params {
		t, err := get(prefix+p.Name, p.Shape)
		if err != nil {
			return err
		}
		loads = append(loads, load{p.Data, t.Data})
	}
	steps := map[*Group]int{}
	if opt != nil {
		for _, p := range params {
			gi, ok := opt.index[p]
			if !ok {
				return fmt.Errorf("nn: import: parameter %q is in no optimiser group", p.Name)
			}
			g := opt.Groups[gi[0]]
			tm, err := get(prefix+p.Name+suffixAdamM, p.Shape)
			if err != nil {
				return err
			}
			tv, err := get(prefix+p.Name+suffixAdamV, p.Shape)
			if err != nil {
				return err
			}
			loads = append(loads, load{g.m[gi[1]], tm.Data}, load{g.v[gi[1]], tv.Data})
			if _, done := steps[g]; done {
				continue
			}
			ts, err := get(prefix+adamStep+g.Name, []int{1})
			if err != nil {
				return err
			}
			s := ts.Data[0]
			if s < 0 || s != float64(int(s)) {
				return fmt.Errorf("nn: import: tensor %q holds %v, want a non-negative integer step count", ts.Name, s)
			}
			steps[g] = int(s)
		}
	}
	for _, l := range loads {
		copy(l.dst, l.src)
	}
	for g, s := range steps {
		g.step = s
	}
	return nil
}

func (o *Adam) mustIndex(p *Param) [2]int {
	gi, ok := o.index[p]
	if !ok {
		panic(fmt.Sprintf("nn: parameter %q is in no optimiser group", p.Name))
	}
	return gi
}

func containsInt(s []int, v int) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// Index maps the tensors' names to them, for CheckMLP.
func Index(ts []format.Tensor) map[string]*format.Tensor {
	byName := make(map[string]*format.Tensor, len(ts))
	for i := range ts {
		byName[ts[i].Name] = &ts[i]
	}
	return byName
}

// CheckMLP reports an error unless the tensors idx (Index of a weights
// file) hold, under prefix, the parameters of an MLP with layer widths
// sizes, as Export writes them. It allocates nothing, so readers call it
// before NewMLP with the widths a file's metadata claims: a file that
// claims a larger network than it holds is an error, not an allocation
// sized by an untrusted header.
func CheckMLP(idx map[string]*format.Tensor, prefix string, sizes []int) error {
	if len(sizes) < 2 {
		return fmt.Errorf("nn: %d layer widths, need at least 2", len(sizes))
	}
	for l := 0; l+1 < len(sizes); l++ {
		in, out := sizes[l], sizes[l+1]
		if in < 1 || out < 1 {
			return fmt.Errorf("nn: layer %d is %d×%d: widths must be positive", l, out, in)
		}
		for _, want := range []struct {
			name  string
			shape []int
		}{
			{fmt.Sprintf("%sl%d.W", prefix, l), []int{out, in}},
			{fmt.Sprintf("%sl%d.b", prefix, l), []int{out}},
		} {
			t, ok := idx[want.name]
			switch {
			case !ok:
				return fmt.Errorf("nn: no tensor %q for layer %d of the %d-layer network %v the metadata describes", want.name, l, len(sizes)-1, sizes)
			case !slices.Equal(t.Shape, want.shape):
				return fmt.Errorf("nn: tensor %q has shape %v, the metadata's network %v needs %v", want.name, t.Shape, sizes, want.shape)
			}
		}
	}
	return nil
}
