package markdown

import (
	"bytes"
	"fmt"
	"io"
	"maps"
	"path/filepath"
	"slices"
	"strings"
)

// FigDir is the directory, beside a report, that holds its figures.
const FigDir = "fig"

// Report is a Markdown report under construction: a title, an
// introduction and sections. Figures are drawn into memory when added and
// written, with the report, by Write (see the package doc).
type Report struct {
	Title string
	Path  string // the Markdown file
	Intro []string
	// Meta, when Meta.Report is set, makes Write also write answers.json
	// (Answers) beside the report.
	Meta  Provenance
	secs  []*Section
	files Files
	figs  []Fig    // every figure, in the order drawn
	main  []string // MainFigures
}

// Section is a part of a report: blocks rendered in the order added.
type Section struct {
	Title  string
	r      *Report
	blocks []string
	qas    []QA
}

// NewReport returns an empty report to be written to path.
func NewReport(title, path string) *Report { return &Report{Title: title, Path: path} }

// Section appends a section.
func (r *Report) Section(title string) *Section {
	s := &Section{Title: title, r: r}
	r.secs = append(r.secs, s)
	return s
}

// Text appends a paragraph.
func (s *Section) Text(format string, args ...any) {
	s.blocks = append(s.blocks, fmt.Sprintf(format, args...))
}

// Answer appends a question and its answer, which should carry the number
// and its interval in words.
func (s *Section) Answer(question, answer string) {
	s.blocks = append(s.blocks, fmt.Sprintf("**Question.** %s\n\n**Answer.** %s", question, answer))
	s.qas = append(s.qas, QA{Section: s.Title, Question: question, Answer: answer})
}

// Bullets appends a list.
func (s *Section) Bullets(items ...string) {
	s.blocks = append(s.blocks, "- "+strings.Join(items, "\n- "))
}

// Table appends a table, its title as a bold caption.
func (s *Section) Table(t *Table) {
	s.blocks = append(s.blocks, strings.TrimRight(t.text("**%s**\n\n"), "\n"))
}

// Code appends a code block of shell commands.
func (s *Section) Code(lines ...string) {
	s.blocks = append(s.blocks, "```sh\n"+strings.Join(lines, "\n")+"\n```")
}

// Figure draws a figure with draw (given each path to write) into memory,
// to be written as fig/name.png and fig/name.svg beside the report, and
// embeds the PNG with its caption, linking the SVG.
func (s *Section) Figure(name, caption string, draw func(path string) error) error {
	dir := filepath.Join(filepath.Dir(s.r.Path), FigDir)
	if err := s.r.files.AddFigure(dir, name, draw); err != nil {
		return fmt.Errorf("figure %s: %w", name, err)
	}
	rel := FigDir + "/" + name
	s.r.figs = append(s.r.figs, Fig{Name: name, Caption: caption, PNG: rel + ".png", SVG: rel + ".svg"})
	s.blocks = append(s.blocks, fmt.Sprintf("![%s](%s.png)\n\n*%s* ([SVG](%s.svg))", name, rel, caption, rel))
	return nil
}

// Markdown writes the report.
func (r *Report) Markdown(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "# %s\n", r.Title)
	for _, p := range r.Intro {
		fmt.Fprintf(&b, "\n%s\n", p)
	}
	for _, s := range r.secs {
		fmt.Fprintf(&b, "\n## %s\n", s.Title)
		for _, blk := range s.blocks {
			fmt.Fprintf(&b, "\n%s\n", blk)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// Files returns the report's outputs: its figures, answers.json beside
// the report when Meta.Report is set, then the report.
func (r *Report) Files() (*Files, error) {
	var buf bytes.Buffer
	if err := r.Markdown(&buf); err != nil {
		return nil, err
	}
	files := r.files
	files.paths = slices.Clone(files.paths)
	files.data = maps.Clone(files.data)
	if r.Meta.Report != "" {
		b, err := r.answers().JSON()
		if err != nil {
			return nil, err
		}
		files.Add(filepath.Join(filepath.Dir(r.Path), AnswersFile), b)
	}
	files.Add(r.Path, buf.Bytes())
	return &files, nil
}

// Write writes the figures, answers.json (when Meta.Report is set), then
// the report, each atomically. Call it once, after every section is
// complete.
func (r *Report) Write() error {
	files, err := r.Files()
	if err != nil {
		return err
	}
	return files.Write()
}
