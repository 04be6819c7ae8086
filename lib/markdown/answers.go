package markdown

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
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

// ReadAnswers reads an answers file, checking its kind and major version.
func ReadAnswers(path string) (*Answers, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	var a Answers
	if err := dec.Decode(&a); err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	if a.Kind != AnswersKind {
		return nil, fmt.Errorf("read %s: kind %q, want %q", path, a.Kind, AnswersKind)
	}
	if a.FormatVersion != AnswersVersion {
		return nil, fmt.Errorf("read %s: unsupported format_version %q (this reader reads %s)", path, a.FormatVersion, AnswersVersion)
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
