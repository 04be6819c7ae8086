package format

import (
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"

	"github.com/apache/arrow-go/v18/arrow/memory"
)

// FormatVersion is the version of all three file kinds, recorded under
// "format_version". Readers reject files with another major version.
const FormatVersion = "1"

// WriteAtomic creates path by writing to a temporary file in the same
// directory and renaming it over path once write and Close succeed. On any
// error the temporary file is removed and path is untouched. It does not
// fsync: a crash of the process never leaves a partial file, but a power
// loss may lose the rename. A short run writes a few hundred files, and
// syncing the file and its directory on every write would cost a large
// part of its wall time (README, Speed). The file is created with mode 0644.
// Errors are prefixed "write path: ".
func WriteAtomic(path string, write func(f *os.File) error) (err error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	f, err := os.CreateTemp(dir, "."+base+".tmp*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer func() {
		if err != nil {
			_ = f.Close() // may already be closed; the write error matters
			_ = os.Remove(f.Name())
			err = fmt.Errorf("write %s: %w", path, err)
		}
	}()
	if err := write(f); err != nil {
		return err
	}
	if err := f.Chmod(0o644); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}

// writeBytes writes the encoded file atomically, after encoding succeeded,
// so a rejected input never touches the file system.
func writeBytes(path string, b []byte, err error) error {
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return WriteAtomic(path, func(f *os.File) error {
		_, err := f.Write(b)
		return err
	})
}

// readFile reads path whole and decodes it; an Arrow file needs random
// access, so a whole read (a few ms even for large files) replaces mmap.
func readFile[T any](path string, decode func(string, []byte, memory.Allocator) (T, error)) (T, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		var zero T
		return zero, fmt.Errorf("read %s: %w", path, unwrapPath(err))
	}
	return decode(path, data, memory.DefaultAllocator)
}

// unwrapPath drops the path from an *os.PathError, which the caller names.
func unwrapPath(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// WriteTransitions writes t to path atomically. NaN in LogProb, Value,
// VarDelta and VarReward is written as null; nil optional columns (those
// four and Imagined) mean all null (all false). NaN or Inf in Obs, NextObs,
// Reward or ActionVec, or Inf anywhere, is an error naming column and row.
func WriteTransitions(path string, t *Transitions) error {
	b, err := encodeTransitions(memory.DefaultAllocator, t)
	return writeBytes(path, b, err)
}

// ReadTransitions reads a transitions file. Null in a nullable column is
// NaN; every optional column is filled. Meta holds the schema metadata
// except kind, format_version, obs_dim, act_dim and action_type.
func ReadTransitions(path string) (*Transitions, error) {
	return readFile(path, decodeTransitions)
}

// WriteWeights writes w to path atomically, one row per tensor. Names must
// be unique and non-empty, each Data must have the size of its Shape, and
// values must be finite.
func WriteWeights(path string, w *Weights) error {
	b, err := encodeWeights(memory.DefaultAllocator, w)
	return writeBytes(path, b, err)
}

// ReadWeights reads a weights file.
func ReadWeights(path string) (*Weights, error) {
	return readFile(path, decodeWeights)
}

// WriteMetrics writes m to path atomically. Index NoIndex (-1) is written
// as null; Value must be finite (leave out a row whose value is undefined).
func WriteMetrics(path string, m *Metrics) error {
	b, err := encodeMetrics(memory.DefaultAllocator, m)
	return writeBytes(path, b, err)
}

// ReadMetrics reads a metrics file.
func ReadMetrics(path string) (*Metrics, error) {
	return readFile(path, decodeMetrics)
}

// Clone returns a copy of m; nil stays nil.
func (m Meta) Clone() Meta { return maps.Clone(m) }
