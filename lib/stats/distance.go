package stats

import "math"

// TotalVariation returns 1/2 Σ|p - q| of two histograms over the same
// bins (a missing bin counts as 0).
func TotalVariation(p, q []float64) float64 {
	var s float64
	for b := range max(len(p), len(q)) {
		var x, y float64
		if b < len(p) {
			x = p[b]
		}
		if b < len(q) {
			y = q[b]
		}
		s += math.Abs(x - y)
	}
	return s / 2
}
