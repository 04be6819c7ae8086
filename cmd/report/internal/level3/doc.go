// Package level3 composes the Level-3 report: ensembles of dynamics
// models and their epistemic uncertainty, uncertainty-gated imagination,
// and ensemble CEM MPC against Dyna-PPO. Every number comes from the runs
// through lib/analysis and lib/estimate; nothing is written by hand.
//
// A run's role and settings come from its run_settings metadata
// (analysis.Settings), never from its variant's name: ALGO ppo is PPO,
// ALGO mpc the CEM MPC (the variant "mpc" when there are several), ALGO
// dyna Dyna-PPO with an ensemble of ENSEMBLE members gated at
// var_delta < GATE_VARIANCE ("inf" or unset: ungated). The one thing a
// name says is the experiment a run belongs to: variants ending in
// "-stress" are the stress experiment of pipelines/level3.mk (a long
// horizon, noise; the settings that differ are read from run_settings).
//
// Level 3.3's ablation arms (pipelines/level3.mk's mpc-<prior>, mpc-best,
// dyna-m<M>-mirror, dyna-mpcmodel) are told apart by their settings too:
// every ALGO=mpc variant is an MPC arm, and a Dyna-PPO variant whose
// settings differ from the plain ensemble runs' in anything besides
// ENSEMBLE, GATE_VARIANCE, EVAL_MODEL and VARIANT is an ablation arm,
// kept out of the ensemble, gating and stress sections (see
// splitAblation).
//
// The environment (the runs' ENV) gives the title and the default return
// threshold (DefaultThreshold).
//
// A section whose runs are missing says which make target makes them, so
// each experiment's report can be written alone.
package level3
