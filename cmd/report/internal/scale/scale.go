package scale

import (
	"fmt"

	"github.com/dynago/dynago/lib/analysis"
	"github.com/dynago/dynago/lib/env"
	"github.com/dynago/dynago/lib/format"
	"github.com/dynago/dynago/lib/format/metric"
	"github.com/dynago/dynago/lib/markdown"
)

// Scale is an environment's return scale.
type Scale struct {
	Env         string // the runs' ENV; "" when they record none or differ
	Worst, Best float64
	FromData    bool // Worst and Best are the runs' extreme returns
	Solved      float64
	HasSolved   bool // the environment declares a solved return
}

// Of returns the scale of the runs' environment (their shared ENV setting).
func Of(runs []*analysis.Run) Scale {
	s := Scale{Env: analysis.EnvOf(runs, "")}
	s.Solved, s.HasSolved = env.ReturnThresholdOf(s.Env)
	if lo, hi, ok := env.ReturnBoundsOf(s.Env); ok {
		s.Worst, s.Best = lo, hi
		return s
	}
	s.FromData = true
	first := true
	for _, r := range runs {
		_, vs := r.Series(metric.EvalReturn, format.NoIndex)
		for _, v := range vs {
			if first || v < s.Worst {
				s.Worst = v
			}
			if first || v > s.Best {
				s.Best = v
			}
			first = false
		}
	}
	return s
}

// Fraction returns the return a fraction f of the way from the worst
// return to ref: worst + f × (ref − worst), i.e. f × ref's normalised
// score. With a worst return of 0 it is f × ref.
func (s Scale) Fraction(f, ref float64) float64 { return s.Worst + float64(f*(ref-s.Worst)) }

// Formula writes Fraction's arithmetic: "-3254.7 + 0.800 × (-200 + 3254.7)".
func (s Scale) Formula(f, ref float64) string {
	minus := "− " + markdown.Num(s.Worst)
	if s.Worst < 0 {
		minus = "+ " + markdown.Num(-s.Worst)
	}
	return fmt.Sprintf("%s + %s × (%s %s)", markdown.Num(s.Worst), markdown.Num(f), markdown.Num(ref), minus)
}

// Bounds says where the bounds come from, for a sentence: "with
// Pendulum-v1's return bounds [-3254.7, 0]".
func (s Scale) Bounds() string {
	if s.FromData {
		return fmt.Sprintf("with the runs' smallest and largest evaluation returns, %s and %s, as bounds (the environment declares none)", markdown.Num(s.Worst), markdown.Num(s.Best))
	}
	return fmt.Sprintf("with %s's return bounds [%s, %s]", s.Env, markdown.Num(s.Worst), markdown.Num(s.Best))
}

// Explain is a sentence on what "fraction of a return" means in a report.
func (s Scale) Explain(f float64) string {
	return fmt.Sprintf("%s of a return means %s of its normalised score s = (return − worst) / (best − worst), %s: the return %s of the way from the worst return to it. "+
		"Where the worst return is 0 this is %s of the return itself; for negative returns a plain %s × return would lie above the return it is a fraction of.",
		markdown.Pct(f), markdown.Pct(f), s.Bounds(), markdown.Pct(f), markdown.Pct(f), markdown.Num(f))
}
