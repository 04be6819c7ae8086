// Package toolset is the one table of dynago's file-to-file tools by name,
// for the commands and tests that run tools in one process: bin/run's loop
// (lib/runloop's Options.Tools), bin/batch and the bad-input tests. Each
// function returns a new map, which the caller may extend.
package toolset
