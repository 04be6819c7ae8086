// Package pipelines holds the make targets that run dynago's training runs
// (bin/run, cmd/run and lib/runloop) and experiments (see README.md here).
// It has no Go code of its own; its tests run the run target end to end.
package pipelines
