// Package app is the batch command: it reads tool command lines and runs
// each tool's command in this process, one after another.
package app
