package tool

import (
	"os"
	"path/filepath"

	"github.com/urfave/cli/v2"
)

// Path is a file flag's value: the flag as the user wrote it ("--out")
// and the path.
type Path struct {
	Flag, Path string
}

// CheckPaths is a usage error (exit 2) naming both flags if two outputs
// name the same file, or an output names an input: one would silently
// overwrite the other. Paths are compared cleaned and absolute, and
// existing files also by identity (os.SameFile), which catches links.
// Empty paths (flags not given) and "-" (standard input or output) are
// skipped.
func CheckPaths(outputs, inputs []Path) error {
	for i, o := range outputs {
		for _, p := range outputs[i+1:] {
			if samePath(o.Path, p.Path) {
				return Usagef("%s and %s name the same file %q: give each output its own path", o.Flag, p.Flag, o.Path)
			}
		}
		for _, in := range inputs {
			if samePath(o.Path, in.Path) {
				return Usagef("%s %q is also %s: an output must not replace an input", o.Flag, o.Path, in.Flag)
			}
		}
	}
	return nil
}

// samePath reports whether a and b name one file.
func samePath(a, b string) bool {
	if a == "" || b == "" || a == "-" || b == "-" {
		return false
	}
	aa, err1 := filepath.Abs(a)
	bb, err2 := filepath.Abs(b)
	if err1 == nil && err2 == nil && aa == bb {
		return true
	}
	sa, err1 := os.Stat(a)
	sb, err2 := os.Stat(b)
	return err1 == nil && err2 == nil && os.SameFile(sa, sb)
}

// FlagPaths returns the values of c's file flags names (without "--"),
// in order, for CheckPaths; a repeated flag (cli.StringSliceFlag) gives
// one Path per value, a flag not given none.
func FlagPaths(c *cli.Context, names ...string) []Path {
	var ps []Path
	for _, n := range names {
		vals := c.StringSlice(n)
		if len(vals) == 0 && c.String(n) != "" {
			vals = []string{c.String(n)}
		}
		for _, v := range vals {
			ps = append(ps, Path{Flag: "--" + n, Path: v})
		}
	}
	return ps
}

// CheckFlagPaths is CheckPaths over c's output flags outs and input flags
// ins (names without "--").
func CheckFlagPaths(c *cli.Context, outs, ins []string) error {
	return CheckPaths(FlagPaths(c, outs...), FlagPaths(c, ins...))
}
