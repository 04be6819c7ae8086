package nn

import (
	"math"
	"math/rand/v2"

	"github.com/dynago/dynago/lib/detmath"
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
	tall := rows >= cols
	r, c := rows, cols
	src := g
	if !tall { // factorise the transpose, so that r ≥ c
		r, c = cols, rows
		src = make([]float64, len(g))
		for i := 0; i < rows; i++ {
			for j := 0; j < cols; j++ {
				src[j*rows+i] = g[i*cols+j]
			}
		}
	}
	q := householderQ(src, r, c)
	for i := 0; i < r; i++ {
		for j := 0; j < c; j++ {
			v := q[i*c+j] * gain
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

// householderQ returns the reduced Q (r×c, row-major) of the QR
// factorisation of a (r×c, row-major, r ≥ c, overwritten) whose R has a
// non-negative diagonal: Householder reflections, as LAPACK's geqr2 and
// org2r, then each column multiplied by the sign of R's diagonal entry
// (torch's Q·sign(diag R)). Every product feeding a sum is rounded
// (float64(…)), so that no build fuses it and every build gives the same
// bits (gonum's QR is fused on arm64).
func householderQ(a []float64, r, c int) []float64 {
	vs := make([][]float64, c) // the reflections' vectors, vs[k] of length r-k
	tau := make([]float64, c)  // 2/(vᵀv); 0: no reflection
	sign := make([]float64, c) // the sign of R[k][k]
	for k := 0; k < c; k++ {
		v := make([]float64, r-k)
		norm := 0.0
		for i := k; i < r; i++ {
			v[i-k] = a[i*c+k]
			norm += float64(v[i-k] * v[i-k])
		}
		norm = math.Sqrt(norm)
		vs[k], sign[k] = v, 1
		if norm == 0 { // the column is already zero below the diagonal
			continue
		}
		beta := -math.Copysign(norm, v[0]) // R[k][k]: the sign avoids cancellation in v[0]
		if beta < 0 {
			sign[k] = -1
		}
		v[0] -= beta
		vv := 0.0
		for _, x := range v {
			vv += float64(x * x)
		}
		tau[k] = 2 / vv
		reflect(a, v, tau[k], k, r, c, k+1)
	}
	q := make([]float64, r*c)
	for j := 0; j < c; j++ {
		q[j*c+j] = 1
	}
	for k := c - 1; k >= 0; k-- {
		if tau[k] != 0 {
			reflect(q, vs[k], tau[k], k, r, c, 0)
		}
	}
	for i := 0; i < r; i++ {
		for j := 0; j < c; j++ {
			q[i*c+j] *= sign[j]
		}
	}
	return q
}

// reflect applies I − tau·v·vᵀ to rows k..r-1 of columns from..c-1 of m
// (r×c, row-major).
func reflect(m, v []float64, tau float64, k, r, c, from int) {
	for j := from; j < c; j++ {
		s := 0.0
		for i := k; i < r; i++ {
			s += float64(v[i-k] * m[i*c+j])
		}
		s = float64(s * tau)
		for i := k; i < r; i++ {
			m[i*c+j] -= float64(s * v[i-k])
		}
	}
}
