package toolset

import (
	"maps"
	"slices"
	"testing"
)

// TestNames: each command is registered under its own name, so a command
// line's first word finds the tool it names.
func TestNames(t *testing.T) {
	b := Batch()
	if len(b) != len(Loop())+1 || b["inspect"] == nil {
		t.Fatalf("batch tools %v: want the loop's and inspect", slices.Sorted(maps.Keys(b)))
	}
	for name, newApp := range b {
		if got := newApp().Name; got != name {
			t.Errorf("tool %q is the command %q", name, got)
		}
	}
	l := Loop()
	l["extra"] = nil
	if _, ok := Loop()["extra"]; ok {
		t.Error("Loop returns a shared map")
	}
}
