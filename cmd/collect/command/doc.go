// Package command exposes the collect tool's command to other dynago commands
// (bin/batch runs tools in one process); the tool's code stays internal.
package command
