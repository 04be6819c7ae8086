package golden

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/ instead of comparing with them")

// Update reports whether the tests run with -update.
func Update() bool { return *update }

// maxDiffLines is how many differing lines a mismatch prints.
const maxDiffLines = 20

// Check compares got with the golden file at path and fails t with the
// differing lines if they are not the same bytes. Under -update it first
// writes got to path, creating its directory.
func Check(t testing.TB, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != string(want) {
		t.Errorf("output differs from %s (run with -update to accept):\n%s", path, Diff(string(want), string(got)))
	}
}

// noLine stands in Diff's output for a line past the end of a text.
const noLine = "(no line)"

// Diff returns the lines where want and got differ, each as its line
// number, "- " and want's line, "+ " and got's line (noLine past the end,
// so a missing final newline shows too); at most maxDiffLines of them,
// then how many more differ. It is "" when they are equal.
func Diff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	var b strings.Builder
	n := 0
	for i := range max(len(w), len(g)) {
		a, c := noLine, noLine
		if i < len(w) {
			a = w[i]
		}
		if i < len(g) {
			c = g[i]
		}
		if a == c {
			continue
		}
		if n++; n <= maxDiffLines {
			fmt.Fprintf(&b, "line %d:\n- %s\n+ %s\n", i+1, a, c)
		}
	}
	if n > maxDiffLines {
		fmt.Fprintf(&b, "(and %d more lines differ)\n", n-maxDiffLines)
	}
	return b.String()
}
