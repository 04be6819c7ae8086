package stats

import (
	"fmt"

	"github.com/dynago/dynago/lib/detmath"
)

// GrowthRate fits y_k ≈ y_1 g^(k-1) by least squares on log y_k and
// returns g: how fast, for example, a model's k-step error grows with k.
// It needs at least two distinct k and every y positive.
func GrowthRate(k, y []float64) (float64, error) {
	if len(k) != len(y) {
		panic(fmt.Sprintf("stats: growth rate: %d k values and %d y values", len(k), len(y)))
	}
	var sx, sy, sxx, sxy, n float64
	for i := range k {
		if !(y[i] > 0) {
			return 0, fmt.Errorf("growth rate: E_%g = %.3g is not positive", k[i], y[i])
		}
		x, ly := k[i], detmath.Log(y[i])
		// Products rounded before they are added: no fused multiply-add.
		sx, sy, sxx, sxy, n = sx+x, sy+ly, sxx+float64(x*x), sxy+float64(x*ly), n+1
	}
	d := float64(n*sxx) - float64(sx*sx)
	if n < 2 || d == 0 {
		return 0, fmt.Errorf("growth rate: need at least two distinct k, have %d", int(n))
	}
	return detmath.Exp((float64(n*sxy) - float64(sx*sy)) / d), nil
}
