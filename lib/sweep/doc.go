// Package sweep searches hyperparameters of dynago's run target: it turns
// a search space into trials, runs each trial once per seed as a separate
// `make run` (or any stand-in command), scores it from the runs'
// metrics.arrow files, and writes the history, the incumbent, the best
// configuration and figures. It is the library behind bin/sweep
// (cmd/sweep); docs/SWEEPS.md is the user's manual.
//
// The pieces, one file each:
//
//   - space.go: the search space file (YAML or JSON): parameters (uniform
//     float or int, optionally log-scaled, or categorical choices, each with
//     an optional default), fixed values, the budget variable (real steps)
//     with its range, and the seeds. ParseSpace rejects a bad file with an
//     error naming the file, line and field.
//   - optimizer.go: the ask/tell Optimizer interface and Grid, Random and
//     Hyperband (successive halving is its most aggressive bracket). An
//     optimiser's randomness comes from the rand.Source it is given, so the
//     same seed and results give the same trials.
//   - objective.go: a run's score (mean of its last K eval_return values,
//     or of all of them) and a trial's objective over its seeds (IQM, or
//     mean).
//   - sweep.go: Run, the loop Ask → run every trial × seed → Tell, with
//     retries and resumption.
//   - backend.go, slurm.go: executing a batch of runs locally, N at a time,
//     or as a Slurm job array.
//   - history.go, plot.go: the outputs.
//
// Invariants. A run is one trial with one seed, in DIR/trials/<id>-s<seed>;
// the sweep writes its run.sh, the backend runs it and writes its exit
// file, and the sweep then records status.json (atomically, after every
// attempt). A run is done when status.json says so and its metrics.arrow
// scores; a resumed sweep replays the optimiser from the same seed and
// reuses done runs instead of running them. DIR/sweep.json holds the
// settings that define the sweep; resuming with other settings is an error.
// A trial with any failed run has objective NaN: it is recorded as failed,
// never promoted, and Run returns an error naming it after writing every
// output.
//
// Output files (all written atomically, rewritten after every batch):
// history.arrow and history.csv (one row per trial and seed), incumbent.csv
// (the incumbent after every trial), best.mk (make assignments for the run
// target's CONFIG=), objective_<NAME>.png and incumbent.png.
package sweep
