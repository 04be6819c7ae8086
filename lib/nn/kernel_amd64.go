//go:build !purego && !noasm

package nn

import "golang.org/x/sys/cpu"

// useAVX reports whether the AVX2/FMA kernels of kernel_amd64.s may run.
// It is read-only after package initialisation.
var useAVX = cpu.X86.HasAVX2 && cpu.X86.HasFMA

// kern4x2 sets s[2r+c] to dotLanes(row r of a, row c of b) over k ≥ 4
// elements, for rows r < 4 of a (lda apart) and c < 2 of b (ldb apart).
//
//go:noescape
func kern4x2(a *float64, lda int, b *float64, ldb int, k int, s *[8]float64)

// kern1x4 is kern4x2 for one row x against four rows of b.
//
//go:noescape
func kern1x4(x *float64, b *float64, ldb int, k int, s *[4]float64)

// tanhAVX sets x[i] = tanh(x[i]) for i < n, n a multiple of 4, four lanes
// at a time, with the same operations as tanh and so the same bits.
//
//go:noescape
func tanhAVX(x []float64, n int)

// adamAVX is the inner loop of Group.update for the common case (no weight
// decay, β₁ > ½) on the first n elements, n a multiple of 4; see
// kernel_amd64.s.
//
//go:noescape
func adamAVX(data, grad, m, v []float64, n int, c *[6]float64)
