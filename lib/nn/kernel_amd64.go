//go:build !purego && !noasm

package nn

import "golang.org/x/sys/cpu"

// useAVX reports whether the AVX2/FMA kernels of kernel_amd64.s may run.
// It is read-only after package initialisation.
var useAVX = cpu.X86.HasAVX2 && cpu.X86.HasFMA

//go:generate go run ../../internal/asmgen -o kernel_gen_amd64.s

// kern4x3 sets c[r·ldcr + j·ldcc] to dotLanes(row r of a, row j of b),
// or adds it there if add, over k ≥ 4 elements, for rows r < 4 of a (lda
// apart) and j < 3 of b (ldb apart). The sums are those of dotLanes, and
// an added value is v + old, as put does, so the results are the bits of
// the Go loops.
//
//go:noescape
func kern4x3(a *float64, lda int, b *float64, ldb int, k int, c *float64, ldcr, ldcc int, add bool)

// kern4x2 is kern4x3 for four rows of a against two rows of b.
//
//go:noescape
func kern4x2(a *float64, lda int, b *float64, ldb int, k int, c *float64, ldcr, ldcc int, add bool)

// kern1x8 is kern4x3 for one row of a against eight rows of b (lda and
// ldcr are unused).
//
//go:noescape
func kern1x8(a *float64, lda int, b *float64, ldb int, k int, c *float64, ldcr, ldcc int, add bool)

// kern1x4 is kern4x3 for one row of a against four rows of b (lda and
// ldcr are unused).
//
//go:noescape
func kern1x4(a *float64, lda int, b *float64, ldb int, k int, c *float64, ldcr, ldcc int, add bool)

// tanhAVX sets x[i] = tanh(x[i]) for i < n, n a multiple of 4, four lanes
// at a time, with the same operations as tanh and so the same bits.
//
//go:noescape
func tanhAVX(x []float64, n int)

// transposeAVX sets dst (cols×rows) to the transpose of src (rows×cols),
// rows and cols multiples of 4.
//
//go:noescape
func transposeAVX(dst, src *float64, rows, cols int)

// tanhGradAVX sets g[i] *= 1 - h[i]*h[i] for i < n, n a multiple of 4,
// with the operations of activateGrad and so its bits.
//
//go:noescape
func tanhGradAVX(g, h []float64, n int)

// smallKAVX sets or adds the first p&^3 columns of c (m×p) to a bᵀ for k
// = 1, 2 or 4, from bt = bᵀ (k×p), with the roundings of gemmNT.
//
//go:noescape
func smallKAVX(c, a, bt *float64, m, p, k int, add bool)

// colSumAVX adds the rows of delta (rows×cols) into db for the first
// cols&^3 columns, each column in row order.
//
//go:noescape
func colSumAVX(db, delta *float64, rows, cols int)

// adamAVX is the inner loop of Group.update for the common case (no weight
// decay, β₁ > ½) on the first n elements, n a multiple of 4; see
// kernel_amd64.s.
//
//go:noescape
func adamAVX(data, grad, m, v []float64, n int, c *[6]float64)
