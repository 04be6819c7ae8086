// Package level2 composes the Level-2 report: how Dyna-PPO's return
// depends on its imagination horizon, its model and imagination budget and
// its replay buffer, how the visited states shift during training and
// what that does to the model, and how much model noise Dyna-PPO survives
// before it falls below PPO. Every number comes from the runs through
// lib/analysis and lib/estimate; nothing is written by hand.
//
// The runs are found by variant name, as pipelines/level2.mk names them;
// each swept value is read from the run's run_settings metadata
// (analysis.Settings), so a name never stands in for a setting; a run
// without it is an error saying to rerun it:
//
//	dyna                      the course's Dyna-PPO, shared by every sweep
//	                          (horizon 5, balanced budget, buffer 10,000, σ 0)
//	ppo                       PPO, the reference of sections 4 and 5
//	dyna-h<H>                 horizon sweep (HORIZON)
//	dyna-budget-<regime>      budget sweep (MODEL_UPDATES, IMAG_BATCHES);
//	                          "dyna" is the balanced regime
//	dyna-buf<N>               buffer sweep (BUFFER_SIZE)
//	dyna-noise<σ>             noise sweep (NOISE_SIGMA; unset means 0)
//
// A section is written when its runs exist (a sweep needs a variant of
// its own besides "dyna"; the distribution-shift section needs "dyna"
// runs with state-visit histograms), so the report of a partial Level 2
// holds the sections whose runs have finished.
//
// Each section is computed first, into a result (computeHorizon's
// HorizonResult, computeBudget's BudgetResult, computeBuffer's
// BufferResult, computeShift's ShiftResult, computeNoise's NoiseResult)
// that holds every number and figure input, and then rendered from it;
// the one-parameter sweeps share Sweep.
package level2
