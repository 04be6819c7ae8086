package results

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/dynago/dynago/lib/format"
	"github.com/dynago/dynago/lib/markdown"
)

// The markers around the generated block.
const (
	Begin = "<!-- BEGIN make results -->"
	End   = "<!-- END make results -->"
)

// Options configures Build.
type Options struct {
	Runs    string // the results directory: one experiment per subdirectory holding answers.json
	Out     string // RESULTS.md, rewritten between the markers (created if absent)
	Figures string // where each experiment's main figures are copied, one subdirectory per experiment
	Command string // the command that made the block, recorded in it
}

// Experiment is one subdirectory's answers.
type Experiment struct {
	Name    string // the subdirectory
	Dir     string
	Answers *markdown.Answers
}

// Load reads DIR/*/answers.json, in the order of order. Subdirectories
// without one (runs in progress) are skipped; an experiment whose
// directory name or answers would break the generated block (a control
// character, a marker) is an error.
func Load(dir string) ([]Experiment, error) {
	if st, err := os.Stat(dir); err != nil {
		return nil, err
	} else if !st.IsDir() {
		return nil, fmt.Errorf("%s: not a directory", dir)
	}
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var exps []Experiment
	for _, ent := range ents {
		d := filepath.Join(dir, ent.Name())
		p := filepath.Join(d, markdown.AnswersFile)
		if st, err := os.Stat(d); err != nil || !st.IsDir() {
			continue // a file beside the experiments
		}
		if _, err := os.Lstat(p); errors.Is(err, fs.ErrNotExist) {
			continue
		} else if err != nil {
			return nil, err
		}
		if err := checkText(ent.Name()); err != nil {
			return nil, fmt.Errorf("experiment %q: its directory's name %w", ent.Name(), err)
		}
		a, err := markdown.ReadAnswers(p)
		if err != nil {
			return nil, err
		}
		for _, t := range a.Texts() {
			if err := checkText(t.Value); err != nil {
				return nil, fmt.Errorf("read %s: %s %w", p, t.Key, err)
			}
		}
		exps = append(exps, Experiment{Name: ent.Name(), Dir: d, Answers: a})
	}
	if len(exps) == 0 {
		return nil, fmt.Errorf("%s: no experiment holds an %s (run make results, or a level's make target with OUT=%s/NAME)", dir, markdown.AnswersFile, dir)
	}
	slices.SortStableFunc(exps, func(x, y Experiment) int {
		if c := rank(x.Answers.Report) - rank(y.Answers.Report); c != 0 {
			return c
		}
		if c := strings.Compare(x.Answers.Env, y.Answers.Env); c != 0 {
			return c
		}
		return strings.Compare(x.Name, y.Name)
	})
	return exps, nil
}

// checkText is an error if s cannot go into the generated block as it
// is: it holds a marker, which would end the block early or make the next
// run find two, or a line break (a control character).
func checkText(s string) error {
	for _, m := range []string{Begin, End} {
		if strings.Contains(s, m) {
			return fmt.Errorf("holds the marker %q", m)
		}
	}
	if i := strings.IndexFunc(s, func(r rune) bool { return r != '\t' && unicode.IsControl(r) }); i >= 0 {
		r, _ := utf8.DecodeRuneInString(s[i:])
		return fmt.Errorf("holds the control character %q", r)
	}
	return nil
}

// Size limits: a figure of a report is a plot (kilobytes), RESULTS.md
// text; anything larger is not what it claims to be.
const (
	MaxFigureSize  = 16 << 20
	MaxResultsSize = 16 << 20
)

// reports is the order of the experiments in the block, by report kind;
// kinds not listed come after, by name.
var reports = []string{"level1", "level2", "level3", "dyna-study"}

func rank(kind string) int {
	if i := slices.Index(reports, kind); i >= 0 {
		return i
	}
	return len(reports)
}

// Build reads the experiments and returns the outputs to write together:
// each main figure copied to Figures/<experiment>/, then Out with its
// generated block replaced. A figure is read through the experiment's
// directory (os.Root), so neither its path nor a symbolic link leads out
// of it, and only if it is a regular file of at most MaxFigureSize bytes
// (a named pipe is refused, not waited on).
func Build(opt Options) (*markdown.Files, error) {
	exps, err := Load(opt.Runs)
	if err != nil {
		return nil, err
	}
	var files markdown.Files
	rel, err := filepath.Rel(filepath.Dir(opt.Out), opt.Figures)
	if err != nil {
		return nil, fmt.Errorf("--figures %s: %w", opt.Figures, err)
	}
	for _, e := range exps {
		if err := addFigures(&files, e, opt.Figures); err != nil {
			return nil, fmt.Errorf("experiment %s: %w", e.Name, err)
		}
	}
	old, err := format.ReadCapped(format.OSDir{}, opt.Out, MaxResultsSize)
	if errors.Is(err, fs.ErrNotExist) {
		old, err = []byte("# Results\n"), nil
	}
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", opt.Out, err)
	}
	doc, err := Splice(string(old), Block(exps, filepath.ToSlash(rel), opt))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", opt.Out, err)
	}
	if slices.Contains(files.Paths(), filepath.Clean(opt.Out)) {
		return nil, fmt.Errorf("%s is also a copied figure", opt.Out)
	}
	files.Add(opt.Out, []byte(doc))
	return &files, nil
}

// addFigures adds e's main figures, copied to figs/<e.Name>/.
func addFigures(files *markdown.Files, e Experiment, figs string) error {
	if len(e.Answers.Figures) == 0 {
		return nil
	}
	root, err := os.OpenRoot(e.Dir)
	if err != nil {
		return err
	}
	defer root.Close()
	from := map[string]string{} // destination -> source
	for _, f := range e.Answers.Figures {
		for _, p := range []struct{ path, ext string }{{f.PNG, ".png"}, {f.SVG, ".svg"}} {
			if !strings.EqualFold(filepath.Ext(p.path), p.ext) {
				return fmt.Errorf("figure %s: %s: not a %s file", f.Name, p.path, p.ext)
			}
			dst := filepath.Join(figs, e.Name, filepath.Base(p.path))
			if src, ok := from[dst]; ok {
				return fmt.Errorf("figure %s: %s and %s would both be copied to %s", f.Name, src, p.path, dst)
			}
			from[dst] = p.path
			b, err := format.ReadCapped(root, p.path, MaxFigureSize)
			var pe *fs.PathError
			if errors.As(err, &pe) {
				err = pe.Err // "statat fig/x.png: ...": the path is named already
			}
			if err != nil {
				return fmt.Errorf("figure %s: %s: %w", f.Name, p.path, err)
			}
			files.Add(dst, b)
		}
	}
	return nil
}

// Splice returns doc with the text between the markers replaced by block
// (which holds the markers). Without markers, the block goes before the
// first "## " heading (after the title and its introduction), or at the
// end when there is none. One marker alone, or more than one block, is an
// error: the hand-written text would be lost.
func Splice(doc, block string) (string, error) {
	nb, ne := strings.Count(doc, Begin), strings.Count(doc, End)
	switch {
	case nb == 1 && ne == 1:
		i, j := strings.Index(doc, Begin), strings.Index(doc, End)
		if j < i {
			return "", fmt.Errorf("%q comes before %q", End, Begin)
		}
		return doc[:i] + block + doc[j+len(End):], nil
	case nb != 0 || ne != 0:
		return "", fmt.Errorf("want one %q and one %q, found %d and %d", Begin, End, nb, ne)
	}
	i := strings.Index(doc, "\n## ")
	if strings.HasPrefix(doc, "## ") {
		i = -1
	}
	if i < 0 {
		return strings.TrimRight(doc, "\n") + "\n\n" + block + "\n", nil
	}
	return doc[:i+1] + block + "\n\n" + doc[i+1:], nil
}

// Block returns the generated block, markers included, without a final
// newline. figs is the figures' directory relative to RESULTS.md's.
func Block(exps []Experiment, figs string, opt Options) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n", Begin)
	b.WriteString("## Headline answers (generated)\n\n")
	fmt.Fprintf(&b, "Generated by `%s` from the `%s` each experiment's report writes in `%s`, "+
		"so every number is the report's, with its interval; `make results-report` rewrites everything between the markers, "+
		"and the rest of this file is written by hand.\n",
		opt.Command, markdown.AnswersFile, opt.Runs)
	for _, e := range exps {
		a := e.Answers
		fmt.Fprintf(&b, "\n### %s (`%s`)\n\n", a.Title, e.Name)
		var facts []string
		if a.Env != "" {
			facts = append(facts, "Environment: "+a.Env+".")
		}
		facts = append(facts, fmt.Sprintf("Runs: `%s`. Full report: `%s`.", a.Runs, filepath.ToSlash(filepath.Join(opt.Runs, e.Name, "report.md"))))
		if a.Regenerate != "" {
			facts = append(facts, fmt.Sprintf("Regenerate: `%s`.", a.Regenerate))
		}
		facts = append(facts, fmt.Sprintf("Report command: `%s`.", a.Command))
		facts = append(facts, "Built from "+build(a)+".")
		fmt.Fprintf(&b, "%s\n", strings.Join(facts, " "))
		if len(a.Answers) == 0 {
			b.WriteString("\nThe report answers no question yet (its sections' runs are missing).\n")
		}
		for i, qa := range a.Answers {
			if i == 0 || qa.Section != a.Answers[i-1].Section {
				fmt.Fprintf(&b, "\n#### %s\n", qa.Section)
			}
			fmt.Fprintf(&b, "\n**Question.** %s\n\n**Answer.** %s\n", qa.Question, qa.Answer)
		}
		for _, f := range a.Figures {
			p := figs + "/" + e.Name + "/"
			fmt.Fprintf(&b, "\n![%s](%s%s)\n\n*%s* ([SVG](%s%s))\n", f.Name, p, filepath.Base(f.PNG), f.Caption, p, filepath.Base(f.SVG))
		}
	}
	fmt.Fprintf(&b, "\n%s", End)
	return b.String()
}

// build describes the commit a report's tool was built from.
func build(a *markdown.Answers) string {
	if a.Commit == "" {
		return fmt.Sprintf("%s %s (no commit recorded)", a.Tool, a.ToolVersion)
	}
	c := a.Commit
	if len(c) > 12 {
		c = c[:12]
	}
	s := "commit " + c
	if a.CommitTime != "" {
		s += " of " + a.CommitTime
	}
	if a.Modified {
		s += ", with uncommitted changes"
	}
	return s
}

// Write is Build and writing its outputs, each atomically, once all are
// computed.
func Write(opt Options) error {
	files, err := Build(opt)
	if err != nil {
		return err
	}
	return files.Write()
}
