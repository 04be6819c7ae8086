package analysis

import (
	"fmt"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/dynago/dynago/lib/format"
	"github.com/dynago/dynago/lib/format/metric"
	"github.com/dynago/dynago/lib/markdown"
)

// VisitHistogram returns the run's state-visit histogram hist_<label>_d<j>
// (index = bin; evalmodel --hist LABEL=FILE) at real step step: h[j][b] is
// the fraction of states with dimension j in bin b. Dimensions are those
// with rows at that step, numbered from 0 without gaps.
func VisitHistogram(r *Run, label string, step int64) ([][]float64, error) {
	prefix := metric.HistPrefix(label)
	var h [][]float64
	for _, row := range r.Rows {
		rest, ok := strings.CutPrefix(row.Metric, prefix)
		if !ok || row.RealSteps != step || row.Index < 0 {
			continue
		}
		j, err := strconv.Atoi(rest)
		if err != nil || j < 0 {
			continue
		}
		for len(h) <= j {
			h = append(h, nil)
		}
		for len(h[j]) <= int(row.Index) {
			h[j] = append(h[j], 0)
		}
		h[j][row.Index] = row.Value
	}
	if len(h) == 0 {
		return nil, fmt.Errorf("run %s (variant %s, seed %d) has no %s* rows at %s real steps", r.Name, r.Variant, r.Seed, prefix, markdown.Num(float64(step)))
	}
	for j, d := range h {
		if len(d) == 0 {
			return nil, fmt.Errorf("run %s (variant %s, seed %d) has no %s%d rows at %s real steps", r.Name, r.Variant, r.Seed, prefix, j, markdown.Num(float64(step)))
		}
	}
	return h, nil
}

// VisitEdges returns the bin edges evalmodel recorded for its histograms
// (metadata hist_edges_d<j>), read from the first model-evaluation file
// iters/*/evalmodel-*.metrics.arrow in the run's directory, as
// the run loop (lib/runloop) leaves it: edges[j] has bins+1 values. It returns nil
// when there is no such file (the run's metrics do not carry them).
func VisitEdges(r *Run) ([][]float64, error) {
	files, err := filepath.Glob(filepath.Join(filepath.Dir(r.Path), "iters", "*", "evalmodel-*.metrics.arrow"))
	if err != nil || len(files) == 0 {
		return nil, err
	}
	m, err := format.ReadMetrics(files[0])
	if err != nil {
		return nil, err
	}
	var edges [][]float64
	for j := 0; ; j++ {
		s, ok := m.Meta[metric.HistEdgesKey(j)]
		if !ok {
			break
		}
		var e []float64
		for _, f := range strings.Split(s, ",") {
			v, err := strconv.ParseFloat(strings.TrimSpace(f), 64)
			if err != nil {
				return nil, fmt.Errorf("%s: metadata %s: %w", files[0], metric.HistEdgesKey(j), err)
			}
			e = append(e, v)
		}
		edges = append(edges, e)
	}
	return edges, nil
}
