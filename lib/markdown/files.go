package markdown

import (
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/dynago/dynago/lib/figure"
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

// Write writes the set all or nothing. Every file first goes to a
// temporary name beside it; once all are written they are renamed into
// place in the order added, each rename atomic. If one cannot be written
// or renamed, the files already renamed are put back (the ones replaced
// from a hard link to their old bytes, the new ones removed) and every
// temporary file is removed: a failed Write leaves no file of the set
// and changes none (only the directories it made may remain).
func (f *Files) Write() error {
	var st []staged
	defer func() {
		for _, s := range st {
			s.clean()
		}
	}()
	for _, p := range f.paths {
		s, err := stage(p, f.data[p])
		if err != nil {
			return fmt.Errorf("write %s: %w", p, err)
		}
		st = append(st, s)
	}
	for i := range st {
		if err := os.Rename(st[i].tmp, st[i].path); err != nil {
			for j := i - 1; j >= 0; j-- {
				st[j].undo()
			}
			return fmt.Errorf("write %s: %w", st[i].path, err)
		}
		st[i].tmp = ""
	}
	return nil
}

// staged is a file of a set written to a temporary name: tmp ("" once
// renamed to path) and old, a hard link to (or a copy of) the file at
// path that tmp replaces ("" if there is none).
type staged struct{ path, tmp, old string }

// stage creates path's directory and writes b to a temporary name beside
// path, keeping the bytes of any file at path under another.
func stage(path string, b []byte) (s staged, err error) {
	s.path = path
	defer func() {
		if err != nil {
			s.clean()
		}
	}()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return s, err
	}
	if s.tmp, err = writeTemp(path, ".tmp*", func(w *os.File) error { _, err := w.Write(b); return err }); err != nil {
		return s, err
	}
	st, err := os.Lstat(path)
	if err != nil || !st.Mode().IsRegular() {
		return s, nil // nothing to keep; a directory at path fails the rename
	}
	s.old = s.tmp + ".old"
	if os.Link(path, s.old) == nil {
		return s, nil
	}
	// A file system without hard links: keep a copy.
	s.old = ""
	old, err := os.Open(path)
	if err != nil {
		return s, err
	}
	defer old.Close()
	s.old, err = writeTemp(path, ".old*", func(w *os.File) error { _, err := io.Copy(w, old); return err })
	return s, err
}

// writeTemp writes a new file beside path named "."+base+pattern with
// write and returns its name; on error it leaves nothing.
func writeTemp(path, pattern string, write func(w *os.File) error) (name string, err error) {
	w, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+pattern)
	if err != nil {
		return "", err
	}
	defer func() {
		if err != nil {
			_ = w.Close() // may already be closed; the first error matters
			_ = os.Remove(w.Name())
		}
	}()
	if err := write(w); err != nil {
		return "", err
	}
	if err := w.Chmod(0o644); err != nil {
		return "", err
	}
	return w.Name(), w.Close()
}

// undo puts back what was at path before s's file was renamed there.
func (s *staged) undo() {
	if s.old != "" {
		if os.Rename(s.old, s.path) == nil {
			s.old = ""
		}
		return
	}
	_ = os.Remove(s.path)
}

// clean removes s's temporary files.
func (s *staged) clean() {
	for _, p := range []string{s.tmp, s.old} {
		if p != "" {
			_ = os.Remove(p)
		}
	}
}

// figureExts are the formats of every figure; a report embeds the PNG and
// links the SVG.
var figureExts = []string{".png", ".svg"}
