package nn

import (
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
)

// The dense-layer kernels. Each product is computed either by blas64.Gemm
// or by plain Go loops, chosen by the length k of its inner (summed)
// dimension: gonum's assembly dot products tend to win for long sums
// (in 64 and 128 in BenchmarkDenseKernel), the loops below for short ones
// (inputs of 4 or 6 observations, a batch of 1), where Gemm's per-call
// overhead dominates. gemmMinK = 16 was picked on a heavily loaded machine
// whose timings varied 2× between runs; re-measure it on an idle one. The loops are register-tiled so that
// several independent multiply-add chains run at once.
//
// gonum's Dgemm runs blocks of 64×64 outputs on goroutines once there are
// four or more of them, which allocates; gemm below hands it one block at a
// time so it stays serial and allocation-free. Parallelism belongs one
// level up (ensemble members, CEM candidates on separate tapes).

const (
	gemmMinK  = 16
	gemmBlock = 64
)

// gemm computes C = alpha op(A) op(B) + beta C block by block, each block
// of C at most gemmBlock×gemmBlock.
func gemm(tA, tB blas.Transpose, alpha float64, a, b blas64.General, beta float64, c blas64.General) {
	for r := 0; r < c.Rows; r += gemmBlock {
		nr := min(gemmBlock, c.Rows-r)
		for q := 0; q < c.Cols; q += gemmBlock {
			nq := min(gemmBlock, c.Cols-q)
			cb := blas64.General{Rows: nr, Cols: nq, Stride: c.Stride, Data: c.Data[r*c.Stride+q:]}
			ab := rowsOf(a, tA, r, nr)
			bb := colsOf(b, tB, q, nq)
			blas64.Gemm(tA, tB, alpha, ab, bb, beta, cb)
		}
	}
}

// rowsOf returns rows [r, r+n) of op(a) as a view of a.
func rowsOf(a blas64.General, t blas.Transpose, r, n int) blas64.General {
	if t == blas.NoTrans {
		return blas64.General{Rows: n, Cols: a.Cols, Stride: a.Stride, Data: a.Data[r*a.Stride:]}
	}
	return blas64.General{Rows: a.Rows, Cols: n, Stride: a.Stride, Data: a.Data[r:]}
}

// colsOf returns columns [q, q+n) of op(b) as a view of b.
func colsOf(b blas64.General, t blas.Transpose, q, n int) blas64.General {
	if t == blas.NoTrans {
		return blas64.General{Rows: b.Rows, Cols: n, Stride: b.Stride, Data: b.Data[q:]}
	}
	return blas64.General{Rows: n, Cols: b.Cols, Stride: b.Stride, Data: b.Data[q*b.Stride:]}
}

func general(data []float64, rows, cols int) blas64.General {
	return blas64.General{Rows: rows, Cols: cols, Stride: cols, Data: data[:rows*cols]}
}

// denseForward sets y = x Wᵀ + b for batch rows; x is batch×in, w out×in.
func denseForward(y, x, w, b []float64, batch, in, out int) {
	if in < gemmMinK {
		denseForwardLoop(y, x, w, b, batch, in, out)
		return
	}
	for i := 0; i < batch; i++ {
		copy(y[i*out:i*out+out], b)
	}
	gemm(blas.NoTrans, blas.Trans, 1, general(x, batch, in), general(w, out, in), 1, general(y, batch, out))
}

// denseBackward adds deltaᵀ x into dw (out×in) and the column sums of
// delta into db, and sets dx = delta W (batch×in).
func denseBackward(dx, dw, db, delta, x, w []float64, batch, in, out int) {
	for i := 0; i < batch; i++ {
		di := delta[i*out : i*out+out]
		for j, dj := range di {
			db[j] += dj
		}
	}
	if batch < gemmMinK {
		denseWeightGradLoop(dw, delta, x, batch, in, out)
	} else {
		gemm(blas.Trans, blas.NoTrans, 1, general(delta, batch, out), general(x, batch, in), 1, general(dw, out, in))
	}
	if out < gemmMinK {
		denseInputGradLoop(dx, delta, w, batch, in, out)
	} else {
		gemm(blas.NoTrans, blas.NoTrans, 1, general(delta, batch, out), general(w, out, in), 0, general(dx, batch, in))
	}
}

// denseForwardLoop is denseForward by tiled loops.
func denseForwardLoop(y, x, w, b []float64, batch, in, out int) {
	i := 0
	for ; i+4 <= batch; i += 4 {
		x0 := x[i*in : i*in+in]
		x1 := x[(i+1)*in : (i+1)*in+in]
		x2 := x[(i+2)*in : (i+2)*in+in]
		x3 := x[(i+3)*in : (i+3)*in+in]
		x1, x2, x3 = x1[:len(x0)], x2[:len(x0)], x3[:len(x0)]
		for j := 0; j < out; j++ {
			wj := w[j*in : j*in+in]
			wj = wj[:len(x0)]
			var s0, s1, s2, s3 float64
			for k, wv := range wj {
				s0 += x0[k] * wv
				s1 += x1[k] * wv
				s2 += x2[k] * wv
				s3 += x3[k] * wv
			}
			bj := b[j]
			y[i*out+j] = s0 + bj
			y[(i+1)*out+j] = s1 + bj
			y[(i+2)*out+j] = s2 + bj
			y[(i+3)*out+j] = s3 + bj
		}
	}
	for ; i < batch; i++ {
		xi := x[i*in : i*in+in]
		yi := y[i*out : i*out+out]
		for j := range yi {
			yi[j] = dot4(xi, w[j*in:j*in+in]) + b[j]
		}
	}
}

// dot4 returns Σ a[k] b[k] with four running sums; len(b) ≥ len(a).
func dot4(a, b []float64) float64 {
	b = b[:len(a)]
	var s0, s1, s2, s3 float64
	k := 0
	for ; k+4 <= len(a); k += 4 {
		s0 += a[k] * b[k]
		s1 += a[k+1] * b[k+1]
		s2 += a[k+2] * b[k+2]
		s3 += a[k+3] * b[k+3]
	}
	for ; k < len(a); k++ {
		s0 += a[k] * b[k]
	}
	return (s0 + s1) + (s2 + s3)
}

// denseWeightGradLoop adds deltaᵀ x into dw by tiled loops.
func denseWeightGradLoop(dw, delta, x []float64, batch, in, out int) {
	// dW[j,:] += Σ_i delta[i,j] x[i,:], four rows i at a time.
	i := 0
	for ; i+4 <= batch; i += 4 {
		x0 := x[i*in : i*in+in]
		x1 := x[(i+1)*in : (i+1)*in+in]
		x2 := x[(i+2)*in : (i+2)*in+in]
		x3 := x[(i+3)*in : (i+3)*in+in]
		x1, x2, x3 = x1[:len(x0)], x2[:len(x0)], x3[:len(x0)]
		for j := 0; j < out; j++ {
			d0, d1, d2, d3 := delta[i*out+j], delta[(i+1)*out+j], delta[(i+2)*out+j], delta[(i+3)*out+j]
			if d0 == 0 && d1 == 0 && d2 == 0 && d3 == 0 {
				continue // common after ReLU
			}
			gw := dw[j*in : j*in+in]
			gw = gw[:len(x0)]
			for k := range gw {
				gw[k] += d0*x0[k] + d1*x1[k] + d2*x2[k] + d3*x3[k]
			}
		}
	}
	for ; i < batch; i++ {
		xi := x[i*in : i*in+in]
		for j := 0; j < out; j++ {
			dj := delta[i*out+j]
			if dj == 0 {
				continue
			}
			gw := dw[j*in : j*in+in]
			gw = gw[:len(xi)]
			for k, xv := range xi {
				gw[k] += dj * xv
			}
		}
	}
}

// denseInputGradLoop sets dx = delta W by tiled loops.
func denseInputGradLoop(dx, delta, w []float64, batch, in, out int) {
	// dx[i,:] = Σ_j delta[i,j] W[j,:], four columns j at a time.
	for i := 0; i < batch; i++ {
		dxi := dx[i*in : i*in+in]
		di := delta[i*out : i*out+out]
		clear(dxi)
		j := 0
		for ; j+4 <= out; j += 4 {
			d0, d1, d2, d3 := di[j], di[j+1], di[j+2], di[j+3]
			w0 := w[j*in : j*in+in]
			w1 := w[(j+1)*in : (j+1)*in+in]
			w2 := w[(j+2)*in : (j+2)*in+in]
			w3 := w[(j+3)*in : (j+3)*in+in]
			w0, w1, w2, w3 = w0[:len(dxi)], w1[:len(dxi)], w2[:len(dxi)], w3[:len(dxi)]
			for k := range dxi {
				dxi[k] += d0*w0[k] + d1*w1[k] + d2*w2[k] + d3*w3[k]
			}
		}
		for ; j < out; j++ {
			dj := di[j]
			wj := w[j*in : j*in+in]
			wj = wj[:len(dxi)]
			for k := range dxi {
				dxi[k] += dj * wj[k]
			}
		}
	}
}
