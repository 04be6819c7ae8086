// Package detmath holds the transcendental functions that lib code uses
// in computations reaching its outputs (environment physics, policy heads,
// losses, planners, fits, samplers): Exp, Expm1, Log, Log1p, Pow, Sin, Cos,
// Sincos and Tanh, and NormFloat64, the standard normal draw. They give
// the same bits on every build (amd64 with or without FMA, purego, arm64),
// which the math and math/rand/v2 packages do not promise.
//
// Why: the math package computes Exp and Log in assembly on amd64 and
// arm64 but in Go elsewhere, and the assembly's results differ from the Go
// algorithm's in the last bit for many inputs; and in its Go code
// (Sin, Cos, Tanh, Log1p, Expm1, Pow, and Exp and Log where there is no
// assembly) the compiler may fuse x*y + z into one multiply-add, which it
// does on amd64 with GOAMD64=v3 and always on arm64, changing the last bits
// again. One seed and one input would then give different trajectories
// and training runs on different machines.
//
// The functions here are the math package's Go code (from Go's
// src/math: exp.go, expm1.go, log.go, log1p.go, pow.go, sin.go,
// sincos.go, tanh.go, trig_reduce.go; normal.go from src/math/rand/v2),
// with one change, the rule of this
// package: every product whose result feeds an addition or a subtraction
// (in the same expression or through a variable) is written float64(x*y).
// The Go specification says an explicit conversion rounds to the type's
// precision and so prevents fusing that product into the addition; every
// operation is then one IEEE 754 operation, rounded, on every build.
// Without fusion the results are bit-for-bit those of the math package's
// Go code on amd64 with GOAMD64=v1; they are within 1 ulp of the math
// package's results everywhere, and the special cases (NaN, ±Inf, ±0,
// overflow and underflow) are the math package's, listed on each function.
// The helpers these functions call from math (Abs, Frexp, Ldexp, Modf,
// Sqrt, Float64bits and the like) are exact on every build.
//
// Pow is here for non-integer exponents. math.Pow with an integer
// exponent (Go's src/math/pow.go) calls neither Exp nor Log: it computes
// x**y by repeated squaring with Frexp, products and Ldexp, which give the
// same bits on every build. Its one product that feeds an addition is a
// square x1*x1 in [1/4, 1/2) doubled as x1 += x1; arm64 fuses it, but
// adding the rounded square to the exact one and rounding gives the
// doubled rounded square (the error is at most a quarter of the result's
// ulp), so math.Pow(x, n) for integer n is safe to use as it is.
//
// NormFloat64(r) is r.NormFloat64 (math/rand/v2's ziggurat, normal.go)
// under the same rule, with this package's Log and Exp: it takes the same
// values from r and returns the same bits for all but a few tail draws,
// where r.NormFloat64's fused products and the math package's assembly
// make it differ between builds.
//
// The rest of the math package (Sqrt, Abs, Floor, Mod, Max and so on) is
// exact or correctly rounded on every build, and lib code uses it
// directly. lib/nn keeps its own tanh, which matches its assembly kernel.
//
// License: the ported files are Go's, under the BSD-style license in
// LICENSE-GO (the "LICENSE file" their headers name), with the notices of
// the FreeBSD (Sun Microsystems) and Cephes (Stephen L. Moshier) code they
// came from kept in place.
package detmath
