package markdown

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/dynago/dynago/lib/figure"
	"github.com/dynago/dynago/lib/format"
)

// Files is a set of outputs to be written together, once everything has
// been computed: Add keeps each file's bytes, Write writes them in the
// order added. The zero value is an empty set.
type Files struct {
	paths []string
	data  map[string][]byte
}

// Add adds a file; it panics if the set already has one at path (two
// outputs on one path would silently lose one).
func (f *Files) Add(path string, b []byte) {
	if f.data == nil {
		f.data = map[string][]byte{}
	}
	path = filepath.Clean(path)
	if _, ok := f.data[path]; ok {
		panic(fmt.Sprintf("markdown: two outputs at %s", path))
	}
	f.paths = append(f.paths, path)
	f.data[path] = b
}

// AddFigure draws a figure with draw (given each path to write) and adds
// it as dir/name.png and dir/name.svg. Nothing is written at
// dir until Write.
func (f *Files) AddFigure(dir, name string, draw func(path string) error) error {
	out, err := figure.Render(draw, figureExts...)
	if err != nil {
		return err
	}
	for _, ext := range figureExts {
		f.Add(filepath.Join(dir, name+ext), out[ext])
	}
	return nil
}

// Paths returns the paths of the set, in the order added.
func (f *Files) Paths() []string { return append([]string(nil), f.paths...) }

// Write creates the files' directories and writes every file atomically
// (format.WriteAtomic), in the order added.
func (f *Files) Write() error {
	for _, p := range f.paths {
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		b := f.data[p]
		err := format.WriteAtomic(p, func(w *os.File) error {
			_, err := w.Write(b)
			return err
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// figureExts are the formats of every figure; a report embeds the PNG and
// links the SVG.
var figureExts = []string{".png", ".svg"}
