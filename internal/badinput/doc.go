// Package badinput is the bad-input corpus as a test: it builds bad files
// from valid ones (truncated, empty, random and flipped bytes, text,
// missing, a directory, another kind, another environment, metadata that
// claims more than the file holds, absurd values, zero rows) and bad flag
// sets (out of range, missing, conflicting, unknown environments, an
// output on another output or on an input), runs every training-loop tool
// on each in-process (tool.Run), and requires one line on stderr, the
// documented exit code (1 bad input, 2 usage), no panic and no output
// file. See docs/CONVENTIONS.md.
package badinput
