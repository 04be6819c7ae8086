// Package app is the inspect tool: it prints any Arrow IPC file or
// stream (not only dynago's) as an aligned table, CSV or JSON lines.
//
// Inspect does the work for one input held in memory; New wraps it in the
// command line (file arguments, standard input, flags). Both write only to
// the writers they are given, so tests run the whole tool in-process.
package app
