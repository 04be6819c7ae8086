// Package app is the concat command: it gathers the metrics files a run's
// tools wrote into the run's metrics.arrow.
package app
