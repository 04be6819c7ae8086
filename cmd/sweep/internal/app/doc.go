// Package app is the sweep command: flags, checking them, and building a
// sweep.Options for lib/sweep.
package app
