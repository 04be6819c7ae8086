// Package dynamicstest makes the data and models that the tests of the
// model-based packages and tools share: random-policy transitions of an
// environment and a small fitted ensemble. Every value flows from fixed
// seeds, so a test's inputs are the same on every run.
package dynamicstest
