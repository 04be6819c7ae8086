package analysis

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/dynago/dynago/lib/format"
	"github.com/dynago/dynago/lib/stats"
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
		panic(fmt.Sprintf("analysis: table %q: row of %d cells for %d columns", t.Title, len(cells), len(t.Columns)))
	}
	t.Rows = append(t.Rows, cells)
}

// Markdown writes the table as GitHub-flavoured Markdown: a "### Title"
// heading when Title is set, the table, and the notes as a paragraph.
func (t *Table) Markdown(w io.Writer) error {
	var b strings.Builder
	if t.Title != "" {
		fmt.Fprintf(&b, "### %s\n\n", t.Title)
	}
	b.WriteString(t.grid())
	if len(t.Notes) > 0 {
		fmt.Fprintf(&b, "\n%s\n", strings.Join(t.Notes, " "))
	}
	_, err := io.WriteString(w, b.String())
	return err
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

// WriteTable writes dir/name.md and dir/name.csv atomically.
func WriteTable(dir, name string, t *Table) error {
	var md, c bytes.Buffer
	if err := t.Markdown(&md); err != nil {
		return err
	}
	if err := t.CSV(&c); err != nil {
		return err
	}
	for ext, b := range map[string][]byte{".md": md.Bytes(), ".csv": c.Bytes()} {
		err := format.WriteAtomic(filepath.Join(dir, name+ext), func(f *os.File) error {
			_, err := f.Write(b)
			return err
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// FigureExts are the formats SaveFigure writes, the first being the one a
// report embeds.
var FigureExts = []string{".png", ".svg"}

// SaveFigure draws a figure as dir/name.png and dir/name.svg with draw,
// which takes the path to write.
func SaveFigure(dir, name string, draw func(path string) error) error {
	for _, ext := range FigureExts {
		if err := draw(filepath.Join(dir, name+ext)); err != nil {
			return err
		}
	}
	return nil
}

// Num formats a number for a table or sentence: integers without a
// decimal point, large numbers with one decimal, small ones with three
// significant digits.
func Num(v float64) string {
	a := math.Abs(v)
	switch {
	case math.IsInf(v, 1):
		return "∞"
	case math.IsInf(v, -1):
		return "-∞"
	case math.IsNaN(v):
		return "NaN"
	case math.Abs(v-math.Round(v)) <= 1e-9*max(1, a) && a < 1e15:
		return strconv.FormatFloat(math.Round(v), 'f', 0, 64)
	case a >= 100:
		return strconv.FormatFloat(v, 'f', 1, 64)
	case a >= 0.1:
		return strconv.FormatFloat(v, 'f', 3, 64)
	}
	return strconv.FormatFloat(v, 'g', 3, 64)
}

// CI formats an interval as "[lo, hi]".
func CI(iv stats.Interval) string { return "[" + Num(iv.Lo) + ", " + Num(iv.Hi) + "]" }

// Pct formats a fraction as a percentage.
func Pct(f float64) string { return strconv.FormatFloat(100*f, 'f', 0, 64) + "%" }

// Steps formats a number of environment steps: rounded, with thousands
// separated by commas ("12,500").
func Steps(v float64) string {
	if math.IsInf(v, 0) || math.IsNaN(v) {
		return Num(v)
	}
	s := strconv.FormatFloat(math.Abs(math.Round(v)), 'f', 0, 64)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	if math.Round(v) < 0 {
		s = "-" + s
	}
	return s
}
