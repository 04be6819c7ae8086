package metric_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/dynago/dynago/lib/format/metric"
)

// formatsDoc is the document that makes the names a contract.
const formatsDoc = "../../../docs/FORMATS.md"

// families maps each exported function to the name pattern docs/FORMATS.md
// documents for it and one name it builds. A new function needs a row
// here, and its pattern a row in the document.
var families = []struct {
	fn, pattern, example, want string
}{
	{"Hist", "hist_LABEL_dJ", metric.Hist("visits", 3), "hist_visits_d3"},
	{"HistPrefix", "", metric.HistPrefix("visits"), "hist_visits_d"},
	{"HistTV", "hist_tv_A_B", metric.HistTV("old", "new"), "hist_tv_old_new"},
	{"HistTVDim", "hist_tv_A_B_dim", metric.HistTVDim("old", "new"), "hist_tv_old_new_dim"},
	{"HistEdgesKey", "hist_edges_dJ", metric.HistEdgesKey(12), "hist_edges_d12"},
}

// TestDocumented checks that the package's names and the names that
// docs/FORMATS.md's "Metric names" section documents are the same set:
// constants against the plain names of its metric table, functions
// against its patterns (upper-case parts stand for labels and numbers)
// and its metadata key table.
func TestDocumented(t *testing.T) {
	consts, funcs := exported(t)
	metrics, keys := documented(t)

	var plain, patterns []string
	for _, m := range metrics {
		if m == strings.ToLower(m) {
			plain = append(plain, m)
		} else {
			patterns = append(patterns, m)
		}
	}
	var values []string
	for _, v := range consts {
		values = append(values, v)
	}
	sameSet(t, "constants", values, "metric names in "+formatsDoc, plain)

	var fams, famPatterns []string
	for _, f := range families {
		fams = append(fams, f.fn)
		if f.example != f.want {
			t.Errorf("%s built %q, want %q", f.fn, f.example, f.want)
		}
		if f.pattern == "" {
			continue
		}
		famPatterns = append(famPatterns, f.pattern)
		if !patternRE(f.pattern).MatchString(f.example) {
			t.Errorf("%s built %q, which does not fit its documented pattern %s", f.fn, f.example, f.pattern)
		}
	}
	sameSet(t, "exported functions", funcs, "the test's families", fams)
	sameSet(t, "the families' patterns", famPatterns, "patterns and keys in "+formatsDoc, append(patterns, keys...))

	// A constant must not collide with a family either.
	for name, v := range consts {
		for _, f := range families {
			if f.pattern != "" && patternRE(f.pattern).MatchString(v) {
				t.Errorf("constant %s = %q fits the pattern %s of %s", name, v, f.pattern, f.fn)
			}
		}
	}
}

// exported returns the package's exported string constants (name to
// value) and exported functions, read from its source.
func exported(t *testing.T) (map[string]string, []string) {
	t.Helper()
	fset := token.NewFileSet()
	pkgs, err := parser.ParseDir(fset, ".", func(fi os.FileInfo) bool { return !strings.HasSuffix(fi.Name(), "_test.go") }, 0)
	if err != nil {
		t.Fatal(err)
	}
	consts := map[string]string{}
	var funcs []string
	for _, f := range pkgs["metric"].Files {
		for _, d := range f.Decls {
			switch d := d.(type) {
			case *ast.FuncDecl:
				if d.Name.IsExported() {
					funcs = append(funcs, d.Name.Name)
				}
			case *ast.GenDecl:
				if d.Tok != token.CONST {
					continue
				}
				for _, s := range d.Specs {
					vs := s.(*ast.ValueSpec)
					for i, n := range vs.Names {
						if !n.IsExported() {
							continue
						}
						lit, ok := vs.Values[i].(*ast.BasicLit)
						if !ok || lit.Kind != token.STRING {
							t.Fatalf("constant %s: want a string literal", n.Name)
						}
						v, err := strconv.Unquote(lit.Value)
						if err != nil {
							t.Fatal(err)
						}
						consts[n.Name] = v
					}
				}
			}
		}
	}
	return consts, funcs
}

// documented returns the first column of the metric table and of the
// metadata key table of formatsDoc's "### Metric names" section.
func documented(t *testing.T) (metrics, keys []string) {
	t.Helper()
	b, err := os.ReadFile(formatsDoc)
	if err != nil {
		t.Fatal(err)
	}
	_, sec, ok := strings.Cut(string(b), "\n### Metric names\n")
	if !ok {
		t.Fatalf("%s has no \"### Metric names\" section", formatsDoc)
	}
	if i := strings.Index(sec, "\n#"); i >= 0 {
		sec = sec[:i]
	}
	var dst *[]string
	for _, line := range strings.Split(sec, "\n") {
		cells := strings.Split(line, "|")
		if len(cells) < 3 {
			continue
		}
		first := strings.TrimSpace(cells[1])
		switch {
		case first == "metric":
			dst = &metrics
		case first == "key":
			dst = &keys
		case strings.HasPrefix(first, "`") && strings.HasSuffix(first, "`") && dst != nil:
			*dst = append(*dst, strings.Trim(first, "`"))
		}
	}
	if len(metrics) == 0 || len(keys) == 0 {
		t.Fatalf("%s: found %d metric names and %d keys, want tables headed \"metric\" and \"key\"", formatsDoc, len(metrics), len(keys))
	}
	return metrics, keys
}

// patternRE matches the names a documented pattern stands for: each
// upper-case part is a label (letters and digits).
func patternRE(p string) *regexp.Regexp {
	return regexp.MustCompile("^" + regexp.MustCompile(`[A-Z]+`).ReplaceAllString(regexp.QuoteMeta(p), `[a-zA-Z0-9]+`) + "$")
}

// sameSet reports the elements of a missing from b and the other way round,
// and duplicates in either.
func sameSet(t *testing.T, aName string, a []string, bName string, b []string) {
	t.Helper()
	for _, x := range []struct {
		name string
		s    []string
	}{{aName, a}, {bName, b}} {
		s := slices.Sorted(slices.Values(x.s))
		for i := 1; i < len(s); i++ {
			if s[i] == s[i-1] {
				t.Errorf("%s: %q twice", x.name, s[i])
			}
		}
	}
	for _, x := range a {
		if !slices.Contains(b, x) {
			t.Errorf("%q is in %s but not in %s", x, aName, bName)
		}
	}
	for _, x := range b {
		if !slices.Contains(a, x) {
			t.Errorf("%q is in %s but not in %s", x, bName, aName)
		}
	}
}
