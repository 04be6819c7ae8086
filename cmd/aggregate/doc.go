// Command aggregate computes RLiable statistics, tables and figures from
// the metrics files of many runs. Run "aggregate --help" for usage and
// "aggregate SUBCOMMAND --help" for a worked example of each subcommand.
package main
