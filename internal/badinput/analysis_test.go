package badinput

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/urfave/cli/v2"

	aggregate "github.com/dynago/dynago/cmd/aggregate/command"
	batch "github.com/dynago/dynago/cmd/batch/command"
	report "github.com/dynago/dynago/cmd/report/command"
	sweep "github.com/dynago/dynago/cmd/sweep/command"
	"github.com/dynago/dynago/lib/analysis/analysistest"
)

func init() {
	for name, f := range map[string]func() *cli.App{"report": report.New, "aggregate": aggregate.New, "sweep": sweep.New, "batch": batch.New} {
		tools[name] = f
	}
}

// runSets writes the sets of runs the report and aggregate command lines
// read, each in dir/<set>/<run>/metrics.arrow: l1 (Level 1 and the Dyna
// study: ppo and dyna, two seeds), l2 (every Level-2 variant, one seed)
// and l3 (every Level-3 experiment, one seed).
func runSets(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	l3 := analysistest.Level3{
		Seeds: 1, Corr: map[int]float64{3: 0.3, 5: 0.5}, TopRatio: map[int]float64{3: 2, 5: 4},
		GateM: 5, Shift: map[float64]float64{0.1: 4000}, Stress: true, StressTau: 0.1, MPC: true,
	}
	for _, err := range []error{
		analysistest.WriteLevel1(filepath.Join(dir, "l1"), 2, analysistest.Ramp(3000, 200, 3000)),
		analysistest.WriteLevel2(filepath.Join(dir, "l2"), 1, analysistest.L2Variants),
		analysistest.WriteLevel3(filepath.Join(dir, "l3"), l3),
	} {
		if err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// copyTree copies the regular files under src to dst.
func copyTree(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.Walk(src, func(p string, info os.FileInfo, err error) error {
		if err != nil || !info.Mode().IsRegular() {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if err := os.MkdirAll(filepath.Join(dst, filepath.Dir(rel)), 0o755); err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// An analysisCommand reads a set of runs ({runs:SET}, a directory, or
// {glob:SET}, its metrics files) and writes under @out; bad is the run
// whose metrics file the bad-file cases replace.
type analysisCommand struct {
	line, bad string
}

var analysisCommands = []analysisCommand{
	{"report level1 --runs {runs:l1} --reps 20 --out @out/report.md", "dyna-s1"},
	{"report level2 --runs {runs:l2} --reps 20 --out @out/report.md", "dyna-h3-s0"},
	{"report level3 --runs {runs:l3} --reps 20 --out @out/report.md", "mpc-s0"},
	{"report dyna-study --runs {runs:l1} --baseline ppo --reps 20 --out @out/report.md", "ppo-s0"},
	{"aggregate summary --in {glob:l1} --out @out --reps 20", "dyna-s0"},
	{"aggregate poi --in {glob:l1} --out @out --reps 20", "ppo-s1"},
	{"aggregate profiles --in {glob:l1} --out @out --reps 20 --taus 11", "dyna-s1"},
	{"aggregate curves --in {glob:l1} --out @out --reps 20", "ppo-s0"},
	{"aggregate steps-to --in {glob:l1} --out @out --reps 20 --fraction 0.8 --reference ppo", "ppo-s1"},
	{"aggregate metric --in {glob:l1} --out @out --reps 20 --metric model_ek --at 2000,14000 --logy", "dyna-s0"},
}

// expandRuns returns line with its set of runs at runs and outputs in dir.
func expandRuns(line, runs, dir string) []string {
	var out []string
	for _, w := range strings.Fields(line) {
		switch {
		case strings.HasPrefix(w, "{runs:"):
			w = runs
		case strings.HasPrefix(w, "{glob:"):
			w = filepath.Join(runs, "*", "metrics.arrow")
		case strings.HasPrefix(w, "@"):
			w = filepath.Join(dir, w[1:])
		}
		out = append(out, w)
	}
	return out
}

// setOf is the set of runs line reads.
func setOf(line string) string {
	i := strings.Index(line, "{")
	_, set, _ := strings.Cut(strings.Trim(strings.Fields(line[i:])[0], "{}"), ":")
	return set
}

// checkNothing asserts that dir holds no file (an output directory that a
// failed command may have created but must leave empty: no output, no
// temporary file).
func checkNothing(t *testing.T, cmd, dir string) {
	t.Helper()
	var left []string
	filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			left = append(left, p)
		}
		return nil
	})
	if len(left) > 0 {
		t.Errorf("%s: failed but left %d files: %s", cmd, len(left), strings.Join(left, " "))
	}
}

// checkFail asserts what a failing tool must do (see check) with the
// outputs under out: nothing there.
func checkFail(t *testing.T, line []string, code int, msg string, wantCode int, out string) {
	t.Helper()
	cmd := strings.Join(line, " ")
	if code != wantCode {
		t.Errorf("%s: exit %d, want %d; stderr %q", cmd, code, wantCode, msg)
	}
	checkLine(t, cmd, line[0], msg)
	checkNothing(t, cmd, out)
}

// checkLine asserts that msg is one line "tool: ..." without a trace.
func checkLine(t *testing.T, cmd, tool, msg string) {
	t.Helper()
	if strings.Count(msg, "\n") != 1 || !strings.HasSuffix(msg, "\n") || !strings.HasPrefix(msg, tool+": ") {
		t.Errorf("%s: stderr is not one line \"%s: ...\": %q", cmd, tool, msg)
	}
	for _, bad := range []string{"panic", "internal error", "goroutine", "runtime:", "fatal"} {
		if strings.Contains(msg, bad) {
			t.Errorf("%s: stderr has %q: %q", cmd, bad, msg)
		}
	}
}

// TestBadRuns runs every report and aggregate command with one metrics
// file of its runs replaced by each bad file (truncated, empty, random,
// flipped bytes, text, missing, a directory, another kind): exit 1 in one
// line, and no report, table, figure or temporary file written.
func TestBadRuns(t *testing.T) {
	sets := runSets(t)
	valid := valid(t)
	vs := append(fileVariants(), copyOf("kind-transitions", "t.arrow"), copyOf("kind-policy", "p.arrow"))
	n := 0
	for _, c := range analysisCommands {
		for _, v := range vs {
			f := strings.Fields(c.line)
			name := fmt.Sprintf("%s-%s/%s", f[0], f[1], v.name)
			t.Run(name, func(t *testing.T) {
				work := t.TempDir()
				runs := filepath.Join(work, "runs")
				copyTree(t, filepath.Join(sets, setOf(c.line)), runs)
				bad := filepath.Join(runs, c.bad, "metrics.arrow")
				src := filepath.Join(work, "valid.arrow")
				if err := os.Rename(bad, src); err != nil {
					t.Fatal(err)
				}
				v.make(t, valid, src, bad)
				line := expandRuns(c.line, runs, work)
				code, msg := run(t, work, line)
				if code == 0 && v.ok {
					return
				}
				if v.name == "missing" && code == 0 {
					return // a run less is a valid set
				}
				checkFail(t, line, code, msg, 1, filepath.Join(work, "out"))
				// Flipped bytes may leave a valid file whose runs then
				// fail for what they hold, an error naming the run.
				if code == 1 && !strings.Contains(msg, bad) && v.name != "missing" && !v.ok {
					t.Errorf("%s: the error does not name %s: %q", strings.Join(line, " "), bad, msg)
				}
			})
			n++
		}
	}
	t.Logf("%d bad-run cases", n)
}

// TestAnalysisFlags runs report, aggregate, sweep and batch with bad flags
// (NaN, Inf and huge values, unknown flags and subcommands, no arguments,
// outputs on inputs): each a usage error (exit 2), or for files that name
// a bad input exit 1, in one line, with nothing written.
func TestAnalysisFlags(t *testing.T) {
	sets := runSets(t)
	l1, l2, l3 := filepath.Join(sets, "l1"), filepath.Join(sets, "l2"), filepath.Join(sets, "l3")
	glob := filepath.Join(l1, "*", "metrics.arrow")
	r := func(sub, runs string, more ...string) string {
		return fmt.Sprintf("report %s --runs %s --reps 20 --out @out/report.md %s", sub, runs, strings.Join(more, " "))
	}
	a := func(sub string, more ...string) string {
		return fmt.Sprintf("aggregate %s --in %s --out @out --reps 20 %s", sub, glob, strings.Join(more, " "))
	}
	usage := []string{
		// No arguments, unknown subcommands and flags.
		"report", "aggregate", "report level9 --runs " + l1, "aggregate bogus --in " + glob + " --out @out",
		"report level1", "aggregate summary", "aggregate summary --in " + glob, "sweep",
		r("level1", l1, "--bogus"), a("summary", "--bogus"), r("level1", l1, "extra"), a("curves", "extra"),
		// NaN, Inf and huge values.
		r("level1", l1, "--reps 1000000000000000000"), r("level1", l1, "--reps 1e18"), r("level1", l1, "--reps NaN"),
		r("level1", l1, "--reps -1"), r("level1", l1, "--confidence NaN"), r("level1", l1, "--confidence 1"),
		r("level1", l1, "--fraction NaN"), r("level1", l1, "--fraction Inf"), r("level1", l1, "--early NaN"),
		r("level1", l1, "--early Inf"), r("level1", l1, "--ek-ratio NaN"), r("level1", l1, "--ek-ratio Inf"),
		r("level1", l1, "--seed -1"),
		r("level2", l2, "--final 0"), r("level2", l2, "--final 1e18"), r("level2", l2, "--fraction NaN"),
		r("level3", l3, "--threshold NaN"), r("level3", l3, "--threshold Inf"), r("level3", l3, "--threshold -Inf"),
		r("level3", l3, "--budgets 0"), r("level3", l3, "--budgets 1,NaN"), r("level3", l3, "--budgets Inf"),
		r("level3", l3, "--m -1"),
		r("dyna-study", l1, "--threshold NaN"), r("dyna-study", l1, "--threshold Inf"), r("dyna-study", l1, "--threshold -Inf"),
		r("dyna-study", l1, "--ratio Inf"), r("dyna-study", l1, "--ratio NaN"), r("dyna-study", l1, "--prob NaN"),
		a("summary", "--reps 1000000000000000000"), a("summary", "--reps 0"), a("summary", "--confidence NaN"),
		a("summary", "--norm-max Inf"), a("summary", "--norm-min NaN"), a("summary", "--norm-min 5 --norm-max 5"),
		a("summary", "--norm x=0:Inf"), a("summary", "--norm x=NaN:1"), a("summary", "--norm x=1:1"),
		a("summary", "--gap-threshold NaN"), a("summary", "--gap-threshold Inf"),
		a("summary", "--final 0"), a("summary", "--at-step NaN"), a("summary", "--at-step -1"), a("summary", "--at-step 10 --final 2"),
		a("summary", "--task-by nope"), a("summary", "--name a/b"), a("summary", "--name ''"),
		a("profiles", "--taus 1000000000000"), a("profiles", "--taus 1e12"), a("profiles", "--taus 1"),
		a("profiles", "--taus 1000 --reps 1000000"),
		a("curves", "--agg nope"), a("curves", "--normalize --norm-max NaN"),
		a("steps-to", "--threshold NaN"), a("steps-to", "--threshold Inf"), a("steps-to", "--threshold 1 --fraction 0.5"),
		a("steps-to", "--fraction NaN --reference ppo"), a("steps-to", "--fraction 0.5"), a("steps-to"),
		a("steps-to", "--threshold 100 --compare ppo"),
		a("metric", "--metric model_ek --at NaN"), a("metric", "--metric model_ek --at Inf"), a("metric", "--metric model_ek --at 1,-1"),
		a("metric", "--metric model_ek --at 100 --index 1"),
		// Outputs on inputs: a report over one of its runs' metrics, or a
		// directory; aggregate's tables over a metrics file.
		r("level1", l1, "--out "+filepath.Join(l1, "ppo-s0", "metrics.arrow")),
		r("dyna-study", l1, "--out "+filepath.Join(l1, "dyna-s1", "metrics.arrow")),
		r("level1", l1, "--out "+l1),
		// Sweep: bad optimiser settings (the space file is valid).
		"sweep --space {space} --dir @out --optimizer nope",
		"sweep --space {space} --dir @out --optimizer random --trials 1000000000000",
		"sweep --space {space} --dir @out --optimizer random --trials 0",
		"sweep --space {space} --dir @out --eta 1", "sweep --space {space} --dir @out --eta 1e18",
		"sweep --space {space} --dir @out --parallel 0", "sweep --space {space} --dir @out --retries -1",
		"sweep --space {space} --dir @out --objective nope", "sweep --space {space} --dir @out --objective iqm-last:0",
		"sweep --space {space} --dir @out --objective iqm-last:1e18", "sweep --space {space} --dir @out --seed -1",
		"sweep --space {space} --dir @out --backend nope", "sweep --space {space} --dir @out --grid-points 0 --optimizer grid",
		"sweep --space {space} --dir @out --bogus", "sweep --space {space} --dir @out extra",
		"sweep --space {space} --dir {space}",
		// Batch.
		"batch a b", "batch --bogus",
	}
	bad := []string{
		// Files that are no runs.
		r("level1", filepath.Join(sets, "none")), a("summary --in " + filepath.Join(sets, "none", "*.arrow")),
		r("level2", l1), r("level3", l1), r("level3", l3, "--m 1000000000000"), r("dyna-study", l1, "--baseline nope"),
		a("steps-to", "--fraction 0.5 --reference nope"), a("poi", "--pairs ppo:nope"), a("summary", "--variants nope"),
		a("metric", "--metric nope"), a("summary", "--metric nope"),
		r("level1", l1, "--out "+filepath.Join(l1, "ppo-s0", "metrics.arrow", "report.md")),
		a("summary", "--out "+filepath.Join(l1, "ppo-s0", "metrics.arrow")),
		// Sweep's space files.
		"sweep --space {none} --dir @out", "sweep --space {dir} --dir @out", "sweep --space {empty} --dir @out",
		"sweep --space {text} --dir @out", "sweep --space {arrow} --dir @out", "sweep --space {random} --dir @out",
		"sweep --space {huge} --dir @out",
		// Batch's lists.
		"batch {none}", "batch {dir}", "batch {arrow}", "batch {random}", "batch {quote}", "batch {unknown}",
		"batch {long}",
	}
	v := valid(t)
	files := map[string]string{
		"{space}":   "space.yaml",
		"{none}":    "none",
		"{dir}":     "dir",
		"{empty}":   "empty",
		"{text}":    "text.yaml",
		"{arrow}":   "e.arrow",
		"{random}":  "random",
		"{huge}":    "huge.yaml",
		"{quote}":   "quote.txt",
		"{unknown}": "unknown.txt",
		"{long}":    "long.txt",
	}
	write := func(name, s string) {
		if err := os.WriteFile(filepath.Join(v, name), []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("space.yaml", "budget: {name: STEPS, min: 1000, max: 9000}\nseeds: [0]\nparams:\n  LR: {type: float, low: 1e-4, high: 1e-2, log: true}\n")
	write("empty", "")
	write("text.yaml", "params: [1, 2\n")
	write("random", string(randomBytes(3, 2000)))
	write("huge.yaml", "budget: {name: STEPS, min: 1, max: 1e300}\nparams:\n  X: {type: int, low: 0, high: 1000000000000000000000}\n")
	write("quote.txt", "collect --env 'CartPole-v1 --steps 10 --seed 0 --out x.arrow\n")
	write("unknown.txt", "make run\n")
	write("long.txt", strings.Repeat("x", 2<<20)+"\n")
	os.Mkdir(filepath.Join(v, "dir"), 0o755)
	cases := []struct {
		line string
		code int
	}{}
	for _, l := range usage {
		cases = append(cases, struct {
			line string
			code int
		}{l, 2})
	}
	for _, l := range bad {
		cases = append(cases, struct {
			line string
			code int
		}{l, 1})
	}
	inputs := tree(t, sets)
	for _, c := range cases {
		t.Run(c.line, func(t *testing.T) {
			work := t.TempDir()
			line := strings.Fields(c.line)
			for i, w := range line {
				if f, ok := files[w]; ok {
					line[i] = filepath.Join(v, f)
				} else if strings.HasPrefix(w, "@") {
					line[i] = filepath.Join(work, w[1:])
				} else if w == "''" {
					line[i] = ""
				}
			}
			code, msg := run(t, work, line)
			checkFail(t, line, code, msg, c.code, work)
			for name, b := range tree(t, sets) {
				if string(inputs[name]) != string(b) {
					t.Fatalf("%s changed", name)
				}
			}
		})
	}
	t.Logf("%d bad-flag cases", len(cases))
}

// randomBytes returns n bytes from seed.
func randomBytes(seed uint64, n int) []byte {
	b := make([]byte, n)
	x := seed*0x9e3779b97f4a7c15 + 1
	for i := range b {
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
		b[i] = byte(x)
	}
	return b
}

// tree returns the regular files under dir by relative path.
func tree(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err == nil && info.Mode().IsRegular() {
			b, _ := os.ReadFile(p)
			rel, _ := filepath.Rel(dir, p)
			out[rel] = b
		}
		return nil
	})
	return out
}

// TestSmallRuns: valid small sets of runs (one seed, one evaluation after
// the untrained policy's, zero model error on a log axis) give every
// report and aggregate output.
func TestSmallRuns(t *testing.T) {
	if testing.Short() {
		t.Skip("draws figures")
	}
	// A model error of exactly 0 at one evaluation, on the log axes (not
	// the first, whose E_1 = 0 would leave E_k's growth undefined: an
	// error).
	zeroAt := func(s float64) float64 {
		if s == 2000 {
			return 0
		}
		return analysistest.DefaultMSE(s)
	}
	sets := map[string][]analysistest.Run{}
	for _, c := range []struct {
		name         string
		seeds        int64
		steps, every int64
		mse          func(float64) float64
	}{
		{"one-seed", 1, 5000, 1000, analysistest.DefaultMSE},
		{"one-evaluation", 3, 1000, 1000, analysistest.DefaultMSE},
		{"zero-error", 2, 3000, 1000, zeroAt},
	} {
		for seed := range c.seeds {
			sets[c.name] = append(sets[c.name],
				analysistest.Run{Variant: "ppo", Seed: seed, Steps: c.steps, Every: c.every, Return: analysistest.Ramp(0, 0, 0)},
				analysistest.Run{Variant: "dyna", Seed: seed, Steps: c.steps, Every: c.every, Return: analysistest.Ramp(1000, 0, 0),
					Model: true, MSE: c.mse, Growth: analysistest.DefaultGrowth})
		}
	}
	lines := []string{
		"report level1 --runs {runs} --reps 20 --out @out/report.md",
		"report dyna-study --runs {runs} --reps 20 --threshold 100 --out @out/report.md",
		"report dyna-study --runs {runs} --reps 20 --threshold 1e300 --out @out/report.md",
		"aggregate summary --in {glob} --out @out --reps 20",
		"aggregate poi --in {glob} --out @out --reps 20",
		"aggregate profiles --in {glob} --out @out --reps 20 --taus 2",
		"aggregate curves --in {glob} --out @out --reps 20",
		"aggregate steps-to --in {glob} --out @out --reps 20 --threshold 1e300",
		"aggregate metric --in {glob} --out @out --reps 20 --metric model_mse_delta --logy",
		"aggregate metric --in {glob} --out @out --reps 20 --metric model_ek --at 1000 --logy",
	}
	for name, runs := range sets {
		dir := t.TempDir()
		for _, r := range runs {
			if err := analysistest.Write(filepath.Join(dir, fmt.Sprintf("%s-s%d", r.Variant, r.Seed)), r); err != nil {
				t.Fatal(err)
			}
		}
		for _, l := range lines {
			f := strings.Fields(l)
			t.Run(name+"/"+f[0]+"-"+f[1]+"/"+strings.Join(f[len(f)-2:], " "), func(t *testing.T) {
				work := t.TempDir()
				line := strings.Fields(strings.NewReplacer("{runs}", dir, "{glob}", filepath.Join(dir, "*", "metrics.arrow"), "@", work+"/").Replace(l))
				code, msg := run(t, work, line)
				if code != 0 {
					t.Fatalf("%s: exit %d: %s", strings.Join(line, " "), code, msg)
				}
				if len(tree(t, filepath.Join(work, "out"))) == 0 {
					t.Errorf("%s wrote nothing", strings.Join(line, " "))
				}
			})
		}
	}
}

// TestBatchLists runs batch on lists whose commands fail or name the list
// itself: the failing tool's one line (or batch's, before any command
// runs) with its exit code, and nothing written.
func TestBatchLists(t *testing.T) {
	v := valid(t)
	cases := []struct {
		list, tool string
		code       int
	}{
		{"collect --env Nope-v0 --steps 10 --seed 0 --out @out.arrow", "collect", 2},
		{"collect --env CartPole-v1 --policy @e.arrow --steps 10 --seed 0 --out @out.arrow", "collect", 1},
		{"inspect @e.arrow\nfitmodel --data @p.arrow --seed 0 --out @out.arrow", "fitmodel", 1},
		{"collect --env CartPole-v1 --steps 10 --seed 0 --out @list.txt", "batch", 2},
		{"collect --env CartPole-v1 --steps 10 --seed 0 --out=@list.txt", "batch", 2},
		{"inspect @e.arrow\nconcat --out @out.arrow @./list.txt", "batch", 2},
		{"inspect @e.arrow\ncollect --env CartPole-v1 --steps 10 --seed 0 --out @out.arrow 'unterminated", "batch", 1},
	}
	for i, c := range cases {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			work := t.TempDir()
			for _, f := range []string{"e.arrow", "p.arrow"} {
				copyOf("", f).make(t, v, "", filepath.Join(work, f))
			}
			list := filepath.Join(work, "list.txt")
			text := strings.ReplaceAll(c.list, "@", work+"/")
			if err := os.WriteFile(list, []byte(text+"\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			line := []string{"batch", list}
			code, msg := run(t, work, line)
			cmd := "batch: " + c.list
			if code != c.code {
				t.Errorf("%s: exit %d, want %d; stderr %q", cmd, code, c.code, msg)
			}
			checkLine(t, cmd, c.tool, msg)
			if b, _ := os.ReadFile(list); string(b) != text+"\n" {
				t.Errorf("%s: the list changed", cmd)
			}
			if _, err := os.Stat(filepath.Join(work, "out.arrow")); err == nil {
				t.Errorf("%s: wrote out.arrow", cmd)
			}
		})
	}
}
