// Package app is the aggregate command: its subcommands' flags, checking
// them, and calling lib/analysis and lib/estimate. Each subcommand reads
// metrics files (--in GLOB), computes one analysis and writes OUT/NAME.md,
// OUT/NAME.csv and, where it has one, the figure OUT/NAME.png and
// OUT/NAME.svg.
package app
