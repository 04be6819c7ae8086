// Package app is the report command: its subcommands' flags, checking
// them, and writing the reports the level packages compose.
package app
