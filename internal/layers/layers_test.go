package layers

import (
	"go/build"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

const module = "github.com/dynago/dynago/"

// packageMap returns the lib packages of ARCHITECTURE.md's package map,
// top to bottom.
func packageMap(t *testing.T, doc string) []string {
	t.Helper()
	_, after, ok := strings.Cut(doc, "## Package map")
	if !ok {
		t.Fatal("docs/ARCHITECTURE.md has no \"## Package map\" section")
	}
	_, block, _ := strings.Cut(after, "```\n")
	block, _, _ = strings.Cut(block, "```")
	var pkgs []string
	for _, line := range strings.Split(block, "\n") {
		if f := strings.Fields(line); len(f) > 0 && strings.HasPrefix(f[0], "lib/") {
			pkgs = append(pkgs, f[0])
		}
	}
	return pkgs
}

// libImports returns the module's lib packages (test helpers, named
// *test, left out) with the lib packages their non-test files import.
func libImports(t *testing.T, root string) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	err := filepath.WalkDir(filepath.Join(root, "lib"), func(path string, d fs.DirEntry, err error) error {
		if err != nil || !d.IsDir() {
			return err
		}
		if d.Name() == "testdata" {
			return filepath.SkipDir
		}
		p, err := build.ImportDir(path, 0)
		if _, none := err.(*build.NoGoError); none {
			return nil
		}
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		rel = filepath.ToSlash(rel)
		if strings.HasSuffix(rel, "test") {
			return nil
		}
		out[rel] = nil
		for _, imp := range p.Imports {
			if q, ok := strings.CutPrefix(imp, module); ok && strings.HasPrefix(q, "lib/") {
				out[rel] = append(out[rel], q)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestPackageMap(t *testing.T) {
	root := filepath.Join("..", "..")
	doc, err := os.ReadFile(filepath.Join(root, "docs", "ARCHITECTURE.md"))
	if err != nil {
		t.Fatal(err)
	}
	order := packageMap(t, string(doc))
	imports := libImports(t, root)
	if len(imports) < 10 {
		t.Fatalf("found %d lib packages; is the test run from internal/layers?", len(imports))
	}
	for p := range imports {
		if !slices.Contains(order, p) {
			t.Errorf("%s is not in docs/ARCHITECTURE.md's package map", p)
		}
	}
	for i, p := range order {
		deps, ok := imports[p]
		if !ok {
			t.Errorf("the package map lists %s, which is not a lib package", p)
		}
		for _, q := range deps {
			if j := slices.Index(order, q); j >= 0 && j < i {
				t.Errorf("%s imports %s, which the package map lists above it", p, q)
			}
		}
	}
}
