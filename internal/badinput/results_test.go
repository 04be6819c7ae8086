package badinput

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/dynago/dynago/lib/markdown"
)

// resultsEnv is one case's copy of a valid results directory: runs/
// holds level1 (two figures), pendulum (one figure of the same name as
// level1's first) and level3 (no answers, no figures); out is a
// RESULTS.md with hand-written text around an old block; figs (absent)
// is where the figures go.
type resultsEnv struct {
	work, runs, out, figs string
}

// resultsExperiments are the valid answers files, by experiment.
func resultsExperiments() map[string]*markdown.Answers {
	a := func(report, title, env string, qas []markdown.QA, figs ...markdown.Fig) *markdown.Answers {
		return &markdown.Answers{
			Kind: markdown.AnswersKind, FormatVersion: markdown.AnswersVersion, Report: report, Title: title, Env: env,
			Runs: "runs/results/x", Command: "report " + report + " --runs runs/results/x", Regenerate: "make " + report,
			Tool: "report", ToolVersion: "0.1.0", Commit: "0123456789abcdef0123", CommitTime: "2026-12-06T04:00:00Z",
			Answers: qas, Figures: figs,
		}
	}
	fig := func(name string) markdown.Fig {
		return markdown.Fig{Name: name, Caption: "The " + name + ".", PNG: "fig/" + name + ".png", SVG: "fig/" + name + ".svg"}
	}
	return map[string]*markdown.Answers{
		"level1": a("level1", "Level 1: sooner?", "CartPole-v1", []markdown.QA{
			{Section: "1. Sooner", Question: "How much sooner?", Answer: "**3,000 steps sooner** (95% CI 1,000 to 5,000)."},
			{Section: "2. Early", Question: "An early penalty?", Answer: "**-12.5** (95% CI [-20.1, -3.40])."},
		}, fig("sample-efficiency"), fig("model-ek")),
		"pendulum": a("level1", "Level 1 on Pendulum", "Pendulum-v1", []markdown.QA{
			{Section: "1. Sooner", Question: "How much sooner?", Answer: "**1,000 steps later**."},
		}, fig("sample-efficiency")),
		"level3": a("level3", "Level 3", "", []markdown.QA{}),
	}
}

// The markers around the generated block (results.Begin and results.End).
const (
	resultsBegin = "<!-- BEGIN make results -->"
	resultsEnd   = "<!-- END make results -->"
)

const resultsDoc = "# Results\n\nIntro.\n\n" + resultsBegin + "\nold block\n" + resultsEnd + "\n\n## History\n\nKept.\n"

func newResultsEnv(t *testing.T) *resultsEnv {
	t.Helper()
	w := t.TempDir()
	e := &resultsEnv{work: w, runs: filepath.Join(w, "runs"), out: filepath.Join(w, "docs", "RESULTS.md"), figs: filepath.Join(w, "docs", "results")}
	for name, a := range resultsExperiments() {
		e.answers(t, name, a)
		for _, f := range a.Figures {
			e.write(t, "runs/"+name+"/"+f.PNG, "PNG "+name+" "+f.Name)
			e.write(t, "runs/"+name+"/"+f.SVG, "<svg>"+name+" "+f.Name+"</svg>")
		}
	}
	e.write(t, "docs/RESULTS.md", resultsDoc)
	return e
}

// path is rel (slash-separated) under the case's directory.
func (e *resultsEnv) path(rel string) string { return filepath.Join(e.work, filepath.FromSlash(rel)) }

func (e *resultsEnv) write(t *testing.T, rel, body string) {
	t.Helper()
	p := e.path(rel)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
}

func (e *resultsEnv) answers(t *testing.T, exp string, a *markdown.Answers) {
	t.Helper()
	b, err := a.JSON()
	if err != nil {
		t.Fatal(err)
	}
	e.write(t, "runs/"+exp+"/answers.json", string(b))
}

// read returns the answers file of exp.
func (e *resultsEnv) read(t *testing.T, exp string) []byte {
	t.Helper()
	b, err := os.ReadFile(e.path("runs/" + exp + "/answers.json"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func (e *resultsEnv) remove(t *testing.T, rel string) {
	t.Helper()
	if err := os.RemoveAll(e.path(rel)); err != nil {
		t.Fatal(err)
	}
}

// link replaces rel by a symbolic link to target (a path under the case's
// directory when it does not start with "/" or ".").
func (e *resultsEnv) link(t *testing.T, target, rel string) {
	t.Helper()
	if !strings.HasPrefix(target, "/") && !strings.HasPrefix(target, ".") {
		target = e.path(target)
	}
	e.remove(t, rel)
	if err := os.MkdirAll(filepath.Dir(e.path(rel)), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(target, e.path(rel)); err != nil {
		t.Fatal(err)
	}
}

// fifo replaces rel by a named pipe no one writes to: a reader that opens
// it blocks.
func (e *resultsEnv) fifo(t *testing.T, rel string) {
	t.Helper()
	e.remove(t, rel)
	if err := os.MkdirAll(filepath.Dir(e.path(rel)), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(e.path(rel), 0o644); err != nil {
		t.Fatal(err)
	}
}

// sparse replaces rel by a file of size bytes that takes no room.
func (e *resultsEnv) sparse(t *testing.T, rel string, size int64) {
	t.Helper()
	e.remove(t, rel)
	f, err := os.Create(e.path(rel))
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(size); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

func (e *resultsEnv) mkdir(t *testing.T, rel string, perm os.FileMode) {
	t.Helper()
	e.remove(t, rel)
	if err := os.MkdirAll(e.path(rel), perm); err != nil {
		t.Fatal(err)
	}
}

// A resultsSetup spoils (or varies) a valid results directory.
type resultsSetup func(t *testing.T, e *resultsEnv)

// edit rewrites exp's answers.
func edit(exp string, f func(a *markdown.Answers)) resultsSetup {
	return func(t *testing.T, e *resultsEnv) {
		a := resultsExperiments()[exp]
		f(a)
		e.answers(t, exp, a)
	}
}

// rawEdit rewrites the bytes of exp's answers.json.
func rawEdit(exp string, f func(b []byte) []byte) resultsSetup {
	return func(t *testing.T, e *resultsEnv) {
		e.write(t, "runs/"+exp+"/answers.json", string(f(e.read(t, exp))))
	}
}

// raw replaces level1's answers.json by body.
func raw(body string) resultsSetup {
	return rawEdit("level1", func([]byte) []byte { return []byte(body) })
}

// field sets key of level1's answers.json to the JSON value v; path
// "answers.0.answer" names a key of an array element.
func field(path string, v any) resultsSetup {
	return func(t *testing.T, e *resultsEnv) {
		var m map[string]any
		if err := json.Unmarshal(e.read(t, "level1"), &m); err != nil {
			t.Fatal(err)
		}
		keys := strings.Split(path, ".")
		var at any = m
		for _, k := range keys[:len(keys)-1] {
			switch x := at.(type) {
			case map[string]any:
				at = x[k]
			case []any:
				var i int
				fmt.Sscan(k, &i)
				at = x[i]
			}
		}
		at.(map[string]any)[keys[len(keys)-1]] = v
		b, err := json.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		e.write(t, "runs/level1/answers.json", string(b))
	}
}

func version(v string) resultsSetup {
	return edit("level1", func(a *markdown.Answers) { a.FormatVersion = v })
}

// answerText sets level1's first answer.
func answerText(s string) resultsSetup {
	return edit("level1", func(a *markdown.Answers) { a.Answers[0].Answer = s })
}

// figure sets level1's first figure's files.
func figure(png, svg string) resultsSetup {
	return edit("level1", func(a *markdown.Answers) { a.Figures[0].PNG, a.Figures[0].SVG = png, svg })
}

func steps(s ...resultsSetup) resultsSetup {
	return func(t *testing.T, e *resultsEnv) {
		for _, f := range s {
			f(t, e)
		}
	}
}

func do(f func(t *testing.T, e *resultsEnv)) resultsSetup { return f }

func writeOut(body string) resultsSetup {
	return func(t *testing.T, e *resultsEnv) { e.write(t, "docs/RESULTS.md", body) }
}

// A resultsCase is a report results command line (args after "report
// results"; "" for --runs {runs} --out {out} --figures {figs}) on a
// spoiled results directory, with the exit code it must give and what
// its one line must name.
type resultsCase struct {
	name  string
	setup resultsSetup
	args  string
	code  int
	want  string
	root  bool // needs a user whose permissions are checked (not root)
}

const defaultResultsArgs = "--runs {runs} --out {out} --figures {figs}"

const (
	mib        = 1 << 20
	validInOut = "Kept."
)

var resultsCases = []resultsCase{
	// Flags: usage errors.
	{name: "flags/none", args: " ", code: 2, want: "runs"},
	{name: "flags/no-out", args: "--runs {runs}", code: 2, want: "out"},
	{name: "flags/no-runs", args: "--out {out}", code: 2, want: "runs"},
	{name: "flags/unknown", args: defaultResultsArgs + " --bogus", code: 2, want: "bogus"},
	{name: "flags/extra-argument", args: defaultResultsArgs + " extra", code: 2, want: "extra"},
	{name: "flags/reps", args: defaultResultsArgs + " --reps 20", code: 2, want: "reps"},
	{name: "flags/empty-runs", args: "--runs '' --out {out} --figures {figs}", code: 2, want: "--runs"},
	{name: "flags/empty-out", args: "--runs {runs} --out '' --figures {figs}", code: 2, want: "--out"},
	{name: "out/directory", args: "--runs {runs} --out {work}/docs --figures {figs}", code: 2, want: "--out"},
	{name: "out/runs", args: "--runs {runs} --out {runs} --figures {figs}", code: 2, want: "--out"},
	{name: "out/answers", args: "--runs {runs} --out {runs}/level1/answers.json --figures {figs}", code: 2, want: "--out"},
	{name: "out/figure-source", args: "--runs {runs} --out {runs}/level1/fig/model-ek.png --figures {figs}", code: 2, want: "--out"},
	{name: "out/in-experiment", args: "--runs {runs} --out {runs}/level1/RESULTS.md --figures {figs}", code: 2, want: "--out"},
	{name: "out/answers-through-link", setup: do(func(t *testing.T, e *resultsEnv) { e.link(t, "runs/level1", "l1") }),
		args: "--runs {runs} --out {work}/l1/answers.json --figures {figs}", code: 2, want: "--out"},
	{name: "out/fifo", setup: do(func(t *testing.T, e *resultsEnv) { e.fifo(t, "docs/RESULTS.md") }), code: 2, want: "--out"},
	{name: "out/symlink-to-fifo", setup: do(func(t *testing.T, e *resultsEnv) {
		e.fifo(t, "pipe")
		e.link(t, "pipe", "docs/RESULTS.md")
	}), code: 2, want: "--out"},
	{name: "figures/runs", args: "--runs {runs} --out {out} --figures {runs}", code: 2, want: "--figures"},
	{name: "figures/in-runs", args: "--runs {runs} --out {out} --figures {runs}/level1/fig", code: 2, want: "--figures"},
	{name: "figures/holds-runs", args: "--runs {runs} --out {out} --figures {work}", code: 2, want: "--figures"},
	{name: "figures/unclean-runs", args: "--runs {runs} --out {out} --figures {runs}/../runs/", code: 2, want: "--figures"},
	{name: "figures/link-to-runs", setup: do(func(t *testing.T, e *resultsEnv) { e.link(t, "runs", "figlink") }),
		args: "--runs {runs} --out {out} --figures {work}/figlink", code: 2, want: "--figures"},
	{name: "figures/out", args: "--runs {runs} --out {out} --figures {out}", code: 2, want: "--figures"},
	{name: "figures/under-out", args: "--runs {runs} --out {out} --figures {out}/figs", code: 2, want: "--figures"},
	{name: "figures/holds-out", args: "--runs {runs} --out {figs}/RESULTS.md --figures {figs}", code: 2, want: "--out"},
	{name: "figures/holds-out-deep", args: "--runs {runs} --out {figs}/level1/sample-efficiency.png --figures {figs}", code: 2, want: "--out"},
	{name: "figures/default-in-runs", args: "--runs {runs} --out {runs}/RESULTS.md", code: 2, want: "--figures"},

	// The runs directory.
	{name: "runs/missing", args: "--runs {work}/none --out {out} --figures {figs}", code: 1, want: "none"},
	{name: "runs/file", args: "--runs {out} --out {work}/R.md --figures {figs}", code: 1, want: "RESULTS.md"},
	{name: "runs/empty", setup: do(func(t *testing.T, e *resultsEnv) { e.mkdir(t, "runs", 0o755) }), code: 1, want: "runs"},
	{name: "runs/no-answers", setup: do(func(t *testing.T, e *resultsEnv) {
		for _, x := range []string{"level1", "level3", "pendulum"} {
			e.remove(t, "runs/"+x+"/answers.json")
		}
	}), code: 1, want: "runs"},
	{name: "runs/dangling-link", setup: do(func(t *testing.T, e *resultsEnv) { e.link(t, "gone", "runs") }), code: 1, want: "runs"},
	{name: "runs/fifo", setup: do(func(t *testing.T, e *resultsEnv) { e.fifo(t, "runs") }), code: 1, want: "runs"},
	{name: "runs/unreadable", setup: do(func(t *testing.T, e *resultsEnv) { os.Chmod(e.runs, 0) }), code: 1, want: "runs", root: true},
	{name: "runs/experiment-unreadable", setup: do(func(t *testing.T, e *resultsEnv) { os.Chmod(e.path("runs/level1"), 0) }), code: 1, want: "level1", root: true},
	{name: "runs/answers-unreadable", setup: do(func(t *testing.T, e *resultsEnv) { os.Chmod(e.path("runs/level1/answers.json"), 0) }), code: 1, want: "answers.json", root: true},
	{name: "runs/experiment-name-newline", setup: do(func(t *testing.T, e *resultsEnv) {
		if err := os.Rename(e.path("runs/level3"), e.path("runs/level3\nname")); err != nil {
			t.Fatal(err)
		}
	}), code: 1, want: "level3"},
	{name: "runs/experiment-name-marker", setup: do(func(t *testing.T, e *resultsEnv) {
		if err := os.Rename(e.path("runs/level3"), e.path("runs/"+resultsEnd)); err != nil {
			t.Fatal(err)
		}
	}), code: 1, want: "END"},

	// answers.json: not a JSON object of the format.
	{name: "answers/empty", setup: raw(""), code: 1, want: "level1/answers.json"},
	{name: "answers/blank", setup: raw(" \n\t\n"), code: 1, want: "level1/answers.json"},
	{name: "answers/truncated-half", setup: rawEdit("level1", func(b []byte) []byte { return b[:len(b)/2] }), code: 1, want: "level1/answers.json"},
	{name: "answers/truncated-brace", setup: rawEdit("level1", func(b []byte) []byte { return b[:len(b)-2] }), code: 1, want: "level1/answers.json"},
	{name: "answers/text", setup: raw("kind: dynago_answers\n"), code: 1, want: "level1/answers.json"},
	{name: "answers/array", setup: raw("[]"), code: 1, want: "level1/answers.json"},
	{name: "answers/string", setup: raw(`"dynago_answers"`), code: 1, want: "level1/answers.json"},
	{name: "answers/null", setup: raw("null"), code: 1, want: "level1/answers.json"},
	{name: "answers/random", setup: raw(string(randomBytes(5, 3000))), code: 1, want: "level1/answers.json"},
	{name: "answers/bom", setup: rawEdit("level1", func(b []byte) []byte { return append([]byte("\xef\xbb\xbf"), b...) }), code: 1, want: "level1/answers.json"},
	{name: "answers/trailing-object", setup: rawEdit("level1", func(b []byte) []byte { return append(b, "{}\n"...) }), code: 1, want: "level1/answers.json"},
	{name: "answers/trailing-garbage", setup: rawEdit("level1", func(b []byte) []byte { return append(b, 'x') }), code: 1, want: "level1/answers.json"},
	{name: "answers/twice", setup: rawEdit("level1", func(b []byte) []byte { return append(b, b...) }), code: 1, want: "level1/answers.json"},
	{name: "answers/deep", setup: raw(strings.Repeat("[", 100000)), code: 1, want: "level1/answers.json"},
	{name: "answers/no-kind", setup: field("kind", nil), code: 1, want: "level1/answers.json"},
	{name: "answers/kind", setup: field("kind", "dynago_report"), code: 1, want: "level1/answers.json"},
	{name: "answers/no-version", setup: field("format_version", nil), code: 1, want: "level1/answers.json"},
	{name: "answers/version-2", setup: version("2"), code: 1, want: "level1/answers.json"},
	{name: "answers/version-2.0", setup: version("2.0"), code: 1, want: "2.0"},
	{name: "answers/version-0", setup: version("0"), code: 1, want: "level1/answers.json"},
	{name: "answers/version-empty", setup: version(""), code: 1, want: "level1/answers.json"},
	{name: "answers/version-1.", setup: version("1."), code: 1, want: "level1/answers.json"},
	{name: "answers/version-.1", setup: version(".1"), code: 1, want: "level1/answers.json"},
	{name: "answers/version-1.x", setup: version("1.x"), code: 1, want: "level1/answers.json"},
	{name: "answers/version-1.-1", setup: version("1.-1"), code: 1, want: "level1/answers.json"},
	{name: "answers/version-v1", setup: version("v1"), code: 1, want: "level1/answers.json"},
	{name: "answers/version-1.0.0", setup: version("1.0.0"), code: 1, want: "level1/answers.json"},
	{name: "answers/version-01", setup: version("01"), code: 1, want: "level1/answers.json"},
	{name: "answers/version-space", setup: version(" 1"), code: 1, want: "level1/answers.json"},
	{name: "answers/version-number", setup: field("format_version", 1), code: 1, want: "level1/answers.json"},
	{name: "answers/title-number", setup: field("title", 3), code: 1, want: "level1/answers.json"},
	{name: "answers/modified-string", setup: field("modified", "yes"), code: 1, want: "level1/answers.json"},
	{name: "answers/answers-string", setup: field("answers", "all good"), code: 1, want: "level1/answers.json"},
	{name: "answers/answers-element-string", setup: field("answers", []any{"yes"}), code: 1, want: "level1/answers.json"},
	{name: "answers/answer-number", setup: field("answers.0.answer", 3000), code: 1, want: "level1/answers.json"},
	{name: "answers/figures-object", setup: field("figures", map[string]any{"name": "x"}), code: 1, want: "level1/answers.json"},
	{name: "answers/figure-png-number", setup: field("figures.0.png", 1), code: 1, want: "level1/answers.json"},
	{name: "answers/huge", setup: rawEdit("level1", func(b []byte) []byte { return append(b, bytes.Repeat([]byte(" "), 2*mib)...) }), code: 1, want: "level1/answers.json"},
	{name: "answers/one-byte-over", setup: rawEdit("level1", func(b []byte) []byte { return append(b, bytes.Repeat([]byte(" "), mib-len(b)+1)...) }), code: 1, want: "level1/answers.json"},
	{name: "answers/huge-sparse", setup: do(func(t *testing.T, e *resultsEnv) { e.sparse(t, "runs/level1/answers.json", 8<<30) }), code: 1, want: "level1/answers.json"},
	{name: "answers/directory", setup: do(func(t *testing.T, e *resultsEnv) { e.mkdir(t, "runs/level1/answers.json", 0o755) }), code: 1, want: "level1/answers.json"},
	{name: "answers/fifo", setup: do(func(t *testing.T, e *resultsEnv) { e.fifo(t, "runs/level1/answers.json") }), code: 1, want: "level1/answers.json"},
	{name: "answers/link-to-fifo", setup: do(func(t *testing.T, e *resultsEnv) {
		e.fifo(t, "pipe")
		e.link(t, "pipe", "runs/level1/answers.json")
	}), code: 1, want: "level1/answers.json"},
	{name: "answers/dangling-link", setup: do(func(t *testing.T, e *resultsEnv) { e.link(t, "gone.json", "runs/level1/answers.json") }), code: 1, want: "level1/answers.json"},
	{name: "answers/link-to-device", setup: do(func(t *testing.T, e *resultsEnv) { e.link(t, "/dev/zero", "runs/level1/answers.json") }), code: 1, want: "level1/answers.json"},

	// answers.json: text that would break the generated block.
	{name: "text/answer-begin", setup: answerText("see " + resultsBegin), code: 1, want: "level1/answers.json"},
	{name: "text/answer-end", setup: answerText(resultsEnd + " and more"), code: 1, want: "level1/answers.json"},
	{name: "text/answer-newline", setup: answerText("**3,000**\nsooner"), code: 1, want: "level1/answers.json"},
	{name: "text/answer-heading", setup: answerText("fine.\n\n## Injected section"), code: 1, want: "level1/answers.json"},
	{name: "text/answer-cr", setup: answerText("fine\rnot"), code: 1, want: "level1/answers.json"},
	{name: "text/answer-nul", setup: answerText("fine\x00not"), code: 1, want: "level1/answers.json"},
	{name: "text/question-newline", setup: edit("level1", func(a *markdown.Answers) { a.Answers[1].Question = "What?\n" }), code: 1, want: "level1/answers.json"},
	{name: "text/section-marker", setup: edit("level1", func(a *markdown.Answers) { a.Answers[1].Section = resultsBegin }), code: 1, want: "level1/answers.json"},
	{name: "text/title-newline", setup: edit("level1", func(a *markdown.Answers) { a.Title = "Level 1\n# Not a title" }), code: 1, want: "level1/answers.json"},
	{name: "text/env-newline", setup: edit("level1", func(a *markdown.Answers) { a.Env = "CartPole-v1\n" }), code: 1, want: "level1/answers.json"},
	{name: "text/command-marker", setup: edit("level1", func(a *markdown.Answers) { a.Command = "report level1 " + resultsEnd }), code: 1, want: "level1/answers.json"},
	{name: "text/regenerate-newline", setup: edit("level1", func(a *markdown.Answers) { a.Regenerate = "make level1\nrm -rf /" }), code: 1, want: "level1/answers.json"},
	{name: "text/commit-newline", setup: edit("level1", func(a *markdown.Answers) { a.Commit = "abc\ndef" }), code: 1, want: "level1/answers.json"},
	{name: "text/caption-newline", setup: edit("level1", func(a *markdown.Answers) { a.Figures[1].Caption = "A\n\nB" }), code: 1, want: "level1/answers.json"},
	{name: "text/figure-name-marker", setup: edit("level1", func(a *markdown.Answers) { a.Figures[1].Name = resultsEnd }), code: 1, want: "level1/answers.json"},
	{name: "text/other-experiment", setup: edit("pendulum", func(a *markdown.Answers) { a.Answers[0].Answer = "x\n" + resultsEnd }), code: 1, want: "pendulum/answers.json"},

	// Figures.
	{name: "figure/missing-png", setup: do(func(t *testing.T, e *resultsEnv) { e.remove(t, "runs/level1/fig/model-ek.png") }), code: 1, want: "model-ek"},
	{name: "figure/missing-svg", setup: do(func(t *testing.T, e *resultsEnv) { e.remove(t, "runs/pendulum/fig/sample-efficiency.svg") }), code: 1, want: "pendulum"},
	{name: "figure/missing-dir", setup: do(func(t *testing.T, e *resultsEnv) { e.remove(t, "runs/level1/fig") }), code: 1, want: "level1"},
	{name: "figure/directory", setup: figure("fig", "fig/sample-efficiency.svg"), code: 1, want: "sample-efficiency"},
	{name: "figure/dot", setup: figure(".", "fig/sample-efficiency.svg"), code: 1, want: "sample-efficiency"},
	{name: "figure/empty-path", setup: figure("", "fig/sample-efficiency.svg"), code: 1, want: "sample-efficiency"},
	{name: "figure/absolute", setup: figure("/etc/hostname", "fig/sample-efficiency.svg"), code: 1, want: "sample-efficiency"},
	{name: "figure/parent", setup: figure("../pendulum/fig/sample-efficiency.png", "fig/sample-efficiency.svg"), code: 1, want: "sample-efficiency"},
	{name: "figure/parent-inside", setup: figure("fig/../../pendulum/fig/sample-efficiency.png", "fig/sample-efficiency.svg"), code: 1, want: "sample-efficiency"},
	{name: "figure/link-outside", setup: do(func(t *testing.T, e *resultsEnv) {
		e.write(t, "secret.txt", "secret")
		e.link(t, "secret.txt", "runs/level1/fig/model-ek.png")
	}), code: 1, want: "model-ek"},
	{name: "figure/relative-link-outside", setup: do(func(t *testing.T, e *resultsEnv) {
		e.link(t, "../../pendulum/fig/sample-efficiency.png", "runs/level1/fig/model-ek.png")
	}), code: 1, want: "model-ek"},
	{name: "figure/link-absolute", setup: do(func(t *testing.T, e *resultsEnv) { e.link(t, "/etc/passwd", "runs/level1/fig/model-ek.svg") }), code: 1, want: "model-ek"},
	{name: "figure/link-dir-outside", setup: do(func(t *testing.T, e *resultsEnv) {
		if err := os.Rename(e.path("runs/level1/fig"), e.path("outside")); err != nil {
			t.Fatal(err)
		}
		e.link(t, "outside", "runs/level1/fig")
	}), code: 1, want: "level1"},
	{name: "figure/dangling-link", setup: do(func(t *testing.T, e *resultsEnv) { e.link(t, "gone.png", "runs/level1/fig/model-ek.png") }), code: 1, want: "model-ek"},
	{name: "figure/link-to-device", setup: do(func(t *testing.T, e *resultsEnv) { e.link(t, "/dev/zero", "runs/level1/fig/model-ek.png") }), code: 1, want: "model-ek"},
	{name: "figure/fifo", setup: do(func(t *testing.T, e *resultsEnv) { e.fifo(t, "runs/level1/fig/model-ek.png") }), code: 1, want: "model-ek"},
	{name: "figure/link-to-fifo-inside", setup: do(func(t *testing.T, e *resultsEnv) {
		e.fifo(t, "runs/level1/fig/pipe")
		e.link(t, "./pipe", "runs/level1/fig/model-ek.svg")
	}), code: 1, want: "model-ek"},
	{name: "figure/huge", setup: do(func(t *testing.T, e *resultsEnv) { e.sparse(t, "runs/level1/fig/model-ek.png", 4<<30) }), code: 1, want: "model-ek"},
	{name: "figure/png-is-svg", setup: figure("fig/sample-efficiency.svg", "fig/sample-efficiency.svg"), code: 1, want: "sample-efficiency"},
	{name: "figure/same-base-name", setup: steps(
		edit("level1", func(a *markdown.Answers) { a.Figures[1].PNG = "other/sample-efficiency.png" }),
		do(func(t *testing.T, e *resultsEnv) { e.write(t, "runs/level1/other/sample-efficiency.png", "other") }),
	), code: 1, want: "sample-efficiency"},
	{name: "figure/listed-twice", setup: edit("level1", func(a *markdown.Answers) { a.Figures = append(a.Figures, a.Figures[0]) }), code: 1, want: "sample-efficiency"},
	{name: "figure/named-answers", setup: figure("answers.json", "fig/sample-efficiency.svg"), code: 1, want: "sample-efficiency"},
	{name: "figure/destination-directory", setup: do(func(t *testing.T, e *resultsEnv) {
		e.mkdir(t, "docs/results/pendulum/sample-efficiency.svg", 0o755)
	}), code: 1, want: "sample-efficiency.svg"},

	// The markers of --out.
	{name: "markers/begin-only", setup: writeOut("# R\n\n" + resultsBegin + "\n\n## A\n"), code: 1, want: "RESULTS.md"},
	{name: "markers/end-only", setup: writeOut("# R\n\n" + resultsEnd + "\n"), code: 1, want: "RESULTS.md"},
	{name: "markers/two-blocks", setup: writeOut(resultsDoc + resultsDoc), code: 1, want: "RESULTS.md"},
	{name: "markers/reversed", setup: writeOut("# R\n\n" + resultsEnd + "\nx\n" + resultsBegin + "\n"), code: 1, want: "RESULTS.md"},
	{name: "markers/begin-twice", setup: writeOut("# R\n\n" + resultsBegin + "\n" + resultsBegin + "\n" + resultsEnd + "\n"), code: 1, want: "RESULTS.md"},
	{name: "markers/end-twice", setup: writeOut("# R\n\n" + resultsBegin + "\n" + resultsEnd + "\n" + resultsEnd + "\n"), code: 1, want: "RESULTS.md"},
	{name: "out/huge", setup: do(func(t *testing.T, e *resultsEnv) { e.sparse(t, "docs/RESULTS.md", 4<<30) }), code: 1, want: "RESULTS.md"},
	{name: "out/parent-file", args: "--runs {runs} --out {out}/R.md --figures {figs}", code: 1, want: "RESULTS.md"},

	// Valid small sets: they must succeed.
	{name: "valid/replace"},
	{name: "valid/out-absent", setup: do(func(t *testing.T, e *resultsEnv) { e.remove(t, "docs/RESULTS.md") })},
	{name: "valid/out-no-markers", setup: writeOut("# R\n\nIntro.\n\n## A\n\n" + validInOut + "\n")},
	{name: "valid/out-empty", setup: writeOut("")},
	{name: "valid/out-nested-new", args: "--runs {runs} --out {work}/a/b/RESULTS.md --figures {work}/a/figs"},
	{name: "valid/default-figures", args: "--runs {runs} --out {out}"},
	{name: "valid/empty-figures-flag", args: "--runs {runs} --out {out} --figures ''"},
	{name: "valid/runs-trailing-slash", args: "--runs {runs}/ --out {out} --figures {figs}"},
	{name: "valid/runs-link", setup: do(func(t *testing.T, e *resultsEnv) { e.link(t, "runs", "runlink") }),
		args: "--runs {work}/runlink --out {out} --figures {figs}"},
	{name: "valid/out-beside-experiments", args: "--runs {runs} --out {runs}/RESULTS.md --figures {figs}"},
	{name: "valid/version-1.0", setup: version("1.0")},
	{name: "valid/version-1.12", setup: version("1.12")},
	{name: "valid/unknown-key", setup: steps(version("1.3"), field("new_key", map[string]any{"x": []any{1, 2}}))},
	{name: "valid/null-lists", setup: steps(field("answers", nil), field("figures", nil))},
	{name: "valid/only-empty", setup: do(func(t *testing.T, e *resultsEnv) {
		e.remove(t, "runs/level1")
		e.remove(t, "runs/pendulum")
	})},
	{name: "valid/others-skipped", setup: do(func(t *testing.T, e *resultsEnv) {
		e.mkdir(t, "runs/in-progress/iters", 0o755)
		e.write(t, "runs/notes.txt", "a file among the experiments")
	})},
	{name: "valid/figure-link-inside", setup: do(func(t *testing.T, e *resultsEnv) {
		e.write(t, "runs/level1/figs-real/m.png", "real png")
		e.link(t, "../figs-real/m.png", "runs/level1/fig/model-ek.png")
	})},
	{name: "valid/figure-empty", setup: do(func(t *testing.T, e *resultsEnv) { e.write(t, "runs/level1/fig/model-ek.png", "") })},
	{name: "valid/figure-nested", setup: steps(figure("fig/a/b/s.png", "fig/a/s.svg"), do(func(t *testing.T, e *resultsEnv) {
		e.write(t, "runs/level1/fig/a/b/s.png", "png")
		e.write(t, "runs/level1/fig/a/s.svg", "svg")
	}))},
	{name: "valid/figures-replaced", setup: do(func(t *testing.T, e *resultsEnv) {
		e.write(t, "docs/results/level1/model-ek.png", "old")
	})},
	{name: "valid/answers-at-cap", setup: rawEdit("level1", func(b []byte) []byte { return append(b, bytes.Repeat([]byte(" "), mib-len(b))...) })},
	{name: "valid/markdown-text", setup: answerText("`x` is **1.5** (95% CI [1, 2]; *é* ✓) <b>ok</b> \t tab")},
	{name: "valid/dashes-not-markers", setup: answerText("<!-- a comment --> <!-- BEGIN something else -->")},
}

// snapshot is every file under dir with its type, size, link target and,
// for small regular files, a hash of its bytes (pipes are not opened).
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err != nil {
			return nil
		}
		s := fmt.Sprintf("%v %d", info.Mode(), info.Size())
		if info.Mode()&os.ModeSymlink != 0 {
			target, _ := os.Readlink(p)
			s += " -> " + target
		} else if info.Mode().IsRegular() && info.Size() <= 4*mib {
			b, _ := os.ReadFile(p)
			s += fmt.Sprintf(" %x", sha256.Sum256(b))
		} else if info.IsDir() {
			s = "dir"
		}
		rel, _ := filepath.Rel(dir, p)
		out[rel] = s
		return nil
	})
	return out
}

// runResults runs line, failing the case if it has not returned within 10
// seconds (a read blocked on a named pipe); it then opens every pipe under
// dir for writing, which releases a blocked reader.
func runResults(t *testing.T, dir string, line []string) (int, string) {
	t.Helper()
	type result struct {
		code int
		msg  string
	}
	done := make(chan result, 1)
	go func() {
		code, msg := run(t, dir, line)
		done <- result{code, msg}
	}()
	select {
	case r := <-done:
		return r.code, r.msg
	case <-time.After(10 * time.Second):
		filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
			if err == nil && info.Mode()&os.ModeNamedPipe != 0 {
				if f, err := os.OpenFile(p, os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
					f.Close()
				}
			}
			return nil
		})
		<-done
		t.Fatalf("%s: hung (blocked on a named pipe?)", strings.Join(line, " "))
		return 0, ""
	}
}

// TestResultsInputs runs report results on spoiled results directories
// and bad flags: each a usage error (exit 2) or a bad input (exit 1) in
// one line that names the flag or the file, without a panic, without
// hanging on a named pipe and with nothing written or changed (no
// RESULTS.md, figure or temporary file); and on valid small directories,
// where it must write RESULTS.md with one generated block holding every
// answer, copy every figure, keep the hand-written text and give the same
// bytes when run again.
func TestResultsInputs(t *testing.T) {
	for _, c := range resultsCases {
		t.Run(c.name, func(t *testing.T) {
			if c.root && os.Geteuid() == 0 {
				t.Skip("root reads any file")
			}
			e := newResultsEnv(t)
			if c.setup != nil {
				c.setup(t, e)
			}
			t.Cleanup(func() { // let t.TempDir remove what a case made unreadable
				filepath.Walk(e.work, func(p string, info os.FileInfo, err error) error {
					os.Chmod(p, 0o755)
					return nil
				})
			})
			args := c.args
			if args == "" {
				args = defaultResultsArgs
			}
			args = strings.NewReplacer("{runs}", e.runs, "{out}", e.out, "{figs}", e.figs, "{work}", e.work).Replace(args)
			line := append([]string{"report", "results"}, strings.Fields(args)...)
			for i, w := range line {
				if w == "''" {
					line[i] = ""
				}
			}
			cmd := strings.Join(line, " ")
			before := snapshot(t, e.work)
			code, msg := runResults(t, e.work, line)
			if c.code == 0 {
				checkResultsValid(t, e, line, code, msg)
				return
			}
			if code != c.code {
				t.Errorf("%s: exit %d, want %d; stderr %q", cmd, code, c.code, msg)
			}
			checkLine(t, cmd, "report", msg)
			if !strings.Contains(msg, c.want) {
				t.Errorf("%s: stderr does not name %q: %q", cmd, c.want, msg)
			}
			after := snapshot(t, e.work)
			for p, s := range after {
				if before[p] != s && s != "dir" { // a directory made for the outputs may stay, empty
					t.Errorf("%s: failed but wrote %s (%s, was %q)", cmd, p, s, before[p])
				}
			}
			for p := range before {
				if _, ok := after[p]; !ok {
					t.Errorf("%s: failed but removed %s", cmd, p)
				}
			}
		})
	}
}

// checkResultsValid checks a run that must succeed: exit 0, nothing on
// stderr, one block in --out holding every answer, the hand-written text
// kept, every figure copied, and the same bytes from a second run.
func checkResultsValid(t *testing.T, e *resultsEnv, line []string, code int, msg string) {
	t.Helper()
	cmd := strings.Join(line, " ")
	if code != 0 || msg != "" {
		t.Fatalf("%s: exit %d: %s", cmd, code, msg)
	}
	flag := func(name, def string) string {
		for i, w := range line {
			if w == name && i+1 < len(line) && line[i+1] != "" {
				return line[i+1]
			}
		}
		return def
	}
	out := flag("--out", "")
	figs := flag("--figures", filepath.Join(filepath.Dir(out), "results"))
	runs := flag("--runs", "")
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	if strings.Count(doc, resultsBegin) != 1 || strings.Count(doc, resultsEnd) != 1 || strings.Index(doc, resultsBegin) > strings.Index(doc, resultsEnd) {
		t.Fatalf("%s: not one block:\n%s", cmd, doc)
	}
	if strings.Contains(doc, "old block") {
		t.Errorf("%s: the old block is left:\n%s", cmd, doc)
	}
	paths, _ := filepath.Glob(filepath.Join(runs, "*", "answers.json"))
	for _, p := range paths {
		a, err := markdown.ReadAnswers(p)
		if err != nil {
			t.Fatal(err)
		}
		exp := filepath.Base(filepath.Dir(p))
		for _, qa := range a.Answers {
			if !strings.Contains(doc, "**Answer.** "+qa.Answer+"\n") {
				t.Errorf("%s: answer %q missing", cmd, qa.Answer)
			}
		}
		for _, f := range a.Figures {
			for _, src := range []string{f.PNG, f.SVG} {
				want, err := os.ReadFile(filepath.Join(filepath.Dir(p), src))
				if err != nil {
					t.Fatal(err)
				}
				got, err := os.ReadFile(filepath.Join(figs, exp, filepath.Base(src)))
				if err != nil || !bytes.Equal(got, want) {
					t.Errorf("%s: figure %s: copied %q, %v; want %q", cmd, src, got, err, want)
				}
			}
		}
	}
	for _, kept := range []string{"Intro.", validInOut} {
		if strings.Contains(resultsDoc, kept) && strings.Contains(doc, "## History") && !strings.Contains(doc, kept) {
			t.Errorf("%s: hand-written %q lost", cmd, kept)
		}
	}
	before := snapshot(t, e.work)
	if code, msg := runResults(t, e.work, line); code != 0 {
		t.Fatalf("%s: second run: exit %d: %s", cmd, code, msg)
	}
	after := snapshot(t, e.work)
	for p, s := range after {
		if before[p] != s {
			t.Errorf("%s: a second run changed %s", cmd, p)
		}
	}
}
