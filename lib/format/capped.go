package format

import (
	"fmt"
	"io"
	"io/fs"
	"os"
)

// Dir opens files by name: an *os.Root, or OSDir for any path.
type Dir interface {
	Stat(name string) (fs.FileInfo, error)
	Open(name string) (*os.File, error)
}

// OSDir is the Dir of the whole file system: names are paths.
type OSDir struct{}

func (OSDir) Stat(name string) (fs.FileInfo, error) { return os.Stat(name) }
func (OSDir) Open(name string) (*os.File, error)    { return os.Open(name) }

// ReadCapped reads the regular file name in d, of at most max bytes, for
// inputs that are not Arrow files (answers.json, figures, RESULTS.md). Its
// mode and size are checked before it is opened (opening a named pipe
// blocks, reading a device may never end), and again on the open file;
// the read stops after max+1 bytes whatever the file claims.
func ReadCapped(d Dir, name string, max int64) ([]byte, error) {
	check := func(st fs.FileInfo) error {
		if !st.Mode().IsRegular() {
			return fmt.Errorf("not a regular file (%v)", st.Mode().Type())
		}
		if st.Size() > max {
			return fmt.Errorf("%d bytes, more than the %d allowed", st.Size(), max)
		}
		return nil
	}
	st, err := d.Stat(name)
	if err != nil {
		return nil, err
	}
	if err := check(st); err != nil {
		return nil, err
	}
	f, err := d.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if st, err = f.Stat(); err != nil {
		return nil, err
	}
	if err := check(st); err != nil {
		return nil, err
	}
	b, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > max {
		return nil, fmt.Errorf("more than the %d bytes allowed", max)
	}
	return b, nil
}
