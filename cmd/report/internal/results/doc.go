// Package results composes the generated block of docs/RESULTS.md: the
// headline answers of every experiment, each with its interval as its
// report gives it, and the experiment's main figures, read from the
// answers.json files (markdown.Answers) that the level reports write
// beside report.md. Nothing in the block is typed by hand; the rest of
// RESULTS.md (measurements behind the presets, their history) is left as
// it is.
package results
