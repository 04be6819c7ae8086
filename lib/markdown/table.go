package markdown

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"path/filepath"
	"strings"
)

// Table is a result table: a header, rows of cells and notes (sentences a
// reader needs: what was normalised, how intervals were computed). Markdown
// prints the notes under the table; CSV holds only header and rows.
type Table struct {
	Title   string
	Columns []string
	Rows    [][]string
	Notes   []string
}

// Add appends a row; it panics unless the row has a cell per column.
func (t *Table) Add(cells ...string) {
	if len(cells) != len(t.Columns) {
		panic(fmt.Sprintf("markdown: table %q: row of %d cells for %d columns", t.Title, len(cells), len(t.Columns)))
	}
	t.Rows = append(t.Rows, cells)
}

// Markdown writes the table as GitHub-flavoured Markdown: a "### Title"
// heading when Title is set, the table, and the notes as a paragraph.
func (t *Table) Markdown(w io.Writer) error {
	_, err := io.WriteString(w, t.text("### %s\n\n"))
	return err
}

// text returns the title formatted by heading (when set), the table and
// the notes as a paragraph.
func (t *Table) text(heading string) string {
	var b strings.Builder
	if t.Title != "" {
		fmt.Fprintf(&b, heading, t.Title)
	}
	b.WriteString(t.grid())
	if len(t.Notes) > 0 {
		fmt.Fprintf(&b, "\n%s\n", strings.Join(t.Notes, " "))
	}
	return b.String()
}

// grid returns the table's header, separator and rows.
func (t *Table) grid() string {
	var b strings.Builder
	row := func(cells []string) {
		b.WriteString("|")
		for _, c := range cells {
			b.WriteString(" " + strings.ReplaceAll(c, "|", `\|`) + " |")
		}
		b.WriteString("\n")
	}
	row(t.Columns)
	sep := make([]string, len(t.Columns))
	for i := range sep {
		sep[i] = "---"
	}
	row(sep)
	for _, r := range t.Rows {
		row(r)
	}
	return b.String()
}

// CSV writes the header and rows as CSV.
func (t *Table) CSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(t.Columns); err != nil {
		return err
	}
	if err := cw.WriteAll(t.Rows); err != nil {
		return err
	}
	return cw.Error()
}

// AddTo adds the table to files as dir/name.md and dir/name.csv.
func (t *Table) AddTo(files *Files, dir, name string) error {
	var md, c bytes.Buffer
	if err := t.Markdown(&md); err != nil {
		return err
	}
	if err := t.CSV(&c); err != nil {
		return err
	}
	files.Add(filepath.Join(dir, name+".md"), md.Bytes())
	files.Add(filepath.Join(dir, name+".csv"), c.Bytes())
	return nil
}
