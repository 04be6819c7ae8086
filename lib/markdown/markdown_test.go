package markdown

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/dynago/dynago/internal/golden"
	"github.com/dynago/dynago/lib/figure"
	"github.com/dynago/dynago/lib/stats"
)

func TestNumbers(t *testing.T) {
	cases := []struct {
		v          float64
		num, steps string
	}{
		{3000, "3000", "3,000"},
		{-2999.9999999999995, "-3000", "-3,000"},
		{5333.333, "5333.3", "5,333"},
		{0.0275, "0.0275", "0"},
		{0.8, "0.800", "1"},
	}
	for _, c := range cases {
		if n, s := Num(c.v), Steps(c.v); n != c.num || s != c.steps {
			t.Errorf("%g: Num %q Steps %q, want %q %q", c.v, n, s, c.num, c.steps)
		}
	}
	if got := CI(stats.Interval{Lo: 0.25, Hi: 1500}); got != "[0.250, 1500]" {
		t.Errorf("CI %q", got)
	}
	if got := Pct(0.95); got != "95%" {
		t.Errorf("Pct %q", got)
	}
}

// TestReportGolden renders a report with every kind of block and a figure
// and compares its Markdown with testdata/report.golden.
func TestReportGolden(t *testing.T) {
	dir := t.TempDir()
	r := NewReport("Level 0", filepath.Join(dir, "report.md"))
	r.Intro = []string{"Synthetic runs."}
	sec := r.Section("1. A question")
	sec.Answer("How much sooner?", "**2,000 real steps** (95% CI [1,000, 3,000]).")
	tab := &Table{Title: "Steps", Columns: []string{"variant", "steps"}, Notes: []string{"Note a|b."}}
	tab.Add("dyna", Steps(12500))
	tab.Add("p|po", Steps(14500))
	sec.Table(tab)
	sec.Bullets("one", "two")
	sec.Code("report level0 --seed 1")
	draw := func(p string) error {
		return figure.Lines(p, []figure.Series{{Name: "a", X: []float64{0, 1}, Y: []float64{1, 2}}}, figure.LineOptions{})
	}
	if err := sec.Figure("curve", "A curve.", draw); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, FigDir)); err == nil {
		t.Fatal("figure written before Write")
	}
	if err := r.Write(); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"report.md", "fig/curve.png", "fig/curve.svg"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Error(err)
		}
	}
	got, err := os.ReadFile(filepath.Join(dir, "report.md"))
	if err != nil {
		t.Fatal(err)
	}
	golden.Check(t, filepath.Join("testdata", "report.golden"), got)
}

func TestTableCSV(t *testing.T) {
	tab := &Table{Columns: []string{"a", "b"}, Notes: []string{"not in CSV"}}
	tab.Add("1", "x,y")
	var b bytes.Buffer
	if err := tab.CSV(&b); err != nil {
		t.Fatal(err)
	}
	if want := "a,b\n1,\"x,y\"\n"; b.String() != want {
		t.Errorf("CSV %q, want %q", b.String(), want)
	}
}

func TestFiles(t *testing.T) {
	dir := t.TempDir()
	var f Files
	f.Add(filepath.Join(dir, "sub", "a.md"), []byte("a"))
	f.Add(filepath.Join(dir, "b.csv"), []byte("b"))
	if _, err := os.Stat(filepath.Join(dir, "sub")); err == nil {
		t.Fatal("Add wrote")
	}
	if err := f.Write(); err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(filepath.Join(dir, "sub", "a.md")); err != nil || string(b) != "a" {
		t.Errorf("a.md: %q, %v", b, err)
	}
	defer func() {
		if recover() == nil {
			t.Error("two outputs on one path: no panic")
		}
	}()
	f.Add(filepath.Join(dir, "sub", "..", "b.csv"), nil)
}

// TestFilesAllOrNothing writes sets of three files one of which cannot be
// written (its path is a directory, or its directory a file), first, in
// the middle or last: Write fails and leaves every file as it was, the
// ones it would have replaced and the ones it would have created, with no
// temporary file.
func TestFilesAllOrNothing(t *testing.T) {
	cases := []struct {
		name string
		bad  int    // the file of the set that cannot be written
		how  string // "dir": its path is a directory; "parent": its directory is a file
	}{
		{"first-dir", 0, "dir"}, {"middle-dir", 1, "dir"}, {"last-dir", 2, "dir"},
		{"first-parent", 0, "parent"}, {"middle-parent", 1, "parent"}, {"last-parent", 2, "parent"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, "old.md"), []byte("old"), 0o644); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, "file"), []byte("a file"), 0o644); err != nil {
				t.Fatal(err)
			}
			paths := []string{filepath.Join(dir, "old.md"), filepath.Join(dir, "sub", "new.md"), filepath.Join(dir, "new.csv")}
			switch c.how {
			case "dir":
				if c.bad == 0 {
					paths[0] = filepath.Join(dir, "busy")
				}
				if err := os.MkdirAll(paths[c.bad], 0o755); err != nil {
					t.Fatal(err)
				}
			case "parent":
				paths[c.bad] = filepath.Join(dir, "file", "x.md")
			}
			var f Files
			for _, p := range paths {
				f.Add(p, []byte("new "+filepath.Base(p)))
			}
			if err := f.Write(); err == nil {
				t.Fatal("Write: no error")
			}
			var left []string
			filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
				if err == nil && !info.IsDir() {
					rel, _ := filepath.Rel(dir, p)
					left = append(left, rel)
				}
				return nil
			})
			if !reflect.DeepEqual(left, []string{"file", "old.md"}) {
				t.Errorf("files left: %q, want [file old.md]", left)
			}
			if b, _ := os.ReadFile(filepath.Join(dir, "old.md")); string(b) != "old" {
				t.Errorf("old.md: %q, want \"old\"", b)
			}
		})
	}
}

// TestAnswers writes a report with Meta set and checks its answers.json:
// every answer with its section, only the main figures that were drawn,
// and nothing at all without Meta.Report.
func TestAnswers(t *testing.T) {
	dir := t.TempDir()
	r := NewReport("Level 0", filepath.Join(dir, "report.md"))
	r.Meta = Provenance{Report: "level0", Env: "CartPole-v1", Runs: "runs/l0", Command: "report level0", Tool: "report", ToolVersion: "0.1.0"}
	s1 := r.Section("1. First")
	s1.Answer("Q1?", "A1 (95% CI [1, 2]).")
	s2 := r.Section("2. Second")
	s2.Text("no answer here")
	s2.Answer("Q2?", "A2.")
	draw := func(p string) error {
		return figure.Lines(p, []figure.Series{{Name: "a", X: []float64{0, 1}, Y: []float64{1, 2}}}, figure.LineOptions{})
	}
	for _, n := range []string{"a", "b"} {
		if err := s2.Figure(n, "Figure "+n+".", draw); err != nil {
			t.Fatal(err)
		}
	}
	r.MainFigures("b", "absent", "b")
	if err := r.Write(); err != nil {
		t.Fatal(err)
	}
	a, err := ReadAnswers(filepath.Join(dir, AnswersFile))
	if err != nil {
		t.Fatal(err)
	}
	want := &Answers{
		Kind: AnswersKind, FormatVersion: AnswersVersion, Report: "level0", Title: "Level 0", Env: "CartPole-v1",
		Runs: "runs/l0", Command: "report level0", Tool: "report", ToolVersion: "0.1.0",
		Answers: []QA{{"1. First", "Q1?", "A1 (95% CI [1, 2])."}, {"2. Second", "Q2?", "A2."}},
		Figures: []Fig{{Name: "b", Caption: "Figure b.", PNG: "fig/b.png", SVG: "fig/b.svg"}},
	}
	if !reflect.DeepEqual(a, want) {
		t.Errorf("answers.json:\n%+v\nwant\n%+v", a, want)
	}

	plain := NewReport("Plain", filepath.Join(dir, "plain", "report.md"))
	plain.Section("s").Answer("Q?", "A.")
	if err := plain.Write(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "plain", AnswersFile)); err == nil {
		t.Error("answers.json written without Meta.Report")
	}
}
