package reporttest

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dynago/dynago/internal/golden"
	"github.com/dynago/dynago/lib/markdown"
)

// Golden runs the golden case name as a subtest of t: write puts its runs
// in a fresh directory, build returns the report's Markdown on them, and
// the Markdown, with that directory written RUNS, must be the bytes of
// testdata/<name>.golden.md.
func Golden(t *testing.T, name string, write func(t *testing.T, dir string), build func(t *testing.T, dir string) string) {
	t.Helper()
	t.Run(name, func(t *testing.T) {
		dir := t.TempDir()
		write(t, dir)
		got := strings.ReplaceAll(build(t, dir), dir, "RUNS")
		golden.Check(t, filepath.Join("testdata", name+".golden.md"), []byte(got))
	})
}

// Markdown returns the report's Markdown, failing t if it cannot be
// rendered.
func Markdown(t *testing.T, r *markdown.Report) string {
	t.Helper()
	var b bytes.Buffer
	if err := r.Markdown(&b); err != nil {
		t.Fatal(err)
	}
	return b.String()
}
