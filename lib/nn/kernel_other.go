//go:build !amd64 || purego || noasm

package nn

const useAVX = false

func kern4x3(a *float64, lda int, b *float64, ldb int, k int, c *float64, ldcr, ldcc int, add bool) {
	panic("nn: kern4x3 without AVX")
}

func kern4x2(a *float64, lda int, b *float64, ldb int, k int, c *float64, ldcr, ldcc int, add bool) {
	panic("nn: kern4x2 without AVX")
}

func kern1x8(a *float64, lda int, b *float64, ldb int, k int, c *float64, ldcr, ldcc int, add bool) {
	panic("nn: kern1x8 without AVX")
}

func kern1x4(a *float64, lda int, b *float64, ldb int, k int, c *float64, ldcr, ldcc int, add bool) {
	panic("nn: kern1x4 without AVX")
}

func tanhAVX(x []float64, n int) {
	panic("nn: tanhAVX without AVX")
}

func transposeAVX(dst, src *float64, rows, cols int) {
	panic("nn: transposeAVX without AVX")
}

func tanhGradAVX(g, h []float64, n int) {
	panic("nn: tanhGradAVX without AVX")
}

func smallKAVX(c, a, bt *float64, m, p, k int, add bool) {
	panic("nn: smallKAVX without AVX")
}

func colSumAVX(db, delta *float64, rows, cols int) {
	panic("nn: colSumAVX without AVX")
}

func adamAVX(data, grad, m, v []float64, n int, c *[6]float64) {
	panic("nn: adamAVX without AVX")
}
