package nn

import (
	"fmt"
	"math"
	"slices"
	"testing"
)

// TestMLPGradient checks Backward against central differences of
// L = Σ c ⊙ Forward(x) for random c, w.r.t. every parameter and the input,
// for single dense layers and deeper networks with each activation.
func TestMLPGradient(t *testing.T) {
	cases := []struct {
		sizes []int
		act   Activation
		batch int
	}{
		{[]int{3, 2}, Identity, 4},
		{[]int{3, 5, 2}, Identity, 4},
		{[]int{3, 5, 2}, ReLU, 4},
		{[]int{3, 5, 2}, Tanh, 4},
		{[]int{4, 8, 8, 3}, ReLU, 5},
		{[]int{4, 8, 8, 3}, Tanh, 5},
		{[]int{6, 7, 1}, Tanh, 1},
		// Widths and batch ≥ gemmMinK take the Gemm kernels.
		{[]int{20, 70, 17, 3}, Tanh, 18},
		{[]int{17, 33, 2}, ReLU, 70},
	}
	for _, tc := range cases {
		t.Run(fmt.Sprintf("%v-%v-b%d", tc.sizes, tc.act, tc.batch), func(t *testing.T) {
			rng := newRNG(1)
			m := NewMLP(tc.sizes, tc.act)
			m.InitPyTorch(rng)
			for _, p := range m.Params() { // non-zero biases exercise db
				for i := range p.Data {
					p.Data[i] += 0.1 * rng.NormFloat64()
				}
			}
			x := randVec(rng, tc.batch*m.In(), 1)
			c := randVec(rng, tc.batch*m.Out(), 1)
			loss := func() float64 { return dot(c, m.Forward(x, tc.batch)) }

			m.ZeroGrad()
			m.Forward(x, tc.batch)
			dx := append([]float64(nil), m.Backward(c)...)

			for _, p := range m.Params() {
				want := numGrad(p.Data, func(v []float64) { copy(p.Data, v) }, loss)
				checkGrad(t, p.Name, p.Grad, want, gradTol)
			}
			want := numGrad(x, func(v []float64) { copy(x, v) }, loss)
			checkGrad(t, "dx", dx, want, gradTol)
		})
	}
}

// TestBackwardAccumulates checks that two Backward calls add up.
func TestBackwardAccumulates(t *testing.T) {
	rng := newRNG(2)
	m := NewMLP([]int{3, 4, 2}, Tanh)
	m.InitOrthogonal(rng, math.Sqrt2, 1)
	x := randVec(rng, 6, 1)
	c := randVec(rng, 4, 1)
	m.Forward(x, 2)
	m.Backward(c)
	once := append([]float64(nil), m.Params()[0].Grad...)
	m.Backward(c)
	// The second call adds row contributions one at a time onto the first
	// sum, so the result is 2×once only up to rounding.
	const tol = 1e-14
	for i, g := range m.Params()[0].Grad {
		if math.Abs(g-2*once[i]) > tol*math.Max(1, math.Abs(g)) {
			t.Fatalf("grad[%d] = %v after two Backward calls, want %v", i, g, 2*once[i])
		}
	}
}

// TestTapes checks that tapes do not share buffers: a batch-1 forward on
// one tape leaves a batch-3 forward on another tape, and its backward,
// intact; and that each batch row is computed independently.
func TestTapes(t *testing.T) {
	rng := newRNG(3)
	m := NewMLP([]int{4, 16, 2}, ReLU)
	m.InitOrthogonal(rng, math.Sqrt2, 1)
	x := randVec(rng, 12, 1)
	c := randVec(rng, 6, 1)

	train, act := m.NewTape(), m.NewTape()
	y := train.Forward(x, 3)
	ySaved := append([]float64(nil), y...)
	for i := 0; i < 3; i++ {
		yi := act.Forward(x[4*i:4*i+4], 1)
		for j := range yi {
			if yi[j] != ySaved[2*i+j] {
				t.Fatalf("row %d: batch-1 output %v, batch-3 row %v", i, yi, ySaved[2*i:2*i+2])
			}
		}
	}
	for i := range y {
		if y[i] != ySaved[i] {
			t.Fatal("forward on another tape clobbered this tape's output")
		}
	}
	m.ZeroGrad()
	train.Backward(c)
	g1 := append([]float64(nil), m.Params()[0].Grad...)

	m.ZeroGrad()
	train.Forward(x, 3)
	train.Backward(c)
	for i, g := range m.Params()[0].Grad {
		if g != g1[i] {
			t.Fatal("backward after another tape's forward differs from a clean run")
		}
	}
}

// TestNoAllocs checks Forward and Backward allocate nothing after the first
// call at a batch size, including after a smaller batch in between.
func TestNoAllocs(t *testing.T) {
	for _, act := range []Activation{ReLU, Tanh} {
		t.Run(act.String(), func(t *testing.T) {
			rng := newRNG(4)
			m := NewMLP([]int{6, 32, 32, 5}, act)
			m.InitOrthogonal(rng, math.Sqrt2, 0.01)
			x := randVec(rng, 200*6, 1)
			dout := randVec(rng, 200*5, 1)
			m.Forward(x, 200)
			m.Backward(dout)
			for _, batch := range []int{200, 1, 64, 17} {
				n := testing.AllocsPerRun(20, func() {
					m.Forward(x[:batch*6], batch)
					m.Backward(dout[:batch*5])
				})
				if n != 0 {
					t.Errorf("batch %d: %v allocations per Forward+Backward, want 0", batch, n)
				}
			}
		})
	}
}

func TestInitDeterministic(t *testing.T) {
	for _, name := range []string{"orthogonal", "pytorch"} {
		t.Run(name, func(t *testing.T) {
			build := func(seed uint64) *MLP {
				m := NewMLP([]int{4, 64, 64, 2}, Tanh)
				if name == "orthogonal" {
					m.InitOrthogonal(newRNG(seed), math.Sqrt2, 0.01)
				} else {
					m.InitPyTorch(newRNG(seed))
				}
				return m
			}
			a, b, c := build(7), build(7), build(8)
			same := func(x, y *MLP) bool {
				for i, p := range x.Params() {
					for j, v := range p.Data {
						if math.Float64bits(v) != math.Float64bits(y.Params()[i].Data[j]) {
							return false
						}
					}
				}
				return true
			}
			if !same(a, b) {
				t.Error("same seed gave different weights")
			}
			if same(a, c) {
				t.Error("different seeds gave the same weights")
			}
		})
	}
}

func TestParamNames(t *testing.T) {
	m := NewMLP([]int{4, 8, 2}, ReLU)
	want := []struct {
		name  string
		shape []int
	}{{"l0.W", []int{8, 4}}, {"l0.b", []int{8}}, {"l1.W", []int{2, 8}}, {"l1.b", []int{2}}}
	ps := m.Params()
	if len(ps) != len(want) {
		t.Fatalf("%d params, want %d", len(ps), len(want))
	}
	for i, w := range want {
		if ps[i].Name != w.name || !slices.Equal(ps[i].Shape, w.shape) {
			t.Errorf("param %d: %s %v, want %s %v", i, ps[i].Name, ps[i].Shape, w.name, w.shape)
		}
	}
}
