// Command concat joins metrics files into one, tagging every row with the
// run, variant and seed it belongs to. See `concat --help`.
package main
