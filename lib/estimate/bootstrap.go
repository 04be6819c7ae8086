package estimate

import (
	"fmt"
	"hash/fnv"
	"math/rand/v2"

	"github.com/dynago/dynago/lib/markdown"
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
	o := b.Options().Resolved()
	return fmt.Sprintf("Intervals: %s%% percentile bootstrap, %d resamples, seed %d.", markdown.Num(100*o.Confidence), o.Reps, b.Seed)
}

// Level returns the interval coverage as a percentage ("95%").
func (b Bootstrap) Level() string {
	return markdown.Pct(b.Options().Resolved().Confidence)
}

// IQMInterval returns the IQM of values (one per run) with a percentile
// bootstrap interval from resampling runs, drawn from the generator of
// label.
func IQMInterval(b Bootstrap, label string, values []float64) stats.Interval {
	return stats.RunsInterval(b.Rand(label), values, stats.IQMOf, b.Options())
}

// MeanInterval returns the mean of values (one per run) with a percentile
// bootstrap interval from resampling runs, drawn from the generator of
// "mean/"+label.
func MeanInterval(b Bootstrap, label string, values []float64) stats.Interval {
	return stats.RunsInterval(b.Rand("mean/"+label), values, stats.MeanOf, b.Options())
}
