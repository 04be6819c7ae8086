package analysistest

import (
	"fmt"
	"math"
	"os"
	"path/filepath"

	"github.com/dynago/dynago/lib/detmath"
	"github.com/dynago/dynago/lib/format"
)

// Run describes one synthetic run. Its eval_return at each evaluation
// (every Every real steps from 0 to Steps) is Return(step, seed). Dyna
// runs (Model) also get model metrics at every evaluation after 0:
// model_mse_delta = MSE(step) and model_ek[k] = MSE(step) × Growth(step)^(k-1)
// for k = 1..20.
type Run struct {
	Variant      string
	Seed         int64
	Steps, Every int64
	Return       func(step float64, seed int64) float64
	Model        bool
	MSE          func(step float64) float64
	Growth       func(step float64) float64
	Env          string // the run's ENV; "" is CartPole-v1
	Algo         string // the run's ALGO; "" is ppo, or dyna with Model
}

// Ramp returns the curve of a learner that gains 500 return in 10,000 real
// steps, capped at 500, shift steps ahead of schedule, minus penalty at
// evaluations in (0, penaltyUntil]; every seed is offset by a few points
// (the same for every variant), and step 0 is the untrained policy's 20.
func Ramp(shift, penalty, penaltyUntil float64) func(float64, int64) float64 {
	return func(s float64, seed int64) float64 {
		if s == 0 {
			return 20
		}
		v := 500*(s+shift)/10000 + float64(seed%5) - 2
		if s <= penaltyUntil {
			v -= penalty
		}
		return math.Min(math.Max(v, 0), 500)
	}
}

// DefaultMSE falls from 0.1 to about 0.001 over training.
func DefaultMSE(s float64) float64 { return float64(0.1*detmath.Exp(-s/3000)) + 0.001 }

// DefaultGrowth is 1.3 until 5,000 steps and 1.1 after.
func DefaultGrowth(s float64) float64 {
	if s <= 5000 {
		return 1.3
	}
	return 1.1
}

// Write writes dir/metrics.arrow for r, with its run_settings.
func Write(dir string, r Run) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	name := filepath.Base(dir)
	row := func(step int64, metric string, index int64, v float64) format.MetricRow {
		return format.MetricRow{Run: name, Variant: r.Variant, Seed: r.Seed, RealSteps: step, Metric: metric, Index: index, Value: v}
	}
	rows := &Rows{Run: name, Variant: r.Variant, Seed: r.Seed}
	for s := int64(0); s <= r.Steps; s += r.Every {
		rows.Rows = append(rows.Rows, row(s, "eval_return", format.NoIndex, r.Return(float64(s), r.Seed)))
		if s == 0 {
			continue
		}
		rows.Rows = append(rows.Rows, row(s, "policy_loss", format.NoIndex, 0.1))
		if !r.Model {
			continue
		}
		mse := r.MSE(float64(s))
		rows.Rows = append(rows.Rows, row(s, "model_mse_delta", format.NoIndex, mse*(1+float64(0.01*float64(r.Seed%3)))))
		g := r.Growth(float64(s))
		for k := int64(1); k <= 20; k++ {
			rows.Rows = append(rows.Rows, row(s, "model_ek", k, mse*math.Pow(g, float64(k-1))))
		}
	}
	settings := map[string]string{"ALGO": "ppo", "MODEL": "off", "PRESET": "course", "ENV": "CartPole-v1",
		"SEED": fmt.Sprint(r.Seed), "STEPS": fmt.Sprint(r.Steps), "EVAL_EVERY": fmt.Sprint(r.Every)}
	if r.Model {
		settings["ALGO"], settings["MODEL"] = "dyna", "on"
	}
	if r.Env != "" {
		settings["ENV"] = r.Env
	}
	if r.Algo != "" {
		settings["ALGO"] = r.Algo
	}
	return WriteRows(dir, rows, settings)
}

// WriteLevel1 writes seeds runs each of variants "ppo" (Ramp(0, 0, 0))
// and "dyna" (dyna's curve, with model metrics) as dir/ppo-s<seed> and
// dir/dyna-s<seed>, 15,000 real steps evaluated every 1,000.
func WriteLevel1(dir string, seeds int, dyna func(float64, int64) float64) error {
	for seed := range int64(seeds) {
		runs := []Run{
			{Variant: "ppo", Seed: seed, Steps: 15000, Every: 1000, Return: Ramp(0, 0, 0)},
			{Variant: "dyna", Seed: seed, Steps: 15000, Every: 1000, Return: dyna, Model: true, MSE: DefaultMSE, Growth: DefaultGrowth},
		}
		for _, r := range runs {
			if err := Write(filepath.Join(dir, fmt.Sprintf("%s-s%d", r.Variant, seed)), r); err != nil {
				return err
			}
		}
	}
	return nil
}
