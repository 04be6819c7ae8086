package nn

import (
	"math"
	"math/rand/v2"

	"github.com/dynago/dynago/lib/detmath"
	"gonum.org/v1/gonum/mat"
)

// Orthogonal fills w (rows×cols, row-major) as torch.nn.init.orthogonal_
// does: draw a Gaussian matrix, transposed if rows < cols, take its QR
// factorisation, multiply the columns of Q by the signs of R's diagonal, and
// scale by gain. The result has orthonormal rows (W Wᵀ = gain² I) when
// rows ≤ cols and orthonormal columns (Wᵀ W = gain² I) otherwise.
//
// The Gaussian draws come from rng in row-major order of the rows×cols
// matrix, so the same seed gives the same weights (but not PyTorch's
// weights: its generator differs).
func Orthogonal(w []float64, rows, cols int, gain float64, rng *rand.Rand) {
	if len(w) != rows*cols {
		panic("nn: Orthogonal: len(w) != rows×cols")
	}
	g := make([]float64, rows*cols)
	for i := range g {
		g[i] = detmath.NormFloat64(rng)
	}
	a := mat.NewDense(rows, cols, g)
	tall := rows >= cols
	var src mat.Matrix = a
	r, c := rows, cols
	if !tall {
		src = a.T()
		r, c = cols, rows
	}
	// src is r×c with r ≥ c; the reduced Q is its first c columns.
	var qr mat.QR
	qr.Factorize(src)
	var q, rr mat.Dense
	qr.QTo(&q)
	qr.RTo(&rr)
	for i := 0; i < r; i++ {
		for j := 0; j < c; j++ {
			v := q.At(i, j) * gain
			if rr.At(j, j) < 0 {
				v = -v
			}
			if tall {
				w[i*cols+j] = v
			} else {
				w[j*cols+i] = v
			}
		}
	}
}

// Uniform fills w with draws from U(-bound, bound).
func Uniform(w []float64, bound float64, rng *rand.Rand) {
	for i := range w {
		w[i] = (2*float64(rng.Float64()) - 1) * bound // Float64 inlined is a product: rounded, no FMA
	}
}

// InitOrthogonal initialises every hidden layer with Orthogonal(gain =
// hiddenGain) and the output layer with Orthogonal(gain = outGain); biases
// are zero. The usual PPO choice is hiddenGain √2, outGain 0.01 for a policy
// and 1 for a value function.
func (m *MLP) InitOrthogonal(rng *rand.Rand, hiddenGain, outGain float64) {
	for l := range m.Layers {
		d := &m.Layers[l]
		gain := hiddenGain
		if l == len(m.Layers)-1 {
			gain = outGain
		}
		Orthogonal(d.W.Data, d.Out, d.In, gain, rng)
		clear(d.B.Data)
	}
}

// InitPyTorch initialises every layer as PyTorch's nn.Linear does by
// default: kaiming_uniform_ with a = √5 gives weights U(-1/√in, 1/√in), and
// biases are U(-1/√in, 1/√in) too. Each layer draws its weights, then its
// biases.
func (m *MLP) InitPyTorch(rng *rand.Rand) {
	for l := range m.Layers {
		d := &m.Layers[l]
		bound := 1 / math.Sqrt(float64(d.In))
		Uniform(d.W.Data, bound, rng)
		Uniform(d.B.Data, bound, rng)
	}
}
