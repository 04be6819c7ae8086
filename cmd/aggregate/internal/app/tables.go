package app

import (
	"github.com/dynago/dynago/lib/estimate"
	"github.com/dynago/dynago/lib/markdown"
)

// improvementTable returns a row per pair.
func improvementTable(title string, imp []estimate.Comparison) *markdown.Table {
	t := &markdown.Table{Title: title, Columns: []string{"X", "Y", "P(X > Y)", "CI"}}
	for _, c := range imp {
		t.Add(c.X, c.Y, markdown.Num(c.P.Point), markdown.CI(c.P))
	}
	return t
}

// curvesTable returns the curves in long form: a row per variant and x.
func curvesTable(title, xname, yname string, curves []estimate.Curve) *markdown.Table {
	t := &markdown.Table{Title: title, Columns: []string{"variant", xname, yname, "lo", "hi"}}
	for _, c := range curves {
		for k, iv := range c.Est {
			t.Add(c.Variant, markdown.Num(c.X[k]), markdown.Num(iv.Point), markdown.Num(iv.Lo), markdown.Num(iv.Hi))
		}
	}
	return t
}
