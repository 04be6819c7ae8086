// Package layers holds the test that keeps docs/ARCHITECTURE.md's package
// map true: every lib package is listed, and none imports a package listed
// above it. It has no code.
package layers
