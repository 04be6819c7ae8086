// Package app is the collect command: flags, checking them, and running an
// agent.Runner for collection or evaluation.
package app
