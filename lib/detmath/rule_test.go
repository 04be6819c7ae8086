package detmath

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"
)

// TestLibUsesDetmath keeps the rule of docs/CONVENTIONS.md: lib code that
// computes outputs takes these functions from detmath, never from math
// (assembly on amd64, fused on arm64) nor rand's NormFloat64 (which calls
// math's Exp and Log). lib/figure only draws, and detmath is the port.
func TestLibUsesDetmath(t *testing.T) {
	banned := map[string]bool{"Exp": true, "Expm1": true, "Log": true, "Log1p": true, "Sin": true, "Cos": true,
		"Sincos": true, "Tanh": true, "Exp2": true, "Log2": true, "Tan": true, "Atan": true, "Atan2": true,
		"Asin": true, "Acos": true, "Sinh": true, "Cosh": true, "Erf": true}
	lib := filepath.Join("..")
	fset := token.NewFileSet()
	n := 0
	err := filepath.WalkDir(lib, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel := filepath.ToSlash(path)
		if d.IsDir() && (strings.HasSuffix(rel, "/figure") || strings.HasSuffix(rel, "/detmath") || d.Name() == "testdata") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		n++
		ast.Inspect(f, func(node ast.Node) bool {
			sel, ok := node.(*ast.SelectorExpr)
			if !ok {
				return true
			}
			if x, ok := sel.X.(*ast.Ident); ok && x.Name == "math" && banned[sel.Sel.Name] {
				t.Errorf("%s: math.%s: use detmath.%s", fset.Position(sel.Pos()), sel.Sel.Name, sel.Sel.Name)
			}
			if sel.Sel.Name == "NormFloat64" && !(isIdent(sel.X, "detmath")) {
				t.Errorf("%s: NormFloat64: use detmath.NormFloat64(rng)", fset.Position(sel.Pos()))
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n < 50 {
		t.Fatalf("read %d lib files; is the test run from lib/detmath?", n)
	}
}

func isIdent(e ast.Expr, name string) bool {
	id, ok := e.(*ast.Ident)
	return ok && id.Name == name
}
