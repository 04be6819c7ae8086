// Package analysis is the last step of the pipeline: it loads the metrics
// files of many training runs and turns them into run values, score
// matrices, curves and RLiable statistics (computed by lib/stats). It
// makes no tables or figures: lib/present lays its results out, and the
// aggregate and report tools compose them into output sets and reports.
//
// # Runs and tasks
//
// Load expands globs into metrics files and splits their rows into Runs,
// one per (run, variant, seed) of the Run, Variant and Seed columns. A
// run's task (its environment) is "all" by default; TaskBy takes it from
// the files' "env" metadata or from the Variant ("algo/task").
//
// # Scores
//
// ScoreMatrix builds the [run][task] matrix lib/stats takes from one metric
// at one Point: the mean of a run's last N values (Final) or its last value
// at or before a step (AtStep). Runs of each task are ordered by seed;
// every task must have the same number of runs. Normalization maps raw
// scores per task to [0, 1] (CartPole-v1: 0 and 500).
//
// Curves are aligned on a grid of real steps (Align). When runs do not
// share their evaluation steps, each run contributes its last value at or
// before each grid step, and Grid.Carried says so, for the reader to be
// told.
//
// # Results
//
// Every analysis returns plain numbers: stats.Interval values, computed by
// lib/stats, which owns every bootstrap, in result types (Estimate, Curve,
// StepsTo, Comparison) that lib/present turns into tables and figures.
// Randomness comes only from a Bootstrap's seed: each estimate draws from
// its own generator, seeded from the seed and the estimate's label, so the
// same inputs and seed give the same intervals, and adding a variant does
// not move another's.
//
// Library code never exits: errors name what was being read or computed.
package analysis
