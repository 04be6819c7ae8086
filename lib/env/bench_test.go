package env

import (
	"math/rand/v2"
	"testing"
)

// BenchmarkStep measures Step (with a Reset at each episode end) and
// reports steps per second.
func BenchmarkStep(b *testing.B) {
	for _, id := range IDs() {
		b.Run(id, func(b *testing.B) {
			e := mustMake(b, id)
			obs := make([]float64, e.ObservationSpace().Dim)
			rng := rand.New(rand.NewPCG(1, 2))
			e.Reset(rng, obs)
			discrete := e.ActionSpace().Discrete
			act := []float64{0}
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; b.Loop(); i++ {
				if discrete {
					act[0] = float64(i & 1)
				} else {
					act[0] = float64(i&1) - 0.5
				}
				r, err := e.Step(act, obs)
				if err != nil {
					b.Fatal(err)
				}
				if r.Terminated || r.Truncated {
					e.Reset(rng, obs)
				}
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "steps/s")
		})
	}
}
