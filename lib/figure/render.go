package figure

import (
	"fmt"
	"os"
	"path/filepath"
)

// Render draws a figure into memory: draw is any of this package's
// functions bound to its data, called once per extension (".png", ".svg")
// with a path in a private temporary directory, and Render returns each
// file's bytes by extension. The caller writes them where and when it
// decides, so a failure elsewhere leaves no figure behind.
func Render(draw func(path string) error, exts ...string) (map[string][]byte, error) {
	dir, err := os.MkdirTemp("", "dynago-figure-")
	if err != nil {
		return nil, fmt.Errorf("figure: %w", err)
	}
	defer os.RemoveAll(dir)
	out := make(map[string][]byte, len(exts))
	for _, ext := range exts {
		p := filepath.Join(dir, "figure"+ext)
		if err := draw(p); err != nil {
			return nil, err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return nil, fmt.Errorf("figure: %w", err)
		}
		out[ext] = b
	}
	return out, nil
}
