package nn

import (
	"fmt"
	"math"
	"syscall"
	"testing"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
)

var benchNets = []struct {
	name  string
	sizes []int
	act   Activation
}{
	{"64-64tanh", []int{4, 64, 64, 2}, Tanh},
	{"128relu", []int{6, 128, 5}, ReLU},
}

func benchSetup(sizes []int, act Activation, batch int) (*MLP, []float64, []float64) {
	rng := newRNG(20)
	m := NewMLP(sizes, act)
	m.InitOrthogonal(rng, math.Sqrt2, 1)
	return m, randVec(rng, batch*m.In(), 1), randVec(rng, batch*m.Out(), 1)
}

// cpuTimer reports CPU nanoseconds per operation ("cpu-ns/op") next to
// wall time: on a shared machine wall time overstates what one core
// spends.
type cpuTimer float64

func startCPU() cpuTimer { return cpuTimer(cpuSeconds()) }

func (c cpuTimer) report(b *testing.B) {
	b.ReportMetric((cpuSeconds()-float64(c))*1e9/float64(b.N), "cpu-ns/op")
}

// cpuSeconds returns the user+system CPU time of the process.
func cpuSeconds() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return math.NaN()
	}
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}

func BenchmarkForward(b *testing.B) {
	for _, n := range benchNets {
		for _, batch := range []int{1, 64, 256} {
			b.Run(fmt.Sprintf("%s/b%d", n.name, batch), func(b *testing.B) {
				m, x, _ := benchSetup(n.sizes, n.act, batch)
				m.Forward(x, batch) // buffers are allocated on the first call
				b.ReportAllocs()
				c := startCPU()
				for b.Loop() {
					m.Forward(x, batch)
				}
				c.report(b)
			})
		}
	}
}

func BenchmarkForwardBackward(b *testing.B) {
	for _, n := range benchNets {
		for _, batch := range []int{1, 64, 256} {
			b.Run(fmt.Sprintf("%s/b%d", n.name, batch), func(b *testing.B) {
				m, x, dout := benchSetup(n.sizes, n.act, batch)
				m.Forward(x, batch) // buffers are allocated on the first call
				m.Backward(dout)
				b.ReportAllocs()
				c := startCPU()
				for b.Loop() {
					m.Forward(x, batch)
					m.Backward(dout)
				}
				c.report(b)
			})
		}
	}
}

// BenchmarkDenseKernel compares gemmNT with blas64.Gemm (gonum's pure-Go
// Dgemm, over blocks of 64 rows so that it stays serial) for y = x Wᵀ at
// the layer shapes we use; it is the measurement behind the choice of
// kernel.
func BenchmarkDenseKernel(b *testing.B) {
	shapes := []struct{ batch, in, out int }{
		{1, 4, 64}, {1, 64, 64}, {64, 4, 64}, {64, 64, 64}, {256, 64, 64}, {256, 6, 128}, {256, 128, 5},
	}
	for _, s := range shapes {
		rng := newRNG(21)
		x := randVec(rng, s.batch*s.in, 1)
		w := randVec(rng, s.out*s.in, 1)
		y := make([]float64, s.batch*s.out)
		name := fmt.Sprintf("%dx%dx%d", s.batch, s.in, s.out)
		b.Run("gemmNT/"+name, func(b *testing.B) {
			b.ReportAllocs()
			c := startCPU()
			for b.Loop() {
				gemmNT(y, x, w, s.batch, s.out, s.in, false)
			}
			c.report(b)
		})
		b.Run("gemm64/"+name, func(b *testing.B) {
			b.ReportAllocs()
			c := startCPU()
			for b.Loop() {
				for r := 0; r < s.batch; r += 64 {
					n := min(64, s.batch-r)
					xm := blas64.General{Rows: n, Cols: s.in, Stride: s.in, Data: x[r*s.in:]}
					wm := blas64.General{Rows: s.out, Cols: s.in, Stride: s.in, Data: w}
					ym := blas64.General{Rows: n, Cols: s.out, Stride: s.out, Data: y[r*s.out:]}
					blas64.Gemm(blas.NoTrans, blas.Trans, 1, xm, wm, 0, ym)
				}
			}
			c.report(b)
		})
	}
}
