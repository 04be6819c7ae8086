// Package analysistest writes synthetic training runs with known curves,
// for the tests of the analysis and report tools.
package analysistest
