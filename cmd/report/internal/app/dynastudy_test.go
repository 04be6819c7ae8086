package app

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dynago/dynago/lib/analysis/analysistest"
)

// TestDynaStudyExample runs the help's example on synthetic runs (Dyna-PPO
// 3,000 steps ahead of PPO) and checks the goal's answer; bad flags are
// usage errors.
func TestDynaStudyExample(t *testing.T) {
	if testing.Short() {
		t.Skip("draws figures")
	}
	dir := t.TempDir()
	if err := analysistest.WriteLevel1(filepath.Join(dir, "runs", "study"), 5, analysistest.Ramp(3000, 0, 0)); err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)
	if code, _, stderr := run(t, DynaStudyExample+" --reps 200"); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	b, err := os.ReadFile("runs/study/report.md")
	if err != nil {
		t.Fatal(err)
	}
	// 10,000 steps for PPO, 7,000 for Dyna-PPO: 0.7×, not the goal's 0.6×.
	if !strings.Contains(string(b), "**No variant does.** The fewest IQM steps: `dyna`, 7,000 real steps") {
		t.Errorf("report:\n%s", b)
	}
	for _, args := range []string{"--ratio 0", "--prob 2", "--baseline nope"} {
		code, _, stderr := run(t, DynaStudyExample+" --reps 10 "+args)
		if want := map[bool]int{true: 1, false: 2}[args == "--baseline nope"]; code != want || strings.Count(stderr, "\n") != 1 {
			t.Errorf("%s: exit %d, want %d: %q", args, code, want, stderr)
		}
	}
}
