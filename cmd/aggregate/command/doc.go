// Package command exposes the aggregate tool's command to other dynago packages
// (the bad-input corpus of internal/badinput runs it in-process); the
// tool's code stays internal.
package command
