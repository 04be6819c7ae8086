package sweep

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/dynago/dynago/lib/format"
	"github.com/dynago/dynago/lib/format/metric"
	"github.com/dynago/dynago/lib/stats"
)

// Objective turns the metrics of a trial's runs into one number.
type Objective struct {
	// LastK > 0: each run scores the mean of its last LastK eval_return
	// values, and the trial the IQM of its runs' scores ("iqm-last:K").
	// LastK == 0: each run scores the mean eval_return over its whole
	// curve, and the trial the mean of its runs' scores ("auc").
	LastK int
}

// ParseObjective parses "iqm-last:K" (K >= 1) or "auc".
func ParseObjective(s string) (Objective, error) {
	if s == "auc" {
		return Objective{}, nil
	}
	k, ok := strings.CutPrefix(s, "iqm-last:")
	n, err := strconv.Atoi(k)
	if !ok || err != nil || n < 1 {
		return Objective{}, fmt.Errorf("%q: want iqm-last:K with K >= 1, or auc", s)
	}
	return Objective{LastK: n}, nil
}

func (o Objective) String() string {
	if o.LastK == 0 {
		return "auc"
	}
	return fmt.Sprintf("iqm-last:%d", o.LastK)
}

// Score reads one run's metrics file and returns its score.
func (o Objective) Score(metricsPath string) (float64, error) {
	m, err := format.ReadMetrics(metricsPath)
	if err != nil {
		return 0, err
	}
	return o.score(m)
}

func (o Objective) score(m *format.Metrics) (float64, error) {
	var rows []format.MetricRow
	for _, r := range m.Rows {
		if r.Metric == metric.EvalReturn {
			rows = append(rows, r)
		}
	}
	if len(rows) == 0 {
		return 0, fmt.Errorf("no eval_return rows")
	}
	sort.SliceStable(rows, func(i, j int) bool { return rows[i].RealSteps < rows[j].RealSteps })
	if o.LastK > 0 {
		rows = rows[max(0, len(rows)-o.LastK):]
	}
	var s float64
	for _, r := range rows {
		s += r.Value
	}
	v := s / float64(len(rows))
	if math.IsNaN(v) {
		return 0, fmt.Errorf("%s is NaN", metric.EvalReturn)
	}
	return v, nil
}

// Aggregate combines the scores of a trial's runs (one per seed).
func (o Objective) Aggregate(scores []float64) float64 {
	if o.LastK > 0 {
		return stats.IQM([][]float64{append([]float64(nil), scores...)})
	}
	var s float64
	for _, v := range scores {
		s += v
	}
	return s / float64(len(scores))
}
