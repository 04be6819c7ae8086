package markdown

import (
	"math"
	"strconv"

	"github.com/dynago/dynago/lib/stats"
)

// Num formats a number for a table or sentence: integers without a
// decimal point, large numbers with one decimal, small ones with three
// significant digits.
func Num(v float64) string {
	a := math.Abs(v)
	switch {
	case math.IsInf(v, 1):
		return "∞"
	case math.IsInf(v, -1):
		return "-∞"
	case math.IsNaN(v):
		return "NaN"
	case math.Abs(v-math.Round(v)) <= 1e-9*max(1, a) && a < 1e15:
		return strconv.FormatFloat(math.Round(v), 'f', 0, 64)
	case a >= 100:
		return strconv.FormatFloat(v, 'f', 1, 64)
	case a >= 0.1:
		return strconv.FormatFloat(v, 'f', 3, 64)
	}
	return strconv.FormatFloat(v, 'g', 3, 64)
}

// CI formats an interval as "[lo, hi]".
func CI(iv stats.Interval) string { return "[" + Num(iv.Lo) + ", " + Num(iv.Hi) + "]" }

// Pct formats a fraction as a percentage.
func Pct(f float64) string { return strconv.FormatFloat(100*f, 'f', 0, 64) + "%" }

// Steps formats a number of environment steps: rounded, with thousands
// separated by commas ("12,500").
func Steps(v float64) string {
	if math.IsInf(v, 0) || math.IsNaN(v) {
		return Num(v)
	}
	s := strconv.FormatFloat(math.Abs(math.Round(v)), 'f', 0, 64)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	if math.Round(v) < 0 {
		s = "-" + s
	}
	return s
}
