// Package sweeptest provides a stand-in for the run target, so tests of
// the sweep tool run in seconds: a test binary whose TestMain calls
// MaybeRun acts as a run when invoked through RunCmd.
package sweeptest
