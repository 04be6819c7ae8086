package nn

// Param is one named parameter tensor with its gradient. Data and Grad have
// the same length, the product of Shape, and are row-major. Backward passes
// and loss gradients add into Grad; ZeroGrad or the caller resets it.
type Param struct {
	Name  string
	Shape []int
	Data  []float64
	Grad  []float64
}

// NewParam returns a zero parameter of the given shape.
func NewParam(name string, shape ...int) *Param {
	n := numel(shape)
	return &Param{
		Name:  name,
		Shape: append([]int(nil), shape...),
		Data:  make([]float64, n),
		Grad:  make([]float64, n),
	}
}

// ZeroGrad sets the gradients of params to zero.
func ZeroGrad(params []*Param) {
	for _, p := range params {
		clear(p.Grad)
	}
}

func numel(shape []int) int {
	n := 1
	for _, s := range shape {
		if s < 0 {
			panic("nn: negative dimension in shape")
		}
		n *= s
	}
	return n
}
