package nn

import (
	"fmt"
	"math"
	"slices"
)

// Activation is the nonlinearity applied after every hidden layer. The
// output layer is always the identity.
type Activation int

const (
	Identity Activation = iota
	ReLU
	Tanh
)

func (a Activation) String() string {
	switch a {
	case Identity:
		return "identity"
	case ReLU:
		return "relu"
	case Tanh:
		return "tanh"
	}
	return fmt.Sprintf("Activation(%d)", int(a))
}

// ParseActivation returns the activation named "identity", "relu" or "tanh".
func ParseActivation(s string) (Activation, error) {
	switch s {
	case "identity":
		return Identity, nil
	case "relu":
		return ReLU, nil
	case "tanh":
		return Tanh, nil
	}
	return 0, fmt.Errorf("nn: unknown activation %q (want identity, relu or tanh)", s)
}

// Dense is one fully connected layer y = x Wᵀ + b. W has shape [Out, In]
// (PyTorch's nn.Linear layout) and b has shape [Out].
type Dense struct {
	In, Out int
	W, B    *Param
}

// MLP is a stack of Dense layers with Act after every hidden layer and the
// identity after the last one.
type MLP struct {
	Layers []Dense
	Act    Activation

	params []*Param
	tape   *Tape // used by Forward and Backward
}

// NewMLP returns an MLP with layer widths sizes (input first, output last)
// and zero weights; initialise it with InitOrthogonal or InitPyTorch. It
// panics if there are fewer than two sizes or a size is not positive.
func NewMLP(sizes []int, act Activation) *MLP {
	if len(sizes) < 2 {
		panic("nn: NewMLP needs at least input and output sizes")
	}
	if act != Identity && act != ReLU && act != Tanh {
		panic("nn: unknown activation")
	}
	m := &MLP{Act: act}
	for l := 0; l+1 < len(sizes); l++ {
		in, out := sizes[l], sizes[l+1]
		if in <= 0 || out <= 0 {
			panic("nn: layer sizes must be positive")
		}
		d := Dense{
			In: in, Out: out,
			W: NewParam(fmt.Sprintf("l%d.W", l), out, in),
			B: NewParam(fmt.Sprintf("l%d.b", l), out),
		}
		m.Layers = append(m.Layers, d)
		m.params = append(m.params, d.W, d.B)
	}
	m.tape = m.NewTape()
	return m
}

// In and Out are the input and output widths.
func (m *MLP) In() int  { return m.Layers[0].In }
func (m *MLP) Out() int { return m.Layers[len(m.Layers)-1].Out }

// Params returns the parameters in layer order: "l0.W", "l0.b", "l1.W", ...
// The slice and the Params are the network's own; do not append to it.
func (m *MLP) Params() []*Param { return m.params }

// ZeroGrad sets every parameter gradient to zero.
func (m *MLP) ZeroGrad() { ZeroGrad(m.params) }

// CopyFrom copies src's parameter values (not gradients) into m. It panics
// if the architectures differ.
func (m *MLP) CopyFrom(src *MLP) {
	if len(m.params) != len(src.params) {
		panic("nn: CopyFrom: architectures differ")
	}
	for i, p := range m.params {
		if !slices.Equal(p.Shape, src.params[i].Shape) {
			panic("nn: CopyFrom: architectures differ")
		}
		copy(p.Data, src.params[i].Data)
	}
}

// Forward runs the network's own tape; see Tape.Forward.
func (m *MLP) Forward(x []float64, batch int) []float64 { return m.tape.Forward(x, batch) }

// Backward runs the network's own tape; see Tape.Backward.
func (m *MLP) Backward(dout []float64) []float64 { return m.tape.Backward(dout) }

// Tape holds the activations of one forward pass so that the matching
// backward pass can run. Each tape has its own buffers, so a network can be
// evaluated at batch 1 for acting and at batch 64 for training without the
// two clobbering each other. Buffers grow to the largest batch seen and are
// then reused: after the first call at a given batch size neither Forward
// nor Backward allocates.
//
// Tapes of one MLP may run Forward concurrently (weights are only read);
// Backward adds into the shared parameter gradients, so Backward calls must
// not overlap each other or a weight update.
type Tape struct {
	net   *MLP
	batch int         // batch of the last Forward; 0 before the first
	x     []float64   // copy of the input, batch×In
	h     [][]float64 // h[l] is layer l's output after its activation
	d     [][]float64 // d[l] is dL/d(pre-activation of layer l)
	dx    []float64   // dL/dx returned by Backward
	tmp   []float64   // scratch for the transposes of denseBackward
}

// NewTape returns an empty tape for m.
func (m *MLP) NewTape() *Tape {
	n := len(m.Layers)
	return &Tape{net: m, h: make([][]float64, n), d: make([][]float64, n)}
}

func grow(s []float64, n int) []float64 {
	if cap(s) < n {
		return make([]float64, n)
	}
	return s[:n]
}

// Forward evaluates the network on batch rows of x (row-major, batch×In)
// and returns batch×Out outputs. x is copied, so the caller may reuse it at
// once. The returned slice belongs to the tape: it is valid until the next
// Forward on this tape and must not be modified if Backward follows.
func (t *Tape) Forward(x []float64, batch int) []float64 {
	m := t.net
	in := m.In()
	if batch <= 0 || len(x) != batch*in {
		panic(fmt.Sprintf("nn: Forward: len(x)=%d, want batch(%d)×in(%d)", len(x), batch, in))
	}
	t.batch = batch
	t.x = grow(t.x, batch*in)
	copy(t.x, x)
	a := t.x
	last := len(m.Layers) - 1
	for l := range m.Layers {
		d := &m.Layers[l]
		t.h[l] = grow(t.h[l], batch*d.Out)
		y := t.h[l]
		t.tmp = denseForward(y, a, d.W.Data, d.B.Data, batch, d.In, d.Out, t.tmp)
		if l != last {
			Activate(m.Act, y)
		}
		a = y
	}
	return a
}

// Backward takes dL/dy for the outputs of the last Forward (batch×Out),
// adds dL/dW and dL/db into the parameter gradients, and returns dL/dx
// (batch×In). dout is not modified. The returned slice belongs to the tape
// and is valid until the next Backward on it.
func (t *Tape) Backward(dout []float64) []float64 {
	m := t.net
	if t.batch == 0 {
		panic("nn: Backward before Forward")
	}
	batch := t.batch
	last := len(m.Layers) - 1
	if len(dout) != batch*m.Out() {
		panic(fmt.Sprintf("nn: Backward: len(dout)=%d, want batch(%d)×out(%d)", len(dout), batch, m.Out()))
	}
	t.dx = grow(t.dx, batch*m.In())
	for l := last; l >= 0; l-- {
		d := &m.Layers[l]
		t.d[l] = grow(t.d[l], batch*d.Out)
		delta := t.d[l]
		if l == last {
			copy(delta, dout)
		} else {
			activateGrad(m.Act, delta, t.h[l]) // delta already holds dL/dh[l]
		}
		a := t.x
		if l > 0 {
			a = t.h[l-1]
		}
		var dx []float64
		if l > 0 {
			t.d[l-1] = grow(t.d[l-1], batch*d.In)
			dx = t.d[l-1]
		} else {
			dx = t.dx
		}
		t.tmp = denseBackward(dx, d.W.Grad, d.B.Grad, delta, a, d.W.Data, batch, d.In, d.Out, t.tmp)
	}
	return t.dx
}

// Activate applies act to y in place: what every hidden layer of an MLP
// does after its affine map, bit for bit, for code that evaluates a copy
// of the network (lib/plan). Tanh is this package's tanh, whose results
// are the same on every build and with or without the AVX kernel.
func Activate(act Activation, y []float64) {
	switch act {
	case ReLU:
		// Branch-free (a conditional move): about half of the
		// pre-activations are negative, at random.
		for i, v := range y {
			y[i] = math.Float64frombits(math.Float64bits(v) & keep(!(v < 0)))
		}
	case Tanh:
		i := 0
		if useAVX {
			i = len(y) &^ 3
			tanhAVX(y, i)
		}
		for ; i < len(y); i++ {
			y[i] = tanh(y[i])
		}
	}
}

// keep returns all ones if b, else zero.
func keep(b bool) uint64 {
	var m uint64
	if b {
		m = ^uint64(0)
	}
	return m
}

// activateGrad multiplies g (dL/dh) in place by dh/dz, written in terms of
// the activation output h: ReLU' = [h > 0], tanh' = 1 - h².
func activateGrad(act Activation, g, h []float64) {
	h = h[:len(g)]
	switch act {
	case ReLU:
		for i, v := range h {
			g[i] = math.Float64frombits(math.Float64bits(g[i]) & keep(v > 0))
		}
	case Tanh:
		i := 0
		if useAVX {
			i = len(g) &^ 3
			tanhGradAVX(g, h, i)
		}
		for ; i < len(g); i++ {
			v := h[i]
			g[i] *= 1 - float64(v*v) // rounded, as tanhGradAVX: no FMA
		}
	}
}
