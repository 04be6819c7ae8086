// Package golden is the golden-file check of the module's tests: a test
// renders its output and compares it byte for byte with a file it keeps
// in testdata/, and a mismatch fails the test with the lines that differ.
//
// A test binary that imports golden has the flag -update, which rewrites
// the golden files with what the tests produce instead of comparing them
// (go test -count=1 ./PKG -update, for the packages whose output changed
// on purpose, then review the change with git diff); a package that does
// not import golden rejects the flag. A package that imports golden must
// not declare a flag of that name itself; Update tells its own fixtures
// (such as a binary input file kept in testdata/) to be rewritten too.
//
// It has no non-test callers.
package golden
