package modeleval

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/dynago/dynago/lib/env"
	"github.com/dynago/dynago/lib/format"
	"github.com/dynago/dynago/lib/format/metric"
)

// Range is the closed interval [Lo, Hi] of one state dimension that a
// histogram's bins divide evenly.
type Range struct{ Lo, Hi float64 }

// Set is a labelled set of transitions whose states (the obs column) are
// histogrammed.
type Set struct {
	Label string // letters and digits only, so metric names parse
	T     *format.Transitions
}

// ValidLabel reports whether s can label a Set: one or more ASCII letters
// and digits.
func ValidLabel(s string) bool {
	for _, c := range s {
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9') {
			return false
		}
	}
	return s != ""
}

// EnvRanges returns the fixed histogram ranges of envID's observation
// dimensions, as the Go environment declares them (env.ObsDims).
func EnvRanges(envID string) ([]Range, error) {
	e, ok := env.Builtin(envID)
	if !ok {
		return nil, fmt.Errorf("%s: not a Go environment, no fixed histogram ranges", envID)
	}
	dims := env.ObsDims(e)
	rs := make([]Range, len(dims))
	for j, d := range dims {
		if math.IsInf(d.Lo, 0) || math.IsInf(d.Hi, 0) {
			return nil, fmt.Errorf("%s: observation dimension %d is unbounded and has no fixed histogram range", envID, j)
		}
		rs[j] = Range{d.Lo, d.Hi}
	}
	return rs, nil
}

// DataRanges returns histogram ranges from the data, for environments that
// declare none (bridged Gymnasium ones): per dimension, the smallest and
// largest state over all the sets (pooled, so that every set is binned
// alike), widened by 1 on each side when they are equal. Every set must
// have dims dimensions; non-finite values are skipped.
func DataRanges(sets []Set, dims int) []Range {
	rs := make([]Range, dims)
	for j := range rs {
		lo, hi := math.Inf(1), math.Inf(-1)
		for _, set := range sets {
			for i := j; i < len(set.T.Obs); i += dims {
				if v := set.T.Obs[i]; !math.IsInf(v, 0) && !math.IsNaN(v) {
					lo, hi = min(lo, v), max(hi, v)
				}
			}
		}
		switch {
		case lo > hi: // no finite value
			lo, hi = -1, 1
		case lo == hi:
			lo, hi = lo-1, hi+1
		}
		rs[j] = Range{lo, hi}
	}
	return rs
}

// ParseRanges parses "LO:HI,LO:HI,..." (one range per dimension), e.g.
// "-4.8:4.8,-3:3,-0.42:0.42,-3.5:3.5".
func ParseRanges(s string) ([]Range, error) {
	var rs []Range
	for j, f := range strings.Split(s, ",") {
		lo, hi, ok := strings.Cut(f, ":")
		a, err1 := strconv.ParseFloat(strings.TrimSpace(lo), 64)
		b, err2 := strconv.ParseFloat(strings.TrimSpace(hi), 64)
		if !ok || err1 != nil || err2 != nil {
			return nil, fmt.Errorf("range %d %q: want LO:HI", j, f)
		}
		if !(a < b) || math.IsInf(a, 0) || math.IsInf(b, 0) {
			return nil, fmt.Errorf("range %d %q: want finite LO < HI", j, f)
		}
		rs = append(rs, Range{a, b})
	}
	return rs, nil
}

// Edges returns the bins+1 edges of r's bins, (Lo·(bins-b) + Hi·b)/bins
// for b = 0..bins (so -3:3 in 10 bins gives -3, -2.4, ..., 3 without
// rounding noise).
func Edges(r Range, bins int) []float64 {
	e := make([]float64, bins+1)
	for b := range e {
		e[b] = (float64(r.Lo*float64(bins-b)) + float64(r.Hi*float64(b))) / float64(bins)
	}
	return e
}

// bin returns the bin of x among bins even bins of r; values outside r go
// to the edge bins.
func bin(x float64, r Range, bins int) int {
	b := int(math.Floor((x - r.Lo) / (r.Hi - r.Lo) * float64(bins)))
	return min(max(b, 0), bins-1)
}

// Histograms returns, for each set, the fraction of its states in each of
// bins even bins per dimension (hist_<label>_d<dim>, index bin), and for
// each pair of sets a, b in the given order their total-variation
// distance 1/2 Σ|p - q| per dimension (hist_tv_<a>_<b>_dim, index dim)
// and its mean over dimensions (hist_tv_<a>_<b>). Every set must have
// len(ranges) dimensions and at least one row; labels must be valid and
// distinct. It panics if bins < 1.
func Histograms(sets []Set, ranges []Range, bins int) ([]format.MetricRow, error) {
	if bins < 1 {
		panic(fmt.Sprintf("modeleval: Histograms: bins %d < 1", bins))
	}
	d := len(ranges)
	seen := map[string]bool{}
	hist := make([][][]float64, len(sets)) // set, dim, bin
	var r rows
	for s, set := range sets {
		switch {
		case !ValidLabel(set.Label):
			return nil, fmt.Errorf("histogram label %q: want letters and digits only", set.Label)
		case seen[set.Label]:
			return nil, fmt.Errorf("histogram label %q given twice", set.Label)
		case set.T.ObsDim != d:
			return nil, fmt.Errorf("histogram %s: obs_dim %d, the ranges have %d", set.Label, set.T.ObsDim, d)
		case set.T.Len() == 0:
			return nil, fmt.Errorf("histogram %s: no transitions", set.Label)
		}
		seen[set.Label] = true
		n := set.T.Len()
		hist[s] = make([][]float64, d)
		for j := range d {
			h := make([]float64, bins)
			for i := range n {
				h[bin(set.T.Obs[i*d+j], ranges[j], bins)]++
			}
			for b := range h {
				h[b] /= float64(n)
				r.add(metric.Hist(set.Label, j), b, h[b])
			}
			hist[s][j] = h
		}
	}
	for a := range sets {
		for b := a + 1; b < len(sets); b++ {
			name, dimName := metric.HistTV(sets[a].Label, sets[b].Label), metric.HistTVDim(sets[a].Label, sets[b].Label)
			tvs := make([]float64, d)
			for j := range d {
				for k := range bins {
					tvs[j] += math.Abs(hist[a][j][k] - hist[b][j][k])
				}
				tvs[j] /= 2
			}
			r.add(name, format.NoIndex, mean(tvs))
			for j, tv := range tvs {
				r.add(dimName, j, tv)
			}
		}
	}
	return r, nil
}
