// Package pipelines holds the make targets and shell loops that run
// dynago's tools as training runs and experiments (see README.md here).
// It has no Go code of its own; its tests run the run target end to end.
package pipelines
