//go:build !amd64 || purego

package plan

func axpy(y []float64, a float64, x []float64) { axpyGo(y, a, x) }

func dot(x, y []float64) float64 { return dotGo(x, y) }
