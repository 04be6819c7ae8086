package format

import (
	"errors"
	"os"
)

// FormatVersion is the version of all three file kinds, recorded under
// "format_version". Readers reject files with another major version.
const FormatVersion = "1"

var errTODO = errors.New("format: not implemented yet")

// The functions below are the package's API; their bodies are placeholders
// until the implementation lands.

// WriteAtomic creates path by writing to a temporary file in the same
// directory and renaming it over path once write and Close succeed.
func WriteAtomic(path string, write func(f *os.File) error) error { return errTODO }

func WriteTransitions(path string, t *Transitions) error { return errTODO }
func ReadTransitions(path string) (*Transitions, error)  { return nil, errTODO }
func WriteWeights(path string, w *Weights) error         { return errTODO }
func ReadWeights(path string) (*Weights, error)          { return nil, errTODO }
func WriteMetrics(path string, m *Metrics) error         { return errTODO }
func ReadMetrics(path string) (*Metrics, error)          { return nil, errTODO }
