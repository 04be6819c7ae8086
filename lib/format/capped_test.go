package format

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

func TestReadCapped(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, n int) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(strings.Repeat("x", n)), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Skip("no named pipes here:", err)
	}
	cases := []struct {
		name, path string
		want       string // error text; "" reads the file
	}{
		{"at the cap", write("ok", 10), ""},
		{"over the cap", write("big", 11), "11 bytes, more than the 10 allowed"},
		{"a directory", dir, "not a regular file"},
		{"a named pipe", fifo, "not a regular file"},
		{"missing", filepath.Join(dir, "none"), "no such file"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b, err := ReadCapped(OSDir{}, c.path, 10)
			switch {
			case c.want == "" && (err != nil || len(b) != 10):
				t.Errorf("read %d bytes, error %v; want 10, none", len(b), err)
			case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
				t.Errorf("error %v, want one containing %q", err, c.want)
			}
		})
	}
}
