package nn

import "math"

// The dense-layer kernels.
//
// All three products of a dense layer are computed by one kernel, gemmNT,
// C = A Bᵀ with A (m×k) and B (p×k) both row-major, so that every inner
// loop runs over contiguous memory:
//
//	forward   Y  = X Wᵀ            A = X (batch×in),     B = W (out×in)
//	weights   dW += δᵀ X           A = δᵀ (out×batch),   B = Xᵀ (in×batch)
//	inputs    dX = δ W             A = δ (batch×out),    B = Wᵀ (in×out)
//
// The transposes go into scratch buffers owned by the tape; they cost
// O(batch·(in+out) + in·out), small next to the O(batch·in·out) products.
//
// Every element of C is dotLanes(row of A, row of B): four running sums
// over k ≡ 0, 1, 2, 3 (mod 4) with fused multiply-adds, combined as
// (s0+s2)+(s1+s3), then the k mod 4 leftover terms in order. On amd64 with
// AVX2 and FMA, kernel_amd64.s computes the four sums of a 4×3 block of C
// (4×2, 1×8 or 1×4 at the edges; twelve independent chains of multiply-adds
// keep both FMA units busy) in the lanes of vector registers, which is the
// same sequence of roundings, and writes the block into C itself;
// elsewhere dotLanes runs in Go. So an output does
// not depend on the block it falls in, on the batch size, or on the
// machine (math.FMA is exact everywhere): results are reproducible bit for
// bit, and a row evaluated alone gives the bits it gives inside a batch.
//
// BenchmarkDenseKernel compares gemmNT with gonum's Dgemm (numbers in
// docs/RESULTS.md). The kernels and the vector tanh are written by a generator
// (internal/asmgen; go generate).

// dotLanes returns Σ a[q] b[q] summed in the kernels' order; len(b) ≥ len(a).
func dotLanes(a, b []float64) float64 {
	b = b[:len(a)]
	var s0, s1, s2, s3 float64
	n4 := len(a) &^ 3
	for q := 0; q+4 <= n4; q += 4 {
		s0 = math.FMA(a[q], b[q], s0)
		s1 = math.FMA(a[q+1], b[q+1], s1)
		s2 = math.FMA(a[q+2], b[q+2], s2)
		s3 = math.FMA(a[q+3], b[q+3], s3)
	}
	return dotTail((s0+s2)+(s1+s3), a, b, n4)
}

// dotTail adds a[q] b[q] for q ≥ from into s, in order.
func dotTail(s float64, a, b []float64, from int) float64 {
	b = b[:len(a)]
	for q := from; q < len(a); q++ {
		s = math.FMA(a[q], b[q], s)
	}
	return s
}

// gemmNT sets c (m×p, row-major) to a bᵀ, or adds a bᵀ into c if add is
// true; a is m×k and b is p×k, both row-major.
func gemmNT(c, a, b []float64, m, p, k int, add bool) {
	c = c[:m*p]
	a = a[:m*k]
	b = b[:p*k]
	if k < 4 {
		// dotLanes reduces to one chain of fused multiply-adds.
		for i := 0; i < m; i++ {
			ai := a[i*k : i*k+k]
			ci := c[i*p : i*p+p]
			switch k {
			case 1:
				a0 := ai[0]
				for j := range ci {
					ci[j] = put(ci[j], float64(a0*b[j]), add) // = math.FMA(a0, b[j], 0)
				}
			case 2:
				a0, a1 := ai[0], ai[1]
				for j := range ci {
					bj := b[2*j : 2*j+2]
					ci[j] = put(ci[j], math.FMA(a1, bj[1], a0*bj[0]), add)
				}
			default:
				for j := range ci {
					bj := b[j*k : j*k+k][:len(ai)]
					v := 0.0
					for q, x := range ai {
						v = math.FMA(x, bj[q], v)
					}
					ci[j] = put(ci[j], v, add)
				}
			}
		}
		return
	}
	if !useAVX {
		for i := 0; i < m; i++ {
			ai := a[i*k : i*k+k]
			ci := c[i*p : i*p+p]
			for j := range ci {
				ci[j] = put(ci[j], dotLanes(ai, b[j*k:j*k+k]), add)
			}
		}
		return
	}
	i := 0
	for ; i+4 <= m; i += 4 {
		j := 0
		for ; j+3 <= p; j += 3 {
			kern4x3(&a[i*k], k, &b[j*k], k, k, &c[i*p+j], p, 1, add)
		}
		switch p - j {
		case 2:
			kern4x2(&a[i*k], k, &b[j*k], k, k, &c[i*p+j], p, 1, add)
		case 1:
			// One column left: four rows of a against it (a·b = b·a).
			kern1x4(&b[j*k], k, &a[i*k], k, k, &c[i*p+j], 0, p, add)
		}
	}
	for ; i < m; i++ {
		ai := a[i*k : i*k+k]
		ci := c[i*p : i*p+p]
		j := 0
		for ; j+8 <= p; j += 8 {
			kern1x8(&ai[0], k, &b[j*k], k, k, &ci[j], 0, 1, add)
		}
		if j+4 <= p {
			kern1x4(&ai[0], k, &b[j*k], k, k, &ci[j], 0, 1, add)
			j += 4
		}
		for ; j < p; j++ {
			ci[j] = put(ci[j], dotLanes(ai, b[j*k:j*k+k]), add)
		}
	}
}

// smallK reports whether gemmSmallK takes products with k terms into p
// outputs per row: where vectors over the outputs beat sums over k.
func smallK(p, k int) bool {
	return useAVX && p >= 4 && (k == 1 || k == 2 || k == 4)
}

// gemmSmallK is gemmNT for k = 1, 2 or 4 given bt = bᵀ (k×p) instead of b:
// the products run four outputs at a time (smallKAVX) rather than four
// terms at a time, with the same roundings, so the bits of gemmNT. Only
// where smallK holds.
func gemmSmallK(c, a, bt []float64, m, p, k int, add bool) {
	c = c[:m*p]
	a = a[:m*k]
	bt = bt[:k*p]
	p4 := p &^ 3
	smallKAVX(&c[0], &a[0], &bt[0], m, p, k, add)
	for i := 0; i < m; i++ {
		ai := a[i*k : i*k+k]
		for j := p4; j < p; j++ {
			var v float64
			switch k {
			case 1:
				v = float64(ai[0] * bt[j])
			case 2:
				v = math.FMA(ai[1], bt[p+j], ai[0]*bt[j])
			case 4:
				s0, s1 := math.FMA(ai[0], bt[j], 0), math.FMA(ai[1], bt[p+j], 0)
				s2, s3 := math.FMA(ai[2], bt[2*p+j], 0), math.FMA(ai[3], bt[3*p+j], 0)
				v = (s0 + s2) + (s1 + s3)
			}
			c[i*p+j] = put(c[i*p+j], v, add)
		}
	}
}

// put returns v, or old + v if add is true. v is rounded first (the
// explicit conversion), so a caller's product v = a·b is not fused with
// the addition into an FMA (GOAMD64=v3, arm64): the kernels round it.
func put(old, v float64, add bool) float64 {
	if add {
		return float64(v) + old
	}
	return v
}

// transpose sets dst (cols×rows) to the transpose of src (rows×cols),
// four rows of src at a time so that each write is four contiguous values.
func transpose(dst, src []float64, rows, cols int) {
	dst = dst[:rows*cols]
	src = src[:rows*cols]
	if useAVX && rows&3 == 0 && cols&3 == 0 && rows > 0 && cols > 0 {
		transposeAVX(&dst[0], &src[0], rows, cols)
		return
	}
	i := 0
	for ; i+4 <= rows; i += 4 {
		r0 := src[i*cols : i*cols+cols]
		r1 := src[(i+1)*cols : (i+1)*cols+cols][:len(r0)]
		r2 := src[(i+2)*cols : (i+2)*cols+cols][:len(r0)]
		r3 := src[(i+3)*cols : (i+3)*cols+cols][:len(r0)]
		for j, v := range r0 {
			d := dst[j*rows+i : j*rows+i+4]
			d[0], d[1], d[2], d[3] = v, r1[j], r2[j], r3[j]
		}
	}
	for ; i < rows; i++ {
		for j, v := range src[i*cols : i*cols+cols] {
			dst[j*rows+i] = v
		}
	}
}

// denseForward sets y = x Wᵀ + b for batch rows; x is batch×in, w out×in.
// scratch is grown as needed for the transpose of w that a small in
// takes (smallK) and returned for reuse.
func denseForward(y, x, w, b []float64, batch, in, out int, scratch []float64) []float64 {
	// Each row starts as the bias and the products are added to it:
	// dot + b, the bits of adding the bias after.
	b = b[:out]
	for i := 0; i < batch; i++ {
		copy(y[i*out:i*out+out], b)
	}
	if smallK(out, in) {
		if cap(scratch) < in*out {
			scratch = make([]float64, in*out)
		}
		wT := scratch[:in*out]
		transpose(wT, w, out, in)
		gemmSmallK(y, x, wT, batch, out, in, true)
	} else {
		gemmNT(y, x, w, batch, out, in, true)
	}
	return scratch
}

// denseBackward adds deltaᵀ x into dw (out×in) and the column sums of
// delta into db, and sets dx = delta W (batch×in). scratch is grown as
// needed for the transposes and returned for reuse.
func denseBackward(dx, dw, db, delta, x, w []float64, batch, in, out int, scratch []float64) []float64 {
	db = db[:out]
	j0 := 0
	if useAVX && out >= 4 && batch > 0 {
		j0 = out &^ 3
		colSumAVX(&db[0], &delta[0], batch, out)
	}
	for i := 0; i < batch; i++ {
		di := delta[i*out : i*out+out][:len(db)]
		for j := j0; j < len(di); j++ {
			db[j] += di[j]
		}
	}
	need := batch*out + batch*in + in*out
	if cap(scratch) < need {
		scratch = make([]float64, need)
	}
	scratch = scratch[:need]
	dT := scratch[:batch*out]
	xT := scratch[batch*out : batch*out+batch*in]
	wT := scratch[batch*out+batch*in:]
	transpose(dT, delta, batch, out)
	transpose(xT, x, batch, in)
	gemmNT(dw, dT, xT, out, in, batch, true)
	if smallK(in, out) {
		gemmSmallK(dx, delta, w, batch, in, out, false) // w is (Wᵀ)ᵀ
		return scratch
	}
	transpose(wT, w, out, in)
	gemmNT(dx, delta, wT, batch, in, out, false)
	return scratch
}
