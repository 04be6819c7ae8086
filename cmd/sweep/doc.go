// Command sweep tunes the hyperparameters of dynago's run target. See
// docs/SWEEPS.md and `sweep --help`.
package main
