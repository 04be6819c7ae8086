package analysis

import (
	"fmt"
	"hash/fnv"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/dynago/dynago/lib/stats"
)

// Bootstrap is the random seed and settings of every interval estimate.
type Bootstrap struct {
	Seed       uint64
	Reps       int     // 0 means stats.DefaultReps
	Confidence float64 // 0 means stats.DefaultConfidence
}

// Options returns the stats options.
func (b Bootstrap) Options() stats.BootstrapOptions {
	return stats.BootstrapOptions{Reps: b.Reps, Confidence: b.Confidence}
}

// Rand returns the generator of the estimate called label: seeded from the
// seed and the label, so each estimate's interval depends only on its own
// data.
func (b Bootstrap) Rand(label string) *rand.Rand {
	h := fnv.New64a()
	h.Write([]byte(label))
	return rand.New(rand.NewPCG(b.Seed, h.Sum64()))
}

// Describe says how intervals were computed, for a table note.
func (b Bootstrap) Describe() string {
	reps, conf := b.Reps, b.Confidence
	if reps == 0 {
		reps = stats.DefaultReps
	}
	if conf == 0 {
		conf = stats.DefaultConfidence
	}
	return fmt.Sprintf("Intervals: %s%% percentile bootstrap, %d resamples, seed %d.", Num(100*conf), reps, b.Seed)
}

// Level returns the interval coverage as a percentage ("95%").
func (b Bootstrap) Level() string {
	if b.Confidence == 0 {
		return Pct(stats.DefaultConfidence)
	}
	return Pct(b.Confidence)
}

// MeanDifference returns mean(a) - mean(b) with a percentile bootstrap
// interval from resampling a's and b's values independently (each value
// is one run's).
func MeanDifference(rnd *rand.Rand, a, b []float64, opt stats.BootstrapOptions) stats.Interval {
	if len(a) == 0 || len(b) == 0 {
		panic("analysis: mean difference of an empty sample")
	}
	reps, conf := opt.Reps, opt.Confidence
	if reps == 0 {
		reps = stats.DefaultReps
	}
	if conf == 0 {
		conf = stats.DefaultConfidence
	}
	d := make([]float64, reps)
	for k := range d {
		d[k] = resampledMean(rnd, a) - resampledMean(rnd, b)
	}
	return percentileInterval(mean(a)-mean(b), d, conf)
}

// BootstrapRuns returns f of the runs' values with a percentile interval
// from resampling runs with replacement: values[i] is run i's.
func BootstrapRuns[T any](rnd *rand.Rand, values []T, f func([]T) float64, opt stats.BootstrapOptions) stats.Interval {
	reps, conf := opt.Reps, opt.Confidence
	if reps == 0 {
		reps = stats.DefaultReps
	}
	if conf == 0 {
		conf = stats.DefaultConfidence
	}
	d := make([]float64, 0, reps)
	buf := make([]T, len(values))
	for range reps {
		for i := range buf {
			buf[i] = values[rnd.IntN(len(values))]
		}
		if v := f(buf); !math.IsNaN(v) {
			d = append(d, v)
		}
	}
	return percentileInterval(f(values), d, conf)
}

func resampledMean(rnd *rand.Rand, v []float64) float64 {
	var s float64
	for range v {
		s += v[rnd.IntN(len(v))]
	}
	return s / float64(len(v))
}

func mean(v []float64) float64 {
	var s float64
	for _, x := range v {
		s += x
	}
	return s / float64(len(v))
}

// percentileInterval returns point with the (1-conf)/2 and (1+conf)/2
// percentiles of d (linear interpolation, as numpy); d is sorted in place.
func percentileInterval(point float64, d []float64, conf float64) stats.Interval {
	if len(d) == 0 {
		return stats.Interval{Point: point, Lo: math.NaN(), Hi: math.NaN()}
	}
	slices.Sort(d)
	q := func(p float64) float64 {
		pos := p * float64(len(d)-1)
		i := int(math.Floor(pos))
		if i >= len(d)-1 {
			return d[len(d)-1]
		}
		return d[i] + (pos-float64(i))*(d[i+1]-d[i])
	}
	a := (1 - conf) / 2
	return stats.Interval{Point: point, Lo: q(a), Hi: q(1 - a)}
}
