package analysistest

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/dynago/dynago/lib/format"
)

// Rows collects the metrics rows of one synthetic run, tagged with its
// name (the directory's base name), variant and seed.
type Rows struct {
	Run, Variant string
	Seed         int64
	Rows         []format.MetricRow
}

// Add appends a row of metric at real step step (index format.NoIndex for
// none).
func (r *Rows) Add(step int64, metric string, index int64, v float64) {
	r.Rows = append(r.Rows, format.MetricRow{Run: r.Run, Variant: r.Variant, Seed: r.Seed,
		RealSteps: step, Metric: metric, Index: index, Value: v})
}

// WriteRows writes dir/metrics.arrow holding rows and dir/settings.mk
// holding settings ("NAME = value" lines, sorted by name), as a run of
// pipelines/run.sh leaves them; rows.Run should be dir's base name.
func WriteRows(dir string, rows *Rows, settings map[string]string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	m := &format.Metrics{Meta: format.Meta{"env": "CartPole-v1", "tool": "concat"}, Rows: rows.Rows}
	if err := format.WriteMetrics(filepath.Join(dir, "metrics.arrow"), m); err != nil {
		return err
	}
	keys := make([]string, 0, len(settings))
	for k := range settings {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var b strings.Builder
	for _, k := range keys {
		fmt.Fprintf(&b, "%s = %s\n", k, settings[k])
	}
	return os.WriteFile(filepath.Join(dir, "settings.mk"), []byte(b.String()), 0o644)
}
