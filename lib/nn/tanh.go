package nn

import "math"

// tanh returns tanh(x) within a few ulps of math.Tanh and without
// branches, which matters more than the arithmetic: math.Tanh switches
// between a rational approximation and math.Exp at |x| = 0.625, and on
// network activations, which fall on both sides at random, about half of
// those branches are mispredicted.
//
// With a = min(|x|, 22) (1 − tanh 22 < 2⁻⁶³, so larger a round to 1),
// tanh a = m/(m + 2) where m = e^{2a} − 1. m is computed without
// cancellation: 2a = n ln2 + r with |r| ≤ ln2/2, e^r = 1 + r q(r) with q
// the degree-12 Taylor polynomial of (e^r − 1)/r (truncation error below
// 1e-17), and m = (2ⁿ − 1) + 2ⁿ r q, both terms exact or nearly so. For
// n = 0 this is m = r q, accurate to a few ulps even for tiny a. The sign
// is copied from x, so tanh(−0) = −0 and NaN gives NaN. It is a pure
// function of x: results do not depend on the machine beyond IEEE
// arithmetic. Every product is rounded before it is added (the explicit
// float64 conversions), as tanhAVX does: without them the compiler may
// fuse a multiply and an add into one FMA where the target has it
// (GOAMD64=v3, arm64), which rounds once instead of twice.
func tanh(x float64) float64 {
	const (
		ln2Hi = 6.93147180369123816490e-01 // math.Exp's split of ln 2
		ln2Lo = 1.90821492927058770002e-10
		log2e = 1.44269504088896338700e+00
	)
	y := 2 * min(math.Abs(x), 22)
	n := math.Floor(float64(y*log2e) + 0.5)
	r := (y - float64(n*ln2Hi)) - float64(n*ln2Lo)
	q := 1.0 / 6227020800 // 1/13!
	q = float64(q*r) + 1.0/479001600
	q = float64(q*r) + 1.0/39916800
	q = float64(q*r) + 1.0/3628800
	q = float64(q*r) + 1.0/362880
	q = float64(q*r) + 1.0/40320
	q = float64(q*r) + 1.0/5040
	q = float64(q*r) + 1.0/720
	q = float64(q*r) + 1.0/120
	q = float64(q*r) + 1.0/24
	q = float64(q*r) + 1.0/6
	q = float64(q*r) + 0.5
	q = float64(q*r) + 1
	s := math.Float64frombits(uint64(int64(n)+1023) << 52) // 2ⁿ, n in [0, 64]
	m := (s - 1) + float64(s*float64(r*q))
	return math.Copysign(m/(m+2), x)
}
