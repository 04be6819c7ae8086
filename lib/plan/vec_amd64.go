//go:build !purego

package plan

import "gonum.org/v1/gonum/floats"

// axpy and dot are gonum's SSE2 assembly, whose bits axpyGo and dotGo
// reproduce (TestVecMatchesGonum), and which is faster than they are.
func axpy(y []float64, a float64, x []float64) { floats.AddScaled(y, a, x) }

func dot(x, y []float64) float64 { return floats.Dot(x, y) }
