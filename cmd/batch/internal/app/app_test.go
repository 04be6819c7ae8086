package app

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/dynago/dynago/lib/tool"
)

func TestSplit(t *testing.T) {
	tests := []struct {
		in   string
		want []string
		err  string
	}{
		{in: "ppo --init --seed 0", want: []string{"ppo", "--init", "--seed", "0"}},
		{in: "  collect\t--out  'a b.arrow' ", want: []string{"collect", "--out", "a b.arrow"}},
		{in: `x "say \"hi\" \$HOME" it\'s`, want: []string{"x", `say "hi" $HOME`, "it's"}},
		{in: `x '' ""`, want: []string{"x", "", ""}},
		{in: `x a'b'"c"`, want: []string{"x", "abc"}},
		{in: "x 'open", err: "unterminated single quote"},
		{in: `x "open`, err: "unterminated double quote"},
		{in: `x \`, err: "backslash at the end"},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got, err := Split(tc.in)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("Split(%q) error %v, want %q", tc.in, err, tc.err)
				}
				return
			}
			if err != nil || !slices.Equal(got, tc.want) {
				t.Errorf("Split(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
			}
		})
	}
}

// TestSameBytesAsSeparateTools runs the usage example's commands through
// batch and as separate processes of the real tools, and compares the files.
func TestSameBytesAsSeparateTools(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the tools")
	}
	var lines []string
	for _, l := range strings.Split(Usage, "\n") {
		l = strings.TrimSpace(l)
		if strings.HasPrefix(l, "'") {
			lines = append(lines, strings.Trim(strings.TrimSuffix(l, " \\"), "'"))
		}
	}
	if len(lines) != 3 {
		t.Fatalf("found %d example lines, want 3", len(lines))
	}
	bin := t.TempDir()
	build := exec.Command("go", "build", "-o", bin+"/", "../../../collect", "../../../ppo")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	sep, bat := t.TempDir(), t.TempDir()
	for _, l := range lines {
		args, _ := Split(l)
		cmd := exec.Command(filepath.Join(bin, args[0]), args[1:]...)
		cmd.Dir = sep
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("%s: %v\n%s", l, err, out)
		}
	}
	wd, _ := os.Getwd()
	defer os.Chdir(wd)
	if err := os.Chdir(bat); err != nil {
		t.Fatal(err)
	}
	input := filepath.Join(bat, "cmds.txt")
	os.WriteFile(input, []byte(strings.Join(lines, "\n")+"\n"), 0o644)
	var stdout, stderr bytes.Buffer
	if code := tool.Run(New(), []string{"batch", input}, &stdout, &stderr); code != 0 {
		t.Fatalf("batch: exit %d: %s", code, stderr.String())
	}
	for _, f := range []string{"t.arrow", "p.arrow", "p1.arrow", "m.arrow"} {
		a, err := os.ReadFile(filepath.Join(sep, f))
		if err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(filepath.Join(bat, f))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(a, b) {
			t.Errorf("%s: batch wrote other bytes than the separate tool", f)
		}
	}
}

func TestErrors(t *testing.T) {
	dir := t.TempDir()
	write := func(name, s string) string {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte(s), 0o644)
		return p
	}
	tests := []struct {
		name   string
		args   []string
		code   int
		stderr string
	}{
		{"unknown tool", []string{write("a", "# comment\n\nrm -rf /\n")}, 1, "batch: " + filepath.Join(dir, "a") + ":3: unknown tool \"rm\""},
		{"bad quoting", []string{write("b", "ppo --out 'x\n")}, 1, ":1: unterminated single quote"},
		// The failing command prints its own one line; batch adds nothing
		// and exits with the command's code (2: usage).
		{"failing command", []string{write("c", "ppo --init --env Nope-v0 --seed 0 --out p.arrow\nppo --help\n")}, 2, "ppo: "},
		{"missing file", []string{filepath.Join(dir, "nope")}, 1, "nope"},
		{"two files", []string{"a", "b"}, 2, "at most one FILE"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := tool.Run(New(), append([]string{"batch"}, tc.args...), &stdout, &stderr)
			if code != tc.code || !strings.Contains(stderr.String(), tc.stderr) || strings.Count(stderr.String(), "\n") != 1 {
				t.Errorf("exit %d, stderr %q; want exit %d and one line containing %q", code, stderr.String(), tc.code, tc.stderr)
			}
			if stdout.Len() != 0 {
				t.Errorf("stdout %q: the failing batch must not have run later commands", stdout.String())
			}
		})
	}
}
