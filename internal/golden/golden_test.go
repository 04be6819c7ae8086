package golden

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestDiff(t *testing.T) {
	many := strings.Repeat("x\n", maxDiffLines+3)
	cases := []struct {
		name, want, got, diff string
	}{
		{"equal", "a\nb\n", "a\nb\n", ""},
		{"one line", "a\nb\nc", "a\nB\nc", "line 2:\n- b\n+ B\n"},
		{"got longer", "a", "a\nb", "line 2:\n- (no line)\n+ b\n"},
		{"want longer", "a\nb", "a", "line 2:\n- b\n+ (no line)\n"},
		{"final newline", "a\n", "a", "line 2:\n- \n+ (no line)\n"},
		{"capped", many, strings.ToUpper(many), capped()},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if d := Diff(c.want, c.got); d != c.diff {
				t.Errorf("Diff(%q, %q) = %q; want %q", c.want, c.got, d, c.diff)
			}
		})
	}
}

// capped is Diff's answer for maxDiffLines+3 lines "x" against "X".
func capped() string {
	var b strings.Builder
	for i := range maxDiffLines {
		fmt.Fprintf(&b, "line %d:\n- x\n+ X\n", i+1)
	}
	return b.String() + "(and 3 more lines differ)\n"
}

// recorder is a testing.TB that records failures instead of failing.
type recorder struct {
	testing.TB
	errors []string
}

func (r *recorder) Helper() {}
func (r *recorder) Errorf(format string, args ...any) {
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}
func (r *recorder) Fatal(args ...any) { r.errors = append(r.errors, fmt.Sprint(args...)) }

func TestCheck(t *testing.T) {
	path := filepath.Join(t.TempDir(), "report.golden")
	if err := os.WriteFile(path, []byte("a\nb\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		got  string
		fail string // "" when Check passes
	}{
		{"same", "a\nb\n", ""},
		{"changed line", "a\nc\n", "line 2:\n- b\n+ c\n"},
		{"missing newline", "a\nb", "line 3:\n- \n+ (no line)\n"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := &recorder{TB: t}
			Check(r, path, []byte(c.got))
			switch {
			case c.fail == "" && len(r.errors) > 0:
				t.Errorf("Check failed: %q", r.errors)
			case c.fail != "" && (len(r.errors) != 1 || !strings.Contains(r.errors[0], path) || !strings.HasSuffix(r.errors[0], c.fail)):
				t.Errorf("Check failed with %q; want one error naming %s and ending %q", r.errors, path, c.fail)
			}
		})
	}
}
