package analysistest

import (
	"encoding/json"
	"maps"
	"os"
	"path/filepath"

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

// WriteRows writes dir/metrics.arrow holding rows, with settings (VARIANT
// added) as its run_settings metadata and settings' ENV (default
// CartPole-v1) as its env, as bin/run leaves a run; rows.Run should be
// dir's base name.
func WriteRows(dir string, rows *Rows, settings map[string]string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	s := maps.Clone(settings)
	if s == nil {
		s = map[string]string{}
	}
	s["VARIANT"] = rows.Variant
	js, err := json.Marshal(s) // keys sorted
	if err != nil {
		return err
	}
	env := s["ENV"]
	if env == "" {
		env = "CartPole-v1"
	}
	m := &format.Metrics{Meta: format.Meta{"env": env, "tool": "concat", format.RunSettingsKey: string(js)}, Rows: rows.Rows}
	return format.WriteMetrics(filepath.Join(dir, "metrics.arrow"), m)
}
