// Package app is the run command: flags (one per run variable of
// lib/runloop's table), the --print script and the --experiment runner.
package app
