// Package analysis is the last step of the pipeline before estimation:
// it loads the metrics files of many training runs and turns them into run
// values (one number per run), score matrices and curves on a common grid
// of steps. It draws no random numbers and makes no intervals, tables or
// figures: lib/estimate bootstraps its values (through lib/stats),
// lib/present lays the results out, and the aggregate and report tools
// compose them into output sets and reports.
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
// Curves are aligned on a grid of real steps (AlignGrid, SubGrid), and
// Grid.CurveScores builds their [run][task][step] scores. When runs do not
// share their evaluation steps, each run contributes its last value at or
// before each grid step, and Grid.Carried says so, for the reader to be
// told.
//
// # Run values
//
// RunValues, PerRun (with MeanOver, PeakDrop and the like), IndexValues,
// CurveAreas and IndexedPairs return plain float64s, one per run or per
// pair of values, in the runs' order, for lib/estimate to put intervals on
// and the reports to tabulate.
//
// Library code never exits: errors name what was being read or computed.
package analysis
