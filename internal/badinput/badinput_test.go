package badinput

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dynago/dynago/internal/toolset"
	"github.com/dynago/dynago/lib/format"
	"github.com/dynago/dynago/lib/tool"
)

var tools = toolset.Batch()

// run runs one tool command line in-process and returns its exit code and
// standard error.
func run(t *testing.T, dir string, line []string) (int, string) {
	t.Helper()
	newApp, ok := tools[line[0]]
	if !ok {
		t.Fatalf("no tool %q", line[0])
	}
	var stdout, stderr bytes.Buffer
	code := tool.Run(newApp(), line, &stdout, &stderr)
	return code, stderr.String()
}

// mustRun runs a line that must succeed (building the valid files).
func mustRun(t *testing.T, dir, line string) {
	t.Helper()
	if code, msg := run(t, dir, fields(dir, line)); code != 0 {
		t.Fatalf("%s: exit %d: %s", line, code, msg)
	}
}

// fields splits line and puts every word starting with "@" into dir.
func fields(dir, line string) []string {
	f := strings.Fields(line)
	for i, w := range f {
		if strings.HasPrefix(w, "@") {
			f[i] = filepath.Join(dir, w[1:])
		}
	}
	return f
}

// valid builds the valid files every bad one is made from: CartPole
// (discrete) and Pendulum (continuous) transitions, policies and models,
// and a metrics file.
func valid(t *testing.T) string {
	dir := t.TempDir()
	for _, l := range []string{
		"collect --env CartPole-v1 --steps 200 --seed 0 --out @t.arrow",
		"ppo --init --env CartPole-v1 --seed 0 --out @p.arrow",
		"fitmodel --data @t.arrow --preset course --seed 0 --out @m.arrow",
		"fitmodel --data @t.arrow --preset tuned --ensemble 2 --epochs 1 --seed 0 --out @mt.arrow",
		"collect --eval --env CartPole-v1 --policy @p.arrow --episodes 2 --seed 0 --real-steps 0 --metrics @e.arrow",
		"collect --env Pendulum-v1 --steps 100 --seed 0 --out @tc.arrow",
		"ppo --init --env Pendulum-v1 --seed 0 --out @pc.arrow",
		"fitmodel --data @tc.arrow --preset course --seed 0 --out @mc.arrow",
		"collect --env Acrobot-v1 --steps 100 --seed 0 --out @ta.arrow",
		"fitmodel --data @ta.arrow --preset course --seed 0 --out @ma.arrow",
		"ppo --init --env Acrobot-v1 --seed 0 --out @pa.arrow",
	} {
		mustRun(t, dir, l)
	}
	return dir
}

// A variant is a bad file made from a valid one.
type variant struct {
	name string
	make func(t *testing.T, dir, src, dst string)
	// ok: the tool may accept it (exit 0): the file is bad only for
	// some uses (zero rows).
	ok bool
}

func bytesVariant(name string, f func(b []byte) []byte) variant {
	return variant{name: name, make: func(t *testing.T, dir, src, dst string) {
		b, err := os.ReadFile(src)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(dst, f(b), 0o644); err != nil {
			t.Fatal(err)
		}
	}}
}

// mutations is the number of random and of flipped-byte files made from
// each valid file: 4, or 64 in the large mode (DYNAGO_BADINPUT_LARGE=1,
// make fuzz-inputs). Each is seeded by its number, so both modes are
// reproducible and the large one includes the small one.
func mutations() uint64 {
	if os.Getenv("DYNAGO_BADINPUT_LARGE") != "" {
		return 64
	}
	return 4
}

// fileVariants are the bad files made from any valid Arrow file.
func fileVariants() []variant {
	vs := []variant{
		bytesVariant("empty", func([]byte) []byte { return nil }),
		bytesVariant("magic-only", func(b []byte) []byte { return b[:8] }),
		bytesVariant("truncated-half", func(b []byte) []byte { return b[:len(b)/2] }),
		bytesVariant("truncated-tail", func(b []byte) []byte { return b[:len(b)-7] }),
		bytesVariant("text", func([]byte) []byte { return []byte("episode,step\n0,0\n") }),
		{name: "missing", make: func(t *testing.T, dir, src, dst string) {}},
		{name: "directory", make: func(t *testing.T, dir, src, dst string) {
			if err := os.Mkdir(dst, 0o755); err != nil {
				t.Fatal(err)
			}
		}},
	}
	for s := range mutations() {
		vs = append(vs, bytesVariant(fmt.Sprintf("random-%d", s), func(b []byte) []byte {
			r := rand.New(rand.NewPCG(s, 1))
			out := make([]byte, 64+r.IntN(4096))
			for i := range out {
				out[i] = byte(r.Uint32())
			}
			if s%2 == 1 { // keep the Arrow magic so the reader goes further
				copy(out, "ARROW1\x00\x00")
			}
			return out
		}))
		// Flipped bytes may hit a value and leave a valid file: the tool
		// may succeed, but must not fail any other way.
		flip := bytesVariant(fmt.Sprintf("flipped-%d", s), func(b []byte) []byte {
			r := rand.New(rand.NewPCG(s, 2))
			out := append([]byte(nil), b...)
			for range 8 {
				out[8+r.IntN(len(out)-16)] ^= byte(1 + r.IntN(255))
			}
			return out
		})
		flip.ok = true
		vs = append(vs, flip)
	}
	return vs
}

// weightsVariant rewrites a weights file's metadata key to value.
func weightsVariant(name, key, value string) variant {
	return variant{name: name, make: func(t *testing.T, dir, src, dst string) {
		w, err := format.ReadWeights(src)
		if err != nil {
			t.Fatal(err)
		}
		w.Meta[key] = value
		if err := format.WriteWeights(dst, w); err != nil {
			t.Fatal(err)
		}
	}}
}

// transitionsVariant rewrites a transitions file.
func transitionsVariant(name string, ok bool, f func(tr *format.Transitions) *format.Transitions) variant {
	return variant{name: name, ok: ok, make: func(t *testing.T, dir, src, dst string) {
		tr, err := format.ReadTransitions(src)
		if err != nil {
			t.Fatal(err)
		}
		if err := format.WriteTransitions(dst, f(tr)); err != nil {
			t.Fatal(err)
		}
	}}
}

// patched writes a transitions file with a sentinel at the value at(tr)
// and then replaces the sentinel's bytes with v, which the writer would
// refuse: a file some other program wrote.
func patched(name string, at func(tr *format.Transitions) []float64, v float64) variant {
	const sentinel = 12345.678125
	return variant{name: name, make: func(t *testing.T, dir, src, dst string) {
		tr, err := format.ReadTransitions(src)
		if err != nil {
			t.Fatal(err)
		}
		at(tr)[0] = sentinel
		if err := format.WriteTransitions(dst, tr); err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(dst)
		if err != nil {
			t.Fatal(err)
		}
		old := binary.LittleEndian.AppendUint64(nil, math.Float64bits(sentinel))
		if bytes.Count(b, old) != 1 {
			t.Fatalf("sentinel found %d times", bytes.Count(b, old))
		}
		b = bytes.Replace(b, old, binary.LittleEndian.AppendUint64(nil, math.Float64bits(v)), 1)
		if err := os.WriteFile(dst, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}}
}

func copyOf(name string, from string) variant {
	return variant{name: name, make: func(t *testing.T, dir, src, dst string) {
		b, err := os.ReadFile(filepath.Join(dir, from))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(dst, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}}
}

// kindVariants are, per kind of input, the valid files of another kind or
// environment and the files with bad contents.
var kindVariants = map[string][]variant{
	"policy": {
		copyOf("kind-transitions", "t.arrow"), copyOf("kind-model", "m.arrow"), copyOf("kind-metrics", "e.arrow"),
		weightsVariant("huge-hidden", "policy.hidden", "1000000000000"),
		weightsVariant("huge-hidden-4096", "policy.hidden", "4096,4096,4096"),
		weightsVariant("huge-obs", "policy.obs_dim", "1000000000000"),
		weightsVariant("huge-actions", "policy.act_n", "1000000000000"),
		weightsVariant("big-actions", "policy.act_n", "4000"),
		weightsVariant("bad-hidden", "policy.hidden", "64,x"),
		weightsVariant("bad-action-type", "policy.action_type", "box"),
		// Another environment of the same spaces (a bridged one).
		weightsVariant("env-renamed", "env", "gym:CartPole-v1"),
	},
	"model": {
		copyOf("kind-transitions", "t.arrow"), copyOf("kind-policy", "p.arrow"), copyOf("kind-metrics", "e.arrow"),
		weightsVariant("huge-members", "model_members", "1000000000000"),
		weightsVariant("more-members", "model_members", "3"),
		weightsVariant("huge-", "model_hidden", "1000000000000"),
		weightsVariant("huge--list", "model_hidden", strings.Repeat("4096,", 200)+"4096"),
		weightsVariant("huge-obs", "model_obs_dim", "1000000000000"),
		weightsVariant("huge-actions", "model_num_actions", "1000000000000"),
		weightsVariant("bad-activation", "model_activation", "sigmoid"),
		weightsVariant("env-renamed", "env", "gym:CartPole-v1"),
	},
	"transitions": {
		copyOf("kind-policy", "p.arrow"), copyOf("kind-metrics", "e.arrow"),
		patched("absurd-obs", func(tr *format.Transitions) []float64 { return tr.Obs[3:4] }, 1e300),
		patched("absurd-reward", func(tr *format.Transitions) []float64 { return tr.Reward[5:6] }, -1e300),
		patched("nan-obs", func(tr *format.Transitions) []float64 { return tr.NextObs[7:8] }, math.NaN()),
		patched("inf-action", func(tr *format.Transitions) []float64 { return tr.Reward[9:10] }, math.Inf(1)),
		transitionsVariant("zero-rows", true, func(tr *format.Transitions) *format.Transitions {
			return tr.Slice(0, 0)
		}),
		transitionsVariant("env-renamed", false, func(tr *format.Transitions) *format.Transitions {
			tr.Meta["env"] = "gym:CartPole-v1"
			return tr
		}),
	},
	"metrics": {
		copyOf("kind-policy", "p.arrow"), copyOf("kind-transitions", "t.arrow"),
	},
}

// wrongEnv are, per kind, valid files of another environment than the
// CartPole files the command lines use.
var wrongEnv = map[string][]string{
	"policy":      {"pc.arrow", "pa.arrow"},
	"model":       {"mc.arrow", "ma.arrow"},
	"transitions": {"tc.arrow", "ta.arrow"},
}

// A command is a valid command line with its file inputs marked
// {kind:name} and outputs @name.
type command struct {
	line string
	// zeroRowsOK: the tool accepts an input with no rows.
	zeroRowsOK bool
	// anyKind: the tool reads any Arrow file (inspect); anyEnv: nothing
	// else ties the input to one environment.
	anyKind, anyEnv bool
}

var commands = []command{
	{line: "collect --env CartPole-v1 --policy {policy:p.arrow} --steps 20 --seed 0 --out @out.arrow"},
	{line: "collect --eval --env CartPole-v1 --policy {policy:p.arrow} --episodes 1 --seed 0 --real-steps 0 --metrics @out.arrow"},
	{line: "collect --env CartPole-v1 --planner cem --model {model:mt.arrow} --cem-samples 8 --cem-horizon 3 --steps 3 --seed 0 --out @out.arrow"},
	{line: "fitmodel --data {transitions:t.arrow} --preset course --seed 0 --out @out.arrow --metrics @out2.arrow --real-steps 200", anyEnv: true},
	{line: "fitmodel --data {transitions:t.arrow} --warm-start {model:m.arrow} --preset course --seed 0 --out @out.arrow"},
	{line: "imagine --model {model:m.arrow} --policy {policy:p.arrow} --data {transitions:t.arrow} --seed 0 --batches 2 --horizon 2 --termination course --out @out.arrow"},
	{line: "ppo --policy {policy:p.arrow} --data {transitions:t.arrow} --out @out.arrow --metrics @out2.arrow --seed 0 --real-steps 200", zeroRowsOK: true},
	{line: "evalmodel --model {model:mt.arrow} --data {transitions:t.arrow} --metrics @out.arrow --k 2 --real-steps 0"},
	{line: "concat --out @out.arrow {metrics:e.arrow}"},
	{line: "inspect {metrics:e.arrow}", anyKind: true},
}

// check asserts what every failing tool must do: exactly one line on
// stderr naming the tool, the documented exit code, no panic, and no file
// at any output.
func check(t *testing.T, dir string, line []string, wantCode int, okZero bool) {
	t.Helper()
	code, msg := run(t, dir, line)
	if code == 0 && okZero {
		return
	}
	cmd := strings.Join(line, " ")
	if code != wantCode {
		t.Errorf("%s: exit %d, want %d; stderr %q", cmd, code, wantCode, msg)
	}
	if strings.Count(msg, "\n") != 1 || !strings.HasSuffix(msg, "\n") || !strings.HasPrefix(msg, line[0]+": ") {
		t.Errorf("%s: stderr is not one line \"%s: ...\": %q", cmd, line[0], msg)
	}
	for _, bad := range []string{"panic", "internal error", "goroutine", "runtime:", "fatal"} {
		if strings.Contains(msg, bad) {
			t.Errorf("%s: stderr has %q: %q", cmd, bad, msg)
		}
	}
	for _, o := range []string{"out.arrow", "out2.arrow"} {
		if _, err := os.Stat(filepath.Join(dir, o)); err == nil {
			t.Errorf("%s: failed (exit %d) but wrote %s", cmd, code, o)
		}
	}
}

// expand returns the command line with every input at its valid file,
// except the input number bad at path badPath.
func expand(dir, line string, bad int, badPath string) (words []string, kinds []string) {
	for i, w := range strings.Fields(line) {
		_ = i
		if strings.HasPrefix(w, "{") {
			kind, name, _ := strings.Cut(strings.Trim(w, "{}"), ":")
			path := filepath.Join(dir, name)
			if len(kinds) == bad {
				path = badPath
			}
			kinds = append(kinds, kind)
			words = append(words, path)
			continue
		}
		if strings.HasPrefix(w, "@") {
			w = filepath.Join(dir, w[1:])
		}
		words = append(words, w)
	}
	return words, kinds
}

// TestBadFiles runs every command with each of its inputs replaced by
// each bad file: truncated, empty, random, flipped bytes, text, missing, a
// directory, another kind, another environment, huge metadata claims,
// absurd values and zero rows.
func TestBadFiles(t *testing.T) {
	dir := valid(t)
	n := 0
	for _, c := range commands {
		_, kinds := expand(dir, c.line, -1, "")
		for bad, kind := range kinds {
			vs := append(fileVariants(), kindVariants[kind]...)
			for _, e := range wrongEnv[kind] {
				vs = append(vs, copyOf("env-"+strings.TrimSuffix(e, ".arrow"), e))
			}
			for _, v := range vs {
				name := fmt.Sprintf("%s/%s%d/%s", strings.Fields(c.line)[0], kind, bad, v.name)
				t.Run(name, func(t *testing.T) {
					work := t.TempDir()
					// The valid inputs, copied so a tool that wrote over
					// one would not spoil the next case.
					for _, f := range []string{"t.arrow", "p.arrow", "m.arrow", "mt.arrow", "e.arrow", "pc.arrow", "mc.arrow", "tc.arrow", "ta.arrow", "ma.arrow", "pa.arrow"} {
						copyOf("", f).make(t, dir, "", filepath.Join(work, f))
					}
					badPath := filepath.Join(work, "bad.arrow")
					v.make(t, work, filepath.Join(work, validName(c.line, bad)), badPath)
					line, _ := expand(work, c.line, bad, badPath)
					ok := v.ok && (c.zeroRowsOK || !strings.HasPrefix(v.name, "zero")) ||
						c.anyKind && strings.HasPrefix(v.name, "kind-") || c.anyEnv && strings.HasPrefix(v.name, "env-")
					check(t, work, line, 1, ok)
				})
				n++
			}
		}
	}
	t.Logf("%d bad-file cases", n)
}

// validName is the file name of input number i of line.
func validName(line string, i int) string {
	k := 0
	for _, w := range strings.Fields(line) {
		if strings.HasPrefix(w, "{") {
			if k == i {
				_, name, _ := strings.Cut(strings.Trim(w, "{}"), ":")
				return name
			}
			k++
		}
	}
	return ""
}

// TestBadFlags runs the tools with flags out of range, missing or
// conflicting, unknown environments, and outputs that name another
// output or an input: each a usage error (exit 2) in one line, with no
// output written and the inputs unchanged.
func TestBadFlags(t *testing.T) {
	dir := valid(t)
	cases := []string{
		// Out of range, missing, conflicting.
		"collect --env CartPole-v1 --steps 0 --seed 0 --out @out.arrow",
		"collect --env CartPole-v1 --steps 10 --seed -1 --out @out.arrow",
		"collect --env CartPole-v1 --steps 10 --episodes 2 --seed 0 --out @out.arrow",
		"collect --env CartPole-v1 --steps 10 --seed 0",
		"collect --env Nope-v0 --steps 10 --seed 0 --out @out.arrow",
		"collect --eval --env CartPole-v1 --policy @p.arrow --episodes 1 --seed 0 --metrics @out.arrow",
		"fitmodel --data @t.arrow --seed 0 --out @out.arrow --epochs 0",
		"fitmodel --data @t.arrow --seed 0 --out @out.arrow --epochs 2 --updates 2",
		"fitmodel --data @t.arrow --seed 0 --out @out.arrow --env Nope-v0",
		"fitmodel --data @t.arrow --seed 0 --out @out.arrow --hidden 0",
		"fitmodel --data @t.arrow --seed 0 --out @out.arrow --metrics @out2.arrow",
		"imagine --model @m.arrow --policy @p.arrow --data @t.arrow --seed 0 --batches 0 --out @out.arrow",
		"imagine --model @m.arrow --policy @p.arrow --data @t.arrow --seed 0 --env Nope-v0 --out @out.arrow",
		"imagine --model @m.arrow --policy @p.arrow --data @t.arrow --seed 0 --noise-sigma -1 --out @out.arrow",
		"ppo --init --env Nope-v0 --seed 0 --out @out.arrow",
		"ppo --policy @p.arrow --data @t.arrow --out @out.arrow --metrics @out2.arrow --seed 0 --clip -1",
		"ppo --policy @p.arrow --data @t.arrow --out @out.arrow --seed 0",
		"evalmodel --model @m.arrow --data @t.arrow --metrics @out.arrow --k 0",
		"evalmodel --model @m.arrow --data @t.arrow --metrics @out.arrow --old @t.arrow",
		"concat --out @out.arrow",
		"inspect --format nope @e.arrow",
		// Two outputs on one path.
		"collect --eval --env CartPole-v1 --policy @p.arrow --episodes 1 --seed 0 --real-steps 0 --metrics @out.arrow --out @out.arrow",
		"collect --env CartPole-v1 --steps 10 --seed 0 --out @out.arrow --state @out.arrow",
		"fitmodel --data @t.arrow --preset course --seed 0 --out @out.arrow --buffer-out @out.arrow",
		"fitmodel --data @t.arrow --preset course --seed 0 --real-steps 0 --out @out.arrow --metrics @out.arrow",
		"imagine --model @m.arrow --policy @p.arrow --data @t.arrow --seed 0 --termination course --real-steps 0 --out @out.arrow --metrics @out.arrow",
		"ppo --policy @p.arrow --data @t.arrow --out @out.arrow --metrics @out.arrow --seed 0 --real-steps 0",
		"ppo --policy @p.arrow --data @t.arrow --out @out.arrow --metrics @sub/../out.arrow --seed 0 --real-steps 0",
		// An output naming an input.
		"fitmodel --data @t.arrow --preset course --seed 0 --out @t.arrow",
		"fitmodel --data @t.arrow --preset course --seed 0 --out @out.arrow --buffer-out @t.arrow",
		"collect --env CartPole-v1 --policy @p.arrow --steps 10 --seed 0 --out @p.arrow",
		"collect --env CartPole-v1 --policy @p.arrow --steps 10 --seed 0 --out @./p.arrow",
		"imagine --model @m.arrow --policy @p.arrow --data @t.arrow --seed 0 --termination course --out @t.arrow",
		"imagine --model @m.arrow --policy @p.arrow --data @t.arrow --seed 0 --termination course --out @m.arrow",
		"ppo --policy @p.arrow --data @t.arrow --out @t.arrow --metrics @out2.arrow --seed 0 --real-steps 0",
		"ppo --policy @p.arrow --data @t.arrow --out @out.arrow --metrics @p.arrow --seed 0 --real-steps 0",
		"evalmodel --model @m.arrow --data @t.arrow --metrics @t.arrow",
		"evalmodel --model @m.arrow --data @t.arrow --metrics @m.arrow",
		"concat --out @e.arrow @e.arrow",
	}
	inputs := []string{"t.arrow", "p.arrow", "m.arrow", "e.arrow"}
	before := map[string][]byte{}
	for _, f := range inputs {
		b, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil {
			t.Fatal(err)
		}
		before[f] = b
	}
	for _, l := range cases {
		t.Run(l, func(t *testing.T) {
			os.Remove(filepath.Join(dir, "out.arrow"))
			os.Remove(filepath.Join(dir, "out2.arrow"))
			check(t, dir, fields(dir, l), 2, false)
			for _, f := range inputs {
				if b, _ := os.ReadFile(filepath.Join(dir, f)); !bytes.Equal(b, before[f]) {
					t.Fatalf("%s changed", f)
				}
			}
		})
	}
	t.Logf("%d bad-flag cases", len(cases))
}
