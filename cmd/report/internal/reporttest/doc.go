// Package reporttest is the golden-report fixture of the report tool's
// tests: a case writes synthetic runs into a fresh directory, builds the
// report on them, and compares its Markdown with testdata/<case>.golden.md
// through internal/golden (so -update rewrites the file). The runs'
// directory is written RUNS in the comparison, so a golden file does not
// depend on where the test ran.
//
// It has no non-test callers.
package reporttest
