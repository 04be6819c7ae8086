package analysistest

import (
	"fmt"
	"math"
	"path/filepath"
	"strconv"

	"github.com/dynago/dynago/lib/detmath"
	"github.com/dynago/dynago/lib/format"
)

// Level3 describes the synthetic Level-3 runs WriteLevel3 writes, every
// answer known in advance. Dyna-PPO runs run 15,000 real steps, evaluated
// every 1,000, with an imagination iteration every 250 steps simulating
// 100 imagined steps (10 rollouts) at a kept fraction of min(1, 5τ); MPC
// runs run 3,000 steps evaluated every 500.
type Level3 struct {
	Seeds int
	// Corr gives the ensemble variance-error correlation (Pearson and
	// Spearman alike) of each ensemble size M, and TopRatio the ratio of the
	// error in the highest variance bin to that in the lowest; sizes not in
	// Corr get no dyna-m<M> runs (except the gating M).
	Corr, TopRatio map[int]float64
	// Gate M's gated runs: each τ's return curve is Ramp(Shift[τ], 0, 0).
	GateM int
	Shift map[float64]float64
	// Stress writes dyna-m1-stress and dyna-m<GateM>-stress runs that
	// collapse after 6,000 steps and dyna-m<GateM>-gate<StressTau>-stress
	// runs that do not.
	Stress    bool
	StressTau float64
	// MPC writes mpc runs reaching 500 at 1,500 real steps (first above 475
	// there), with CEM settings of 100 × 10 × 3 and 5 members (15,000 rows
	// per step), recorded as plan_model_rows_per_step when RowsMetric.
	MPC, RowsMetric bool
}

// DynaShift is the head start of every ungated Dyna-PPO run over PPO's
// Ramp(0, 0, 0).
const DynaShift = 2000

// WriteLevel3 writes the runs of l under dir, one directory per run named
// <variant>-s<seed>, as pipelines/level3.mk does.
func WriteLevel3(dir string, l Level3) error {
	type spec struct {
		variant  string
		m        int
		tau      float64
		stress   bool
		ret      func(float64, int64) float64
		modelObs bool
	}
	var specs []spec
	specs = append(specs, spec{variant: "ppo", ret: Ramp(0, 0, 0)})
	for m := range l.Corr {
		if m != l.GateM {
			specs = append(specs, spec{variant: fmt.Sprintf("dyna-m%d", m), m: m, tau: math.Inf(1), ret: Ramp(DynaShift, 0, 0), modelObs: true})
		}
	}
	if l.GateM > 0 {
		_, obs := l.Corr[l.GateM]
		specs = append(specs, spec{variant: fmt.Sprintf("dyna-m%d", l.GateM), m: l.GateM, tau: math.Inf(1), ret: Ramp(DynaShift, 0, 0), modelObs: obs})
		for tau, sh := range l.Shift {
			specs = append(specs, spec{variant: fmt.Sprintf("dyna-m%d-gate%s", l.GateM, strconv.FormatFloat(tau, 'g', -1, 64)), m: l.GateM, tau: tau, ret: Ramp(sh, 0, 0)})
		}
	}
	if l.Stress {
		collapse := func(s float64, seed int64) float64 {
			if s > 6000 {
				return 30 + float64(seed%5)
			}
			return Ramp(DynaShift, 0, 0)(s, seed)
		}
		specs = append(specs,
			spec{variant: "dyna-m1-stress", m: 1, tau: math.Inf(1), stress: true, ret: collapse},
			spec{variant: fmt.Sprintf("dyna-m%d-stress", l.GateM), m: l.GateM, tau: math.Inf(1), stress: true, ret: collapse},
			spec{variant: fmt.Sprintf("dyna-m%d-gate%s-stress", l.GateM, strconv.FormatFloat(l.StressTau, 'g', -1, 64)), m: l.GateM, tau: l.StressTau, stress: true, ret: Ramp(DynaShift, 0, 0)})
	}
	for seed := range int64(l.Seeds) {
		for _, s := range specs {
			name := fmt.Sprintf("%s-s%d", s.variant, seed)
			rows := &Rows{Run: name, Variant: s.variant, Seed: seed}
			settings := map[string]string{"ALGO": "dyna", "PRESET": "course", "ENV": "CartPole-v1", "SEED": fmt.Sprint(seed), "STEPS": "15000", "EVAL_EVERY": "1000"}
			if s.variant == "ppo" {
				settings["ALGO"] = "ppo"
			} else {
				settings["MODEL_PRESET"] = "tuned"
				settings["ENSEMBLE"] = fmt.Sprint(s.m)
				settings["HORIZON"] = "5"
				if s.stress {
					settings["HORIZON"] = "20"
				}
				settings["GATE_VARIANCE"] = "inf" // as bin/run records an unlimited gate
				if !math.IsInf(s.tau, 1) {
					settings["GATE_VARIANCE"] = strconv.FormatFloat(s.tau, 'g', -1, 64)
				}
			}
			for st := int64(0); st <= 15000; st += 1000 {
				rows.Add(st, "eval_return", format.NoIndex, s.ret(float64(st), seed))
				if st > 0 && s.modelObs {
					addEnsembleObs(rows, st, seed, l.Corr[s.m], l.TopRatio[s.m])
				}
			}
			if s.variant != "ppo" {
				kept := 1.0
				if !math.IsInf(s.tau, 1) {
					kept = math.Min(1, 5*s.tau)
				}
				for st := int64(250); st <= 15000; st += 250 {
					rows.Add(st, "imagined_steps", format.NoIndex, math.Round(100*kept))
					rows.Add(st, "imagined_rollouts", format.NoIndex, 10)
					rows.Add(st, "imagined_kept_fraction", format.NoIndex, math.Round(100*kept)/100)
					rows.Add(st, "imagined_var_delta", format.NoIndex, 0.05*detmath.Exp(-float64(st)/5000)*float64(s.m)/5)
				}
			}
			if err := WriteRows(filepath.Join(dir, name), rows, settings); err != nil {
				return err
			}
		}
		if l.MPC {
			name := fmt.Sprintf("mpc-s%d", seed)
			rows := &Rows{Run: name, Variant: "mpc", Seed: seed}
			for st := int64(0); st <= 3000; st += 500 {
				v := 20.0
				if st > 0 {
					v = math.Min(500, 500*float64(st)/1500)
				}
				rows.Add(st, "eval_return", format.NoIndex, v)
				if l.RowsMetric && st > 0 {
					rows.Add(st, "plan_model_rows_per_step", format.NoIndex, 15000)
				}
			}
			settings := map[string]string{"ALGO": "mpc", "PRESET": "tuned", "ENV": "CartPole-v1", "SEED": fmt.Sprint(seed), "STEPS": "3000",
				"EVAL_EVERY": "500", "CEM_SAMPLES": "100", "CEM_HORIZON": "10", "CEM_ITERS": "3", "ENSEMBLE": "5"}
			if err := WriteRows(filepath.Join(dir, name), rows, settings); err != nil {
				return err
			}
		}
	}
	return nil
}

// addEnsembleObs adds evalmodel's ensemble-spread metrics at step: the
// correlations corr (plus 0.01 × (seed mod 3) − 0.01), and 10 variance
// bins whose error rises geometrically by topRatio from the lowest to the
// highest.
func addEnsembleObs(rows *Rows, step, seed int64, corr, topRatio float64) {
	c := corr + float64(0.01*float64(seed%3)) - 0.01
	rows.Add(step, "model_var_err_corr", format.NoIndex, c)
	rows.Add(step, "model_var_err_spearman", format.NoIndex, c)
	v0 := 0.1 * detmath.Exp(-float64(step)/5000)
	rows.Add(step, "model_var_mean", format.NoIndex, 3*v0)
	for b := int64(0); b < 10; b++ {
		rows.Add(step, "model_var_bin_var", b, v0*math.Pow(1.5, float64(b)))
		rows.Add(step, "model_var_bin_err", b, 0.01*detmath.Pow(topRatio, float64(b)/9))
		rows.Add(step, "model_var_bin_count", b, 50)
	}
}
