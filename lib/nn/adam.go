package nn

import (
	"fmt"
	"math"
)

// AdamConfig holds the hyperparameters of one parameter group. The zero
// WeightDecay turns weight decay off, as in PyTorch.
type AdamConfig struct {
	LR           float64
	Beta1, Beta2 float64
	Eps          float64
	WeightDecay  float64 // L2 penalty added to the gradient (torch.optim.Adam, not AdamW)
}

// DefaultAdam returns PyTorch's defaults with learning rate lr: betas
// (0.9, 0.999), eps 1e-8, no weight decay.
func DefaultAdam(lr float64) AdamConfig {
	return AdamConfig{LR: lr, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8}
}

// Group is a set of parameters sharing hyperparameters and a step count.
// Change LR (or the other fields of AdamConfig) between steps to anneal; do
// not change Params after AddGroup.
type Group struct {
	Name string
	AdamConfig
	Params []*Param

	step int
	m, v [][]float64 // first and second moments, one per Param
}

// Steps returns how many updates the group has taken.
func (g *Group) Steps() int { return g.step }

// Adam is torch.optim.Adam (amsgrad off, maximize off) over parameter
// groups. Its update follows PyTorch's single-tensor implementation
// operation by operation:
//
//	g = grad + weight_decay·p           (if weight_decay ≠ 0)
//	m = m + (1-β₁)(g - m)               (torch's lerp with weight < ½)
//	v = β₂v + (1-β₂)g²
//	p = p - lr/(1-β₁ᵗ) · m / (√v/√(1-β₂ᵗ) + eps)
type Adam struct {
	Groups []*Group
	index  map[*Param][2]int // param -> (group, position)
}

// NewAdam returns an optimiser with no groups.
func NewAdam() *Adam { return &Adam{index: map[*Param][2]int{}} }

// AddGroup adds params under name with the given hyperparameters and
// returns the group. It panics if name is empty or already used, or if a
// parameter is already in a group.
func (o *Adam) AddGroup(name string, params []*Param, cfg AdamConfig) *Group {
	if name == "" {
		panic("nn: AddGroup: empty group name")
	}
	for _, g := range o.Groups {
		if g.Name == name {
			panic(fmt.Sprintf("nn: AddGroup: duplicate group %q", name))
		}
	}
	g := &Group{Name: name, AdamConfig: cfg, Params: append([]*Param(nil), params...)}
	for i, p := range g.Params {
		if _, dup := o.index[p]; dup {
			panic(fmt.Sprintf("nn: AddGroup: parameter %q is already in a group", p.Name))
		}
		o.index[p] = [2]int{len(o.Groups), i}
		g.m = append(g.m, make([]float64, len(p.Data)))
		g.v = append(g.v, make([]float64, len(p.Data)))
	}
	o.Groups = append(o.Groups, g)
	return g
}

// Group returns the group called name, or nil.
func (o *Adam) Group(name string) *Group {
	for _, g := range o.Groups {
		if g.Name == name {
			return g
		}
	}
	return nil
}

// Step updates every parameter of every group from its Grad. It does not
// zero the gradients and does not allocate.
func (o *Adam) Step() {
	for _, g := range o.Groups {
		g.update()
	}
}

func (g *Group) update() {
	g.step++
	t := float64(g.step)
	b1, b2 := g.Beta1, g.Beta2
	w1 := 1 - b1
	w2 := 1 - b2
	// t is an integer, where math.Pow gives the same bits on every build
	// (lib/detmath's doc).
	bc1 := 1 - math.Pow(b1, t)
	bc2 := 1 - math.Pow(b2, t)
	stepSize := g.LR / bc1
	bc2Sqrt := math.Sqrt(bc2)
	wd := g.WeightDecay
	for pi, p := range g.Params {
		m, v := g.m[pi], g.v[pi]
		data, grad := p.Data, p.Grad
		m = m[:len(data)]
		v = v[:len(data)]
		grad = grad[:len(data)]
		i0 := 0
		if useAVX && wd == 0 && w1 < 0.5 {
			i0 = len(data) &^ 3
			c := [6]float64{w1, b2, w2, bc2Sqrt, g.Eps, -stepSize}
			adamAVX(data, grad, m, v, i0, &c)
		}
		for i := i0; i < len(data); i++ {
			x := data[i]
			gr := grad[i]
			if wd != 0 {
				gr = gr + float64(wd*x)
			}
			if w1 < 0.5 {
				m[i] = m[i] + float64(w1*(gr-m[i]))
			} else {
				m[i] = gr - float64((gr-m[i])*(1-w1))
			}
			v[i] = float64(v[i]*b2) + float64(w2*gr*gr)
			denom := math.Sqrt(v[i])/bc2Sqrt + g.Eps
			data[i] = x + float64(-stepSize*float64(m[i]/denom))
		}
	}
}

// ClipGradNorm rescales the gradients of params so that their global L2
// norm is at most max, as torch.nn.utils.clip_grad_norm_ does: with total
// the norm over all gradients, every gradient is multiplied by
// min(1, max/(total + 1e-6)). It returns total (before clipping); a
// non-finite total is returned as is and scales gradients to NaN, as in
// PyTorch. It does not allocate.
func ClipGradNorm(params []*Param, max float64) float64 {
	ss := 0.0
	for _, p := range params {
		for _, g := range p.Grad {
			ss += float64(g * g)
		}
	}
	total := math.Sqrt(ss)
	coef := max / (total + 1e-6)
	if coef < 1 || math.IsNaN(coef) {
		for _, p := range params {
			for i := range p.Grad {
				p.Grad[i] *= coef
			}
		}
	}
	return total
}
