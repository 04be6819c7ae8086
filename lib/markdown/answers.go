package markdown

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/dynago/dynago/lib/format"
)

// AnswersFile is the name, beside a report, of its answers (Answers).
const AnswersFile = "answers.json"

// AnswersKind and AnswersVersion identify an answers file; readers reject
// another kind or major version.
const (
	AnswersKind    = "dynago_answers"
	AnswersVersion = "1"
)

// Answers is a report's headline answers and main figures, written as
// answers.json beside the report so that "report results" can gather the
// answers of every experiment into docs/RESULTS.md. docs/FORMATS.md
// documents it.
type Answers struct {
	Kind          string `json:"kind"`           // AnswersKind
	FormatVersion string `json:"format_version"` // AnswersVersion
	Report        string `json:"report"`         // level1, level2, level3, dyna-study, ...
	Title         string `json:"title"`          // the report's title
	Env           string `json:"env"`            // the runs' environment; "" when they record none or disagree
	Runs          string `json:"runs"`           // the runs directory, as given
	Command       string `json:"command"`        // the report command, as run
	Regenerate    string `json:"regenerate"`     // the command that makes the runs and the report again; "" if not given
	Tool          string `json:"tool"`
	ToolVersion   string `json:"tool_version"`
	Commit        string `json:"commit"`      // the tool's VCS revision; "" if built without one
	CommitTime    string `json:"commit_time"` // its time (RFC 3339, UTC); "" if unknown
	Modified      bool   `json:"modified"`    // built from a tree with uncommitted changes
	Answers       []QA   `json:"answers"`
	Figures       []Fig  `json:"figures"` // the main figures, in the report's order of preference
}

// QA is one question of a report with its answer (Markdown, the number
// and its interval in words).
type QA struct {
	Section  string `json:"section"`
	Question string `json:"question"`
	Answer   string `json:"answer"`
}

// Fig is a figure of a report: its name, caption and its files' paths
// relative to the report's directory.
type Fig struct {
	Name    string `json:"name"`
	Caption string `json:"caption"`
	PNG     string `json:"png"`
	SVG     string `json:"svg"`
}

// Provenance is what an answers file records about the report's making;
// the report command sets it on Report.Meta.
type Provenance struct {
	Report, Env, Runs, Command, Regenerate string
	Tool, ToolVersion                      string
	Commit, CommitTime                     string
	Modified                               bool
}

// MainFigures marks the named figures as the report's main ones, listed
// in answers.json in this order. Names the report did not draw (a section
// without its runs) are left out, so a caller may name every figure that
// could be main.
func (r *Report) MainFigures(names ...string) { r.main = append(r.main, names...) }

// answers returns the report's answers file.
func (r *Report) answers() *Answers {
	m := r.Meta
	a := &Answers{
		Kind: AnswersKind, FormatVersion: AnswersVersion, Report: m.Report, Title: r.Title, Env: m.Env,
		Runs: m.Runs, Command: m.Command, Regenerate: m.Regenerate, Tool: m.Tool, ToolVersion: m.ToolVersion,
		Commit: m.Commit, CommitTime: m.CommitTime, Modified: m.Modified,
		Answers: []QA{}, Figures: []Fig{},
	}
	for _, s := range r.secs {
		a.Answers = append(a.Answers, s.qas...)
	}
	for _, name := range r.main {
		i := slices.IndexFunc(r.figs, func(f Fig) bool { return f.Name == name })
		if i >= 0 && !slices.ContainsFunc(a.Figures, func(f Fig) bool { return f.Name == name }) {
			a.Figures = append(a.Figures, r.figs[i])
		}
	}
	return a
}

// JSON returns the answers file's bytes: indented, one trailing newline.
func (a *Answers) JSON() ([]byte, error) {
	b, err := json.MarshalIndent(a, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// MaxAnswersSize is the largest answers file ReadAnswers reads: a report's
// answers take a few kilobytes, so a larger file is not one.
const MaxAnswersSize = 1 << 20

// ReadAnswers reads an answers file: one JSON object, nothing after it,
// of kind AnswersKind and major version AnswersVersion (any minor: a
// minor version only adds keys, which are ignored), whose texts are each
// one line and whose figures lie inside the report's directory. The file
// must be a regular file of at most MaxAnswersSize bytes; its mode is
// checked before it is opened, so a named pipe is refused, not waited on.
func ReadAnswers(path string) (*Answers, error) {
	b, err := format.ReadCapped(format.OSDir{}, path, MaxAnswersSize)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	var a Answers
	if err := dec.Decode(&a); err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	if err := dec.Decode(new(json.RawMessage)); err != io.EOF {
		return nil, fmt.Errorf("read %s: data after the JSON object", path)
	}
	if a.Kind != AnswersKind {
		return nil, fmt.Errorf("read %s: kind %q, want %q", path, a.Kind, AnswersKind)
	}
	if !compatible(a.FormatVersion) {
		return nil, fmt.Errorf("read %s: unsupported format_version %q (this reader reads %s and %s.MINOR)", path, a.FormatVersion, AnswersVersion, AnswersVersion)
	}
	for _, t := range a.Texts() {
		if i := strings.IndexFunc(t.Value, control); i >= 0 {
			r, _ := utf8.DecodeRuneInString(t.Value[i:])
			return nil, fmt.Errorf("read %s: %s holds the control character %q: each text is one line", path, t.Key, r)
		}
	}
	for _, f := range a.Figures {
		for _, p := range []string{f.PNG, f.SVG} {
			if p == "" || filepath.IsAbs(p) || !filepath.IsLocal(p) {
				return nil, fmt.Errorf("read %s: figure %q: path %q is not inside the report's directory", path, f.Name, p)
			}
		}
	}
	return &a, nil
}

// compatible reports whether v is AnswersVersion or AnswersVersion.MINOR,
// MINOR being decimal digits.
func compatible(v string) bool {
	major, minor, dotted := strings.Cut(v, ".")
	if major != AnswersVersion {
		return false
	}
	if !dotted {
		return true
	}
	return minor != "" && strings.Trim(minor, "0123456789") == ""
}

// A Text is a string of an answers file with its key (answers[1].answer).
type Text struct{ Key, Value string }

// Texts returns every string of a with its key, in the file's order.
func (a *Answers) Texts() []Text {
	ts := []Text{
		{"report", a.Report}, {"title", a.Title}, {"env", a.Env}, {"runs", a.Runs}, {"command", a.Command},
		{"regenerate", a.Regenerate}, {"tool", a.Tool}, {"tool_version", a.ToolVersion}, {"commit", a.Commit},
		{"commit_time", a.CommitTime},
	}
	for i, qa := range a.Answers {
		k := fmt.Sprintf("answers[%d].", i)
		ts = append(ts, Text{k + "section", qa.Section}, Text{k + "question", qa.Question}, Text{k + "answer", qa.Answer})
	}
	for i, f := range a.Figures {
		k := fmt.Sprintf("figures[%d].", i)
		ts = append(ts, Text{k + "name", f.Name}, Text{k + "caption", f.Caption}, Text{k + "png", f.PNG}, Text{k + "svg", f.SVG})
	}
	return ts
}

// control reports whether r may not appear in a text of an answers file:
// a control character other than tab (a newline would end the paragraph
// or heading the text is rendered into).
func control(r rune) bool { return r != '\t' && unicode.IsControl(r) }
