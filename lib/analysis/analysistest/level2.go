package analysistest

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"

	"github.com/dynago/dynago/lib/format"
)

// Level-2 synthetic runs: 15,000 real steps evaluated every 1,000, model
// metrics with L2Bins-bin state-visit histograms of 4 dimensions.
const (
	L2Steps  = 15000
	L2Every  = 1000
	L2Bins   = 10
	L2Growth = 1.1 // E_k = E_1 L2Growth^(k-1)
)

// L2Variant is a synthetic Level-2 variant: returns rise linearly from 0
// to Final over L2Steps, plus a per-seed offset of -2..2, minus Penalty at
// evaluations in (0, 3000]. Runs with MSE > 0 (EVAL_MODEL=1) also have at
// every evaluation after 0: model_mse_delta = model_mse_old = MSE,
// model_mse_new = MSE (1 + (s - 1000)/5000), model_ek[k] = MSE
// L2Growth^(k-1), and hist_visits_d<j> with every state in bin
// L2VisitBin(s). Settings are the run's run_settings (SEED, STEPS and VARIANT added).
type L2Variant struct {
	Name     string
	Final    float64
	Penalty  float64
	MSE      float64
	Settings map[string]string
}

// L2VisitBin is the one bin every state falls in at step s, in every
// dimension: 3 until 5,000 steps, then one more per 5,000.
func L2VisitBin(s int64) int64 { return 3 + s/5000 }

// L2Dyna returns the course's Dyna-PPO settings with the given NAME,
// value pairs changed.
func L2Dyna(kv ...string) map[string]string {
	s := map[string]string{"ALGO": "dyna", "ENV": "CartPole-v1", "HORIZON": "5", "MODEL_UPDATES": "3", "IMAG_BATCHES": "10", "BUFFER_SIZE": "10000", "EVAL_MODEL": "1"}
	for i := 0; i+1 < len(kv); i += 2 {
		s[kv[i]] = kv[i+1]
	}
	return s
}

// L2Variants are the runs of every Level-2 experiment with known answers:
// horizon 5 best; the aggressive budget the most sample-efficient; buffer
// 50,000 worse than 10,000; Dyna-PPO behind PPO up to 3,000 steps and
// ahead after; the model's error on new states rising to 3.8 times that
// on old states; noise σ = 0.03 the first to degrade and σ = 0.3 the first
// below PPO.
var L2Variants = []L2Variant{
	{"ppo", 350, 0, 0, map[string]string{"ALGO": "ppo", "ENV": "CartPole-v1"}},
	{"dyna", 450, 60, 0.002, L2Dyna()},
	{"dyna-h1", 300, 0, 0.002, L2Dyna("HORIZON", "1")},
	{"dyna-h3", 400, 0, 0.002, L2Dyna("HORIZON", "3")},
	{"dyna-h10", 350, 0, 0.002, L2Dyna("HORIZON", "10")},
	{"dyna-h20", 200, 0, 0.002, L2Dyna("HORIZON", "20")},
	{"dyna-budget-conservative", 300, 0, 0, L2Dyna("MODEL_UPDATES", "1", "IMAG_BATCHES", "5", "EVAL_MODEL", "0")},
	{"dyna-budget-aggressive", 480, 0, 0, L2Dyna("MODEL_UPDATES", "5", "IMAG_BATCHES", "20", "EVAL_MODEL", "0")},
	{"dyna-buf1000", 300, 0, 0.01, L2Dyna("BUFFER_SIZE", "1000")},
	{"dyna-buf5000", 440, 0, 0.002, L2Dyna("BUFFER_SIZE", "5000")},
	{"dyna-buf50000", 350, 0, 0.004, L2Dyna("BUFFER_SIZE", "50000")},
	{"dyna-noise0.01", 450, 0, 0, L2Dyna("NOISE_SIGMA", "0.01", "EVAL_MODEL", "0")},
	{"dyna-noise0.03", 440, 0, 0, L2Dyna("NOISE_SIGMA", "0.03", "EVAL_MODEL", "0")},
	{"dyna-noise0.1", 400, 0, 0, L2Dyna("NOISE_SIGMA", "0.1", "EVAL_MODEL", "0")},
	{"dyna-noise0.3", 250, 0, 0, L2Dyna("NOISE_SIGMA", "0.3", "EVAL_MODEL", "0")},
	{"dyna-noise1", 50, 0, 0, L2Dyna("NOISE_SIGMA", "1", "EVAL_MODEL", "0")},
}

// WriteLevel2 writes seeds runs of each variant as dir/<name>-s<seed>, as
// pipelines/level2.mk leaves them, and for runs with model metrics the
// histograms' bin edges (-1 to 1) in the metadata of a model-evaluation
// file iters/00001/evalmodel-1000.metrics.arrow, as evalmodel records them.
func WriteLevel2(dir string, seeds int, variants []L2Variant) error {
	edges := format.Meta{}
	for j := range 4 {
		e := make([]string, L2Bins+1)
		for b := range e {
			e[b] = fmt.Sprint(float64(b)/L2Bins*2 - 1)
		}
		edges[fmt.Sprintf("hist_edges_d%d", j)] = strings.Join(e, ",")
	}
	for _, v := range variants {
		for seed := range int64(seeds) {
			name := fmt.Sprintf("%s-s%d", v.Name, seed)
			rows := &Rows{Run: name, Variant: v.Name, Seed: seed}
			for s := int64(0); s <= L2Steps; s += L2Every {
				ret := v.Final*float64(s)/L2Steps + float64(seed%5) - 2
				if s > 0 && s <= 3000 {
					ret -= v.Penalty
				}
				rows.Add(s, "eval_return", format.NoIndex, ret)
				if s == 0 || v.MSE == 0 {
					continue
				}
				rows.Add(s, "model_mse_delta", format.NoIndex, v.MSE)
				for k := int64(1); k <= 20; k++ {
					rows.Add(s, "model_ek", k, v.MSE*math.Pow(L2Growth, float64(k-1)))
				}
				rows.Add(s, "model_mse_old", format.NoIndex, v.MSE)
				rows.Add(s, "model_mse_new", format.NoIndex, v.MSE*(1+float64(s-L2Every)/5000))
				for j := range 4 {
					for b := range int64(L2Bins) {
						f := 0.0
						if b == L2VisitBin(s) {
							f = 1
						}
						rows.Add(s, fmt.Sprintf("hist_visits_d%d", j), b, f)
					}
				}
			}
			settings := map[string]string{"SEED": fmt.Sprint(seed), "STEPS": fmt.Sprint(L2Steps)}
			for k, x := range v.Settings {
				settings[k] = x
			}
			if err := WriteRows(filepath.Join(dir, name), rows, settings); err != nil {
				return err
			}
			if v.MSE == 0 {
				continue
			}
			it := filepath.Join(dir, name, "iters", "00001")
			if err := os.MkdirAll(it, 0o755); err != nil {
				return err
			}
			m := &format.Metrics{Meta: edges, Rows: []format.MetricRow{{Metric: "model_mse_delta", Index: format.NoIndex, RealSteps: L2Every, Value: v.MSE}}}
			if err := format.WriteMetrics(filepath.Join(it, "evalmodel-1000.metrics.arrow"), m); err != nil {
				return err
			}
		}
	}
	return nil
}
