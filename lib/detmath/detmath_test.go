package detmath

import (
	"fmt"
	"hash/fnv"
	"math"
	"math/rand/v2"
	"testing"
)

// Inputs are drawn with explicit float64 roundings, so that the test's own
// arithmetic gives the same inputs on every build.

// uniform returns a draw from [lo, hi).
func uniform(r *rand.Rand, lo, hi float64) float64 {
	return lo + float64(r.Float64()*(hi-lo))
}

// spread returns a positive float64 with a uniformly drawn exponent in
// [2^lo, 2^hi) and mantissa, subnormals included when lo < -1022.
func spread(r *rand.Rand, lo, hi int) float64 {
	return math.Ldexp(1+r.Float64(), lo+r.IntN(hi-lo))
}

func signed(r *rand.Rand, x float64) float64 {
	if r.IntN(2) == 0 {
		return -x
	}
	return x
}

// specials are the inputs every unary function is checked at, beyond its
// random ones.
var specials = []float64{
	math.NaN(), math.Inf(1), math.Inf(-1), 0, math.Copysign(0, -1),
	1, -1, 0.5, -0.5, 2, -2, math.Pi, -math.Pi, math.Pi / 2, math.Pi / 4,
	1e-300, -1e-300, 5e-324, -5e-324, 1e-310, -1e-310, 2.2250738585072014e-308,
	1e-20, -1e-20, 1.0 / (1 << 28), 1.0 / (1 << 54), 0x1p-60,
	0.625, 0.3465735902799726, 1.0397207708399179, 38.816242111356935,
	44.014845965556525, 88.02969193111305,
	709.782712893384, 709.79, -708.39, -745.1332191019411, -745.14, -1000, 1000,
	1 << 29, 1<<29 + 0.5, 1e15, -1e15, 1e300, -1e300, math.MaxFloat64, -math.MaxFloat64,
}

// unary is one function under test: its reference in the math package,
// the random inputs it is checked on, and the FNV-1a hash of its results'
// bits over hashN inputs drawn from gen with seed (1, 2), computed on
// amd64 with GOAMD64=v1 (the same bits are expected on every build).
type unary struct {
	name string
	f    func(float64) float64
	ref  func(float64) (want float64, ulps int64)
	gen  func(*rand.Rand) float64
	hash uint64
}

var unaries = []unary{
	{"Exp", Exp, expRef, func(r *rand.Rand) float64 {
		if r.IntN(2) == 0 {
			return uniform(r, -20, 20)
		}
		return uniform(r, -750, 712)
	}, 0x6c7bd35b079aa565},
	{"Expm1", Expm1, within(goULPs, math.Expm1), func(r *rand.Rand) float64 {
		if r.IntN(2) == 0 {
			return signed(r, spread(r, -60, 3))
		}
		return uniform(r, -50, 712)
	}, 0xd6f4e59c24251ee6},
	{"Log", Log, logRef, func(r *rand.Rand) float64 {
		if r.IntN(2) == 0 {
			return uniform(r, 0, 30)
		}
		return spread(r, -1074, 1024)
	}, 0xd967c5064910be91},
	{"Log1p", Log1p, within(goULPs, math.Log1p), func(r *rand.Rand) float64 {
		switch r.IntN(3) {
		case 0:
			return uniform(r, -1, 30)
		case 1:
			return signed(r, spread(r, -60, -1))
		}
		return spread(r, -1, 1024)
	}, 0x7e60bce4e93beb4f},
	{"Tanh", Tanh, within(asmULPs, math.Tanh), func(r *rand.Rand) float64 {
		if r.IntN(2) == 0 {
			return uniform(r, -3, 3)
		}
		return signed(r, spread(r, -60, 7))
	}, 0x1beed917f0ec4943},
	{"Sin", Sin, within(goULPs, math.Sin), trigInput, 0x495f03298b9f457b},
	{"Cos", Cos, within(goULPs, math.Cos), trigInput, 0x7cb08db2d6150dfb},
	{"Sincos.sin", func(x float64) float64 { s, _ := Sincos(x); return s },
		within(goULPs, func(x float64) float64 { s, _ := math.Sincos(x); return s }), trigInput, 0x495f03298b9f457b},
	{"Sincos.cos", func(x float64) float64 { _, c := Sincos(x); return c },
		within(goULPs, func(x float64) float64 { _, c := math.Sincos(x); return c }), trigInput, 0x7cb08db2d6150dfb},
}

func trigInput(r *rand.Rand) float64 {
	switch r.IntN(3) {
	case 0:
		return uniform(r, -10, 10)
	case 1:
		return uniform(r, -1e4, 1e4)
	}
	return signed(r, spread(r, -30, 100)) // past 1<<29: Payne-Hanek reduction
}

// powInput draws a positive base and an exponent, integer or not.
func powInput(r *rand.Rand) (x, y float64) {
	x = spread(r, -20, 20)
	if r.IntN(4) == 0 {
		return x, float64(r.IntN(41) - 20)
	}
	return x, uniform(r, -30, 30)
}

const (
	randomN = 200000 // inputs per function checked against math
	hashN   = 100000 // inputs per function in the golden hash

	// goULPs is the tolerance where the math package runs the same Go
	// code (Sin, Cos, Sincos, Expm1, Log1p): only fused multiply-adds, as
	// with GOAMD64=v3, make it differ, by at most 1 ulp.
	goULPs = 1
	// asmULPs is the tolerance where the math package's amd64 assembly
	// (Exp, Log) or code calling it (Tanh) is the reference: both are
	// within 1 ulp of the exact result, so they may be 2 ulps apart (as
	// at Exp(-101.51730447216846), where Python's math.exp rounds
	// correctly to 0x1.7499e43c1da4dp-147, this package gives ...4c and
	// math.Exp ...4e).
	asmULPs = 2
	// powULPs is Pow's tolerance: Go's Pow multiplies in the squarings of
	// the base for the integer part of the exponent, rounding each
	// product, so an ulp of difference in Exp can grow by an ulp a
	// product (with exponents up to 30, 5 ulps were seen on 1e6 inputs;
	// both are as far from Python's x**y).
	powULPs = 8
)

// expRef is math.Exp with its tolerance; past 709.4, where the amd64
// assembly overflows to +Inf below math.Exp's documented threshold
// (Python's math.exp(709.782712893384) is 0x1.fffffffffff2ap+1023), it
// is e**(x-1) * e, within 2 ulps of the exact result.
func expRef(x float64) (float64, int64) {
	const overflow = 7.09782712893383973096e+02
	if y := math.Exp(x); !math.IsInf(y, 1) || x > overflow {
		return y, asmULPs
	}
	return math.Exp(x-1) * math.E, 3
}

// logRef is math.Log with its tolerance; for subnormal x, where the amd64
// assembly is wrong (math.Log(5e-324) = -709.09, not -744.44), it is
// Log(x * 2**54) - 54*Ln2, with 54*Ln2 split in an exact high part and a
// low part.
func logRef(x float64) (float64, int64) {
	if x > 0 && x < 0x1p-1022 {
		const ln2Hi, ln2Lo = 6.93147180369123816490e-01, 1.90821492927058770002e-10
		return (math.Log(x*0x1p54) - float64(54*ln2Hi)) - float64(54*ln2Lo), asmULPs
	}
	return math.Log(x), asmULPs
}

// within returns f as a reference with tolerance n.
func within(n int64, f func(float64) float64) func(float64) (float64, int64) {
	return func(x float64) (float64, int64) { return f(x), n }
}

// ulps is the distance of a and b in units in the last place; -1 if they
// differ in kind (NaN against a number, signs of zero, infinities).
func ulps(a, b float64) int64 {
	switch {
	case math.IsNaN(a) || math.IsNaN(b):
		if math.IsNaN(a) && math.IsNaN(b) {
			return 0
		}
		return -1
	case a == 0 && b == 0 && math.Signbit(a) != math.Signbit(b):
		return -1
	case math.IsInf(a, 0) || math.IsInf(b, 0):
		if a == b {
			return 0
		}
		return -1
	}
	ord := func(x float64) int64 { // monotone in x
		i := int64(math.Float64bits(x))
		if i < 0 {
			i = math.MinInt64 - i
		}
		return i
	}
	d := ord(a) - ord(b)
	if d < 0 {
		d = -d
	}
	return d
}

func TestUnaryMatchesMath(t *testing.T) {
	for _, u := range unaries {
		t.Run(u.name, func(t *testing.T) {
			check := func(x float64) {
				t.Helper()
				got := u.f(x)
				want, tol := u.ref(x)
				if d := ulps(got, want); d < 0 || d > tol {
					t.Fatalf("%s(%v) = %v (%#x), math: %v (%#x)", u.name, x, got, math.Float64bits(got), want, math.Float64bits(want))
				}
			}
			for _, x := range specials {
				check(x)
			}
			r := rand.New(rand.NewPCG(3, 4))
			for range randomN {
				check(u.gen(r))
			}
		})
	}
}

func TestPowMatchesMath(t *testing.T) {
	check := func(x, y float64) {
		t.Helper()
		if x != 0 && math.Abs(x) < 0x1p-1022 && y != math.Trunc(y) {
			return // math.Pow calls the amd64 assembly Log, wrong there (see logRef)
		}
		got, want := Pow(x, y), math.Pow(x, y)
		if d := ulps(got, want); d < 0 || d > powULPs {
			t.Fatalf("Pow(%v, %v) = %v, math: %v", x, y, got, want)
		}
	}
	for _, x := range specials {
		for _, y := range specials {
			check(x, y)
		}
	}
	r := rand.New(rand.NewPCG(3, 4))
	for range randomN {
		check(powInput(r))
	}
}

// TestSpecialCases checks the documented special cases bit for bit.
func TestSpecialCases(t *testing.T) {
	nan, inf, negZero := math.NaN(), math.Inf(1), math.Copysign(0, -1)
	tests := []struct {
		name      string
		got, want float64
	}{
		{"Exp(+Inf)", Exp(inf), inf},
		{"Exp(-Inf)", Exp(-inf), 0},
		{"Exp(NaN)", Exp(nan), nan},
		{"Exp(-0)", Exp(negZero), 1},
		{"Exp(710)", Exp(710), inf},
		{"Exp(-746)", Exp(-746), 0},
		{"Expm1(+Inf)", Expm1(inf), inf},
		{"Expm1(-Inf)", Expm1(-inf), -1},
		{"Expm1(NaN)", Expm1(nan), nan},
		{"Expm1(-0)", Expm1(negZero), negZero},
		{"Log(+Inf)", Log(inf), inf},
		{"Log(0)", Log(0), -inf},
		{"Log(-0)", Log(negZero), -inf},
		{"Log(-1)", Log(-1), nan},
		{"Log(NaN)", Log(nan), nan},
		{"Log(1)", Log(1), 0},
		{"Log1p(+Inf)", Log1p(inf), inf},
		{"Log1p(-0)", Log1p(negZero), negZero},
		{"Log1p(-1)", Log1p(-1), -inf},
		{"Log1p(-2)", Log1p(-2), nan},
		{"Log1p(NaN)", Log1p(nan), nan},
		{"Tanh(-0)", Tanh(negZero), negZero},
		{"Tanh(+Inf)", Tanh(inf), 1},
		{"Tanh(-Inf)", Tanh(-inf), -1},
		{"Tanh(NaN)", Tanh(nan), nan},
		{"Sin(-0)", Sin(negZero), negZero},
		{"Sin(+Inf)", Sin(inf), nan},
		{"Sin(NaN)", Sin(nan), nan},
		{"Cos(-Inf)", Cos(-inf), nan},
		{"Cos(-0)", Cos(negZero), 1},
		{"Pow(x, -0)", Pow(nan, negZero), 1},
		{"Pow(1, NaN)", Pow(1, nan), 1},
		{"Pow(-0, -3)", Pow(negZero, -3), -inf},
		{"Pow(-0, 3)", Pow(negZero, 3), negZero},
		{"Pow(-1, -Inf)", Pow(-1, -inf), 1},
		{"Pow(-Inf, 3)", Pow(-inf, 3), -inf},
		{"Pow(-2, 0.5)", Pow(-2, 0.5), nan},
		{"Pow(2, -1100)", Pow(2, -1100), 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if math.Float64bits(tt.got) != math.Float64bits(tt.want) && !(math.IsNaN(tt.got) && math.IsNaN(tt.want)) {
				t.Errorf("got %v, want %v", tt.got, tt.want)
			}
		})
	}
	for _, x := range specials {
		s, c := Sincos(x)
		if ulps(s, Sin(x)) != 0 || ulps(c, Cos(x)) != 0 {
			t.Errorf("Sincos(%v) = %v, %v; Sin, Cos: %v, %v", x, s, c, Sin(x), Cos(x))
		}
	}
}

// TestGoldenBits checks that every build gives the bits of the amd64
// GOAMD64=v1 build: the hashes were computed there.
func TestGoldenBits(t *testing.T) {
	for _, u := range unaries {
		t.Run(u.name, func(t *testing.T) {
			r := rand.New(rand.NewPCG(1, 2))
			h := fnv.New64a()
			var b [8]byte
			for range hashN {
				putBits(b[:], u.f(u.gen(r)))
				h.Write(b[:])
			}
			if got := h.Sum64(); got != u.hash {
				t.Errorf("hash of %s's bits: %#x, want %#x", u.name, got, u.hash)
			}
		})
	}
	t.Run("Pow", func(t *testing.T) {
		const want uint64 = 0x14a5139ba7235a99
		r := rand.New(rand.NewPCG(1, 2))
		h := fnv.New64a()
		var b [8]byte
		for range hashN {
			putBits(b[:], Pow(powInput(r)))
			h.Write(b[:])
		}
		if got := h.Sum64(); got != want {
			t.Errorf("hash of Pow's bits: %#x, want %#x", got, want)
		}
	})
}

func putBits(b []byte, x float64) {
	u := math.Float64bits(x)
	for i := range 8 {
		b[i] = byte(u >> (8 * i))
	}
}

func ExampleSin() {
	fmt.Println(Sin(math.Pi/6), Cos(0), Exp(1), Log(math.E))
	// Output: 0.5 1 2.718281828459045 1
}

// TestNormFloat64 checks NormFloat64 against math/rand/v2's on the same
// stream: in lockstep (a different accept or reject would shift every
// later draw) and within asmULPs (its tail uses Log and Exp, on amd64 the
// math package's assembly), almost always bit for bit.
func TestNormFloat64(t *testing.T) {
	const (
		n        = 1000000
		minExact = 0.999 // fraction of draws with the same bits
	)
	a, b := rand.New(rand.NewPCG(5, 6)), rand.New(rand.NewPCG(5, 6))
	exact := 0
	for i := range n {
		got, want := NormFloat64(a), b.NormFloat64()
		if d := ulps(got, want); d < 0 || d > asmULPs {
			t.Fatalf("draw %d: %v, rand: %v", i, got, want)
		}
		if got == want {
			exact++
		}
	}
	if a.Uint64() != b.Uint64() {
		t.Fatal("the streams are no longer in lockstep")
	}
	if f := float64(exact) / n; f < minExact {
		t.Errorf("%.5f of draws have rand's bits, want at least %v", f, minExact)
	}
}

func TestNormFloat64GoldenBits(t *testing.T) {
	const want uint64 = 0xb69e2abe69275ec6
	r := rand.New(rand.NewPCG(1, 2))
	h := fnv.New64a()
	var b [8]byte
	for range hashN {
		putBits(b[:], NormFloat64(r))
		h.Write(b[:])
	}
	if got := h.Sum64(); got != want {
		t.Errorf("hash of NormFloat64's bits: %#x, want %#x", got, want)
	}
}
