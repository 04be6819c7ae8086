// Package app is the imagine command: flags, loading model, policy and
// start states, and writing the imagined transitions (lib/imagine).
package app
