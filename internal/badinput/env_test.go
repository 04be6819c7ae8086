package badinput

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dynago/dynago/lib/env/gymtest"
)

// TestGymStartsOnce runs the tools that take --env besides their files on
// a bridged environment (the stand-in gymnasium) and counts the
// environments the bridge makes: one per call, also with --mirror.
func TestGymStartsOnce(t *testing.T) {
	gymtest.Stub(t)
	dir := t.TempDir()
	log := filepath.Join(dir, "makes.log")
	t.Setenv("DYNAGO_GYMSTUB_LOG", log)
	const id = `gym:ToyWalk-v0{"start":0}`
	for _, c := range []struct {
		line  string
		makes int
	}{
		{"ppo --init --env " + id + " --seed 0 --out @p.arrow", 1},
		{"collect --env " + id + " --policy @p.arrow --steps 100 --seed 0 --out @t.arrow", 1},
		{"fitmodel --data @t.arrow --env " + id + " --preset tuned --epochs 1 --term-weight 1 --seed 0 --out @m.arrow", 1},
		{"fitmodel --data @t.arrow --preset course --seed 0 --out @m2.arrow", 1},
		{"fitmodel --data @t.arrow --env " + id + " --warm-start @m.arrow --epochs 1 --seed 0 --out @m.arrow", 1},
		{"imagine --model @m.arrow --policy @p.arrow --data @t.arrow --env " + id + " --termination model --batches 2 --horizon 2 --seed 0 --out @i.arrow", 1},
		{"imagine --model @m.arrow --policy @p.arrow --data @t.arrow --termination model --batches 2 --horizon 2 --seed 0 --out @i2.arrow", 1},
	} {
		os.Remove(log)
		mustRun(t, dir, c.line)
		b, _ := os.ReadFile(log)
		if n := strings.Count(string(b), "\n"); n != c.makes {
			t.Errorf("%s: made the environment %d times, want %d", c.line, n, c.makes)
		}
	}
	// Another environment's files, and the same one's with its keyword
	// arguments written otherwise.
	for _, c := range []struct {
		line string
		code int
	}{
		{`fitmodel --data @t.arrow --env gym:ToyWalk-v0{"start":1} --preset course --seed 0 --out @out.arrow`, 1},
		{`imagine --model @m.arrow --policy @p.arrow --data @t.arrow --env gym:ToyWalk-v0{"start":1} --termination model --seed 0 --out @out.arrow`, 1},
		{`collect --env gym:ToyWalk-v0 --env-kwargs {"start":1} --policy @p.arrow --steps 10 --seed 0 --out @out.arrow`, 1},
		{`fitmodel --data @t.arrow --env gym:ToyWalk-v0{"start":0} --preset course --seed 0 --out @out.arrow`, 0},
	} {
		os.Remove(filepath.Join(dir, "out.arrow"))
		if c.code == 0 {
			mustRun(t, dir, c.line)
			continue
		}
		check(t, dir, fields(dir, c.line), c.code, false)
	}
}
