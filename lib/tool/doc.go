// Package tool holds the conventions every dynago command follows, so that
// each cmd/<tool>/main.go stays a few lines long.
//
// A tool is a urfave/cli App. Main runs it with the process's arguments and
// standard streams and returns the exit code; Run does the same with any
// streams, so tests can run a whole tool in-process.
//
// Exit codes: 0 success; 1 bad input or a failure while working; 2 a usage
// error (unknown flag, missing or out-of-range flag value). Errors are
// printed once, as one line "tool: what failed: why" on stderr. Data goes to
// files or stdout, never mixed with messages.
//
// Provenance returns the schema metadata every output file carries: the
// tool's name and version and its full argument list.
package tool
