package gymtest

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// StubDir is the directory holding the stand-in gymnasium package.
func StubDir() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(filepath.Dir(file)), "testdata", "gymstub")
}

// Python returns an interpreter that imports numpy: $DYNAGO_PYTHON, else
// python3, else /usr/bin/python3. Without one the test is skipped, with a
// message saying what to install, except in CI (CI=true), where it fails.
func Python(t testing.TB) string {
	t.Helper()
	cands := []string{"python3", "/usr/bin/python3"}
	if p := os.Getenv("DYNAGO_PYTHON"); p != "" {
		cands = []string{p}
	}
	for _, p := range cands {
		if HasModule(p, "numpy", "") {
			return p
		}
	}
	msg := "no Python with numpy (tried " + strings.Join(cands, ", ") + "; set DYNAGO_PYTHON or apt-get install python3-numpy)"
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}

// Stub sets DYNAGO_PYTHON to Python(t) and PYTHONPATH to the stand-in
// gymnasium for the rest of the test, and returns the interpreter.
func Stub(t testing.TB) string {
	t.Helper()
	py := Python(t)
	t.Setenv("DYNAGO_PYTHON", py)
	t.Setenv("PYTHONPATH", StubDir())
	return py
}

// HasModule reports whether python imports module with PYTHONPATH set to
// path ("" leaves it unset).
func HasModule(python, module, path string) bool {
	cmd := exec.Command(python, "-c", "import "+module)
	cmd.Env = append(os.Environ(), "PYTHONPATH="+path)
	return cmd.Run() == nil
}
