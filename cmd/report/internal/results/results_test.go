package results

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dynago/dynago/internal/golden"
)

// TestGolden rewrites the block of a RESULTS.md holding hand-written text
// around an old block from the fixture experiments, compares it with
// testdata/RESULTS.golden.md and checks the copied figures.
func TestGolden(t *testing.T) {
	dir := t.TempDir()
	in, err := os.ReadFile(filepath.Join("testdata", "RESULTS.in.md"))
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "RESULTS.md")
	if err := os.WriteFile(out, in, 0o644); err != nil {
		t.Fatal(err)
	}
	opt := Options{Runs: "testdata/results", Out: out, Figures: filepath.Join(dir, "results"),
		Command: "report results --runs testdata/results --out RESULTS.md --figures results"}
	if err := Write(opt); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	golden.Check(t, filepath.Join("testdata", "RESULTS.golden.md"), got)
	for _, f := range []string{"level1/sample-efficiency.png", "level1/sample-efficiency.svg", "level1/model-ek.png", "pendulum/sample-efficiency.svg"} {
		src, err := os.ReadFile(filepath.Join("testdata", "results", filepath.Dir(f), "fig", filepath.Base(f)))
		if err != nil {
			t.Fatal(err)
		}
		dst, err := os.ReadFile(filepath.Join(dir, "results", f))
		if err != nil || !bytes.Equal(src, dst) {
			t.Errorf("figure %s: copied %q, %v; want %q", f, dst, err, src)
		}
	}
	// A second run over its own output changes nothing.
	if err := Write(opt); err != nil {
		t.Fatal(err)
	}
	if again, _ := os.ReadFile(out); !bytes.Equal(again, got) {
		t.Errorf("second run changed RESULTS.md:\n%s", again)
	}
}

func TestSplice(t *testing.T) {
	block := Begin + "\nnew\n" + End
	cases := []struct {
		name, doc, want, err string
	}{
		{"replace", "# R\n\n" + Begin + "\nold\n" + End + "\n\n## A\n", "# R\n\n" + block + "\n\n## A\n", ""},
		{"before first section", "# R\n\nIntro.\n\n## A\n\nText.\n", "# R\n\nIntro.\n\n" + block + "\n\n## A\n\nText.\n", ""},
		{"no section", "# R\n\nIntro.\n", "# R\n\nIntro.\n\n" + block + "\n", ""},
		{"begin alone", "# R\n" + Begin + "\n", "", "want one"},
		{"two blocks", block + block, "", "want one"},
		{"reversed", End + "\n" + Begin, "", "comes before"},
	}
	for _, c := range cases {
		got, err := Splice(c.doc, block)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%s: error %v, want %q", c.name, err, c.err)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("%s: got %q, %v; want %q", c.name, got, err, c.want)
		}
	}
}

// TestErrors: a results directory without answers, an answers file of
// another kind or with a figure outside its directory, and a missing
// figure are errors naming the file, and nothing is written.
func TestErrors(t *testing.T) {
	write := func(t *testing.T, dir, exp, body string) {
		t.Helper()
		if err := os.MkdirAll(filepath.Join(dir, exp), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, exp, "answers.json"), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	head := `{"kind": "dynago_answers", "format_version": "1", "report": "level1", `
	cases := []struct{ name, body, msg string }{
		{"empty", "", "no experiment holds"},
		{"kind", `{"kind": "other", "format_version": "1"}`, `kind "other"`},
		{"version", `{"kind": "dynago_answers", "format_version": "2"}`, `unsupported format_version "2"`},
		{"json", `{"kind": `, "answers.json"},
		{"outside", head + `"figures": [{"name": "x", "png": "../x.png", "svg": "fig/x.svg"}]}`, "not inside"},
		{"missing figure", head + `"figures": [{"name": "x", "png": "fig/x.png", "svg": "fig/x.svg"}]}`, "figure x"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			if c.body != "" {
				write(t, dir, "exp", c.body)
			}
			out := filepath.Join(dir, "RESULTS.md")
			err := Write(Options{Runs: dir, Out: out, Figures: filepath.Join(dir, "figs")})
			if err == nil || !strings.Contains(err.Error(), c.msg) {
				t.Fatalf("error %v, want %q", err, c.msg)
			}
			if _, err := os.Stat(out); err == nil {
				t.Error("wrote RESULTS.md")
			}
		})
	}
}
