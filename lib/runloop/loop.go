package runloop

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/dynago/dynago/lib/format"
	"github.com/dynago/dynago/lib/format/metric"
	"github.com/dynago/dynago/lib/tool"
)

// Keep modes: which iterations' files a run keeps.
const (
	KeepCheckpoints = "checkpoints" // iterations holding an evaluation (slimmed) and the last one
	KeepAll         = "all"         // every file of every iteration
)

// Files of a run directory.
const (
	SettingsFile = "settings.json" // the run's effective settings (Settings.JSON)
	MetricsFile  = "metrics.arrow" // every metrics row of the run, tagged
	DoneFile     = "done"          // the run (or an iteration) is finished
	itersDir     = "iters"
	iterMetrics  = "iteration.metrics.arrow" // a checkpoint's rows, gathered
)

// Options configure one run.
type Options struct {
	Dir      string    // the run directory (OUT)
	Name     string    // the run's name in metrics (default: Dir's base name)
	Settings *Settings // the run's variables
	Keep     string    // KeepCheckpoints (default) or KeepAll

	// Tools are the tools' commands by name (collect, ppo, fitmodel,
	// imagine, evalmodel, concat), run in-process with tool.Run.
	Tools map[string]func() *cli.App

	Log      io.Writer // the tools' output and error lines (default: discard)
	Progress io.Writer // one line per evaluation; nil: quiet

	// Script, when set, receives the shell commands equivalent to every
	// file operation and tool call of the run, with ScriptDir written as
	// "$OUT" and tools as "$BIN"/NAME; MaxIters > 0 stops the run after
	// that many iterations (iteration 0 counts), unfinished.
	Script    io.Writer
	ScriptDir string
	MaxIters  int

	// BeforeTool, when set, is called with every tool command line before
	// it runs (tests check what each evaluation uses).
	BeforeTool func(args []string)
}

// ErrStopped is returned when Options.MaxIters ended the run early.
var ErrStopped = errors.New("stopped after MaxIters iterations")

type loop struct {
	Options
	s                      *Settings
	algo                   string
	steps, every, seed     int64
	start                  time.Time
	startSteps             int64
	iters                  int // iterations run in this call
	heldoutFirst           string
	evalFlags, updateFlags []string
	imagUpdateFlags        []string // updateFlags and the IMAG_* overrides
}

// Run runs (or resumes) the run in o.Dir: iterations of tool calls until
// STEPS real steps, evaluations at every EVAL_EVERY boundary and at STEPS,
// then Dir/metrics.arrow and Dir/done. A finished run returns at once. See
// the package documentation for the loop and its files.
func Run(ctx context.Context, o Options) error {
	l := &loop{Options: o, s: o.Settings, start: time.Now()}
	if l.Name == "" {
		l.Name = filepath.Base(l.Dir)
	}
	if l.Keep == "" {
		l.Keep = KeepCheckpoints
	}
	if l.Keep != KeepCheckpoints && l.Keep != KeepAll {
		return fmt.Errorf("KEEP=%s: must be %s or %s", l.Keep, KeepCheckpoints, KeepAll)
	}
	if l.Log == nil {
		l.Log = io.Discard
	}
	l.algo = l.s.Get("ALGO")
	l.steps, l.every, l.seed = l.s.Int("STEPS"), l.s.Int("EVAL_EVERY"), l.s.Int("SEED")
	l.updateFlags = append([]string{"--preset", l.s.Get("PRESET")}, l.s.args(Update)...)
	l.updateFlags = append(l.updateFlags, "--total-steps", strconv.FormatInt(l.steps, 10))
	l.evalFlags = l.s.args(Eval)
	// The updates with imagined rows: IMAG_* in place of their PPO
	// variables (a repeated flag's last value counts).
	l.imagUpdateFlags = slices.Clone(l.updateFlags)
	for _, o := range [][2]string{{"IMAG_EPOCHS", "--epochs"}, {"IMAG_MINIBATCH", "--minibatch"}, {"IMAG_TARGET_KL", "--target-kl"}} {
		if x := l.s.Get(o[0]); x != "" {
			l.imagUpdateFlags = append(l.imagUpdateFlags, o[1], x)
		}
	}
	if l.algo == Dyna {
		if r := l.s.Int("IMAG_ROUNDS"); r > maxRounds {
			return fmt.Errorf("IMAG_ROUNDS=%d (--imag-rounds): must be in [1, %d]", r, maxRounds)
		}
	}

	if err := l.mkdir(filepath.Join(l.Dir, itersDir)); err != nil {
		return err
	}
	if err := l.checkSettings(); err != nil {
		return err
	}
	if exists(filepath.Join(l.Dir, DoneFile)) && exists(filepath.Join(l.Dir, MetricsFile)) {
		return nil
	}
	last, err := l.resume()
	if err != nil {
		return err
	}
	if last < 0 {
		if err := l.iteration0(ctx); err != nil {
			return err
		}
		last = 0
	}
	l.startSteps = l.realSteps(l.iterDir(last))
	for i := last + 1; ; i++ {
		from := l.realSteps(l.iterDir(i - 1))
		if from >= l.steps {
			break
		}
		if l.MaxIters > 0 && l.iters >= l.MaxIters {
			return ErrStopped
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := l.iteration(ctx, i, from); err != nil {
			return err
		}
	}
	return l.finish(ctx)
}

// checkSettings records the settings in a new run directory and compares
// them with an existing run's.
func (l *loop) checkSettings() error {
	p := filepath.Join(l.Dir, SettingsFile)
	b, err := os.ReadFile(p)
	if errors.Is(err, os.ErrNotExist) {
		if exists(filepath.Join(l.Dir, "settings.mk")) {
			return fmt.Errorf("%s holds a run of the former shell driver (settings.mk); choose another OUT or delete it", l.Dir)
		}
		return l.writeFile(p, l.s.JSON()+"\n")
	}
	if err != nil {
		return err
	}
	var old map[string]string
	if err := json.Unmarshal(b, &old); err != nil {
		return fmt.Errorf("read %s: %w", p, err)
	}
	if err := l.s.Compare(old); err != nil {
		return fmt.Errorf("%s holds a run with other settings (%v; see %s); choose another OUT or delete it", l.Dir, err, p)
	}
	return nil
}

// resume returns the last finished iteration (-1 for none), after
// deleting unfinished ones and tidying the finished ones (KEEP).
func (l *loop) resume() (int, error) {
	entries, err := os.ReadDir(filepath.Join(l.Dir, itersDir))
	if err != nil {
		return -1, err
	}
	var idx []int
	for _, e := range entries {
		if n, err := strconv.Atoi(e.Name()); err == nil && e.IsDir() && e.Name() == fmt.Sprintf("%05d", n) {
			idx = append(idx, n)
		}
	}
	sort.Ints(idx)
	// Iterations run in order, so only the highest can be unfinished.
	last := -1
	for _, n := range idx {
		if exists(filepath.Join(l.iterDir(n), DoneFile)) {
			last = n
		}
	}
	for _, n := range idx {
		if n > last {
			if err := l.remove(l.iterDir(n)); err != nil {
				return -1, err
			}
		}
	}
	for _, n := range idx {
		if n < last {
			if err := l.supersede(n); err != nil {
				return -1, err
			}
		}
	}
	return last, nil
}

func (l *loop) iterDir(i int) string {
	return filepath.Join(l.Dir, itersDir, fmt.Sprintf("%05d", i))
}

// iteration0 creates the policy (none for MPC) and evaluates it at 0 real steps.
func (l *loop) iteration0(ctx context.Context) error {
	d := l.iterDir(0)
	if err := l.mkdir(d); err != nil {
		return err
	}
	if l.algo != MPC {
		args := []string{"ppo", "--init", "--env", l.s.Get("ENV"), "--preset", l.s.Get("PRESET")}
		args = append(args, l.s.args(Init)...)
		args = append(args, "--seed", strconv.FormatInt(l.seed, 10), "--out", filepath.Join(d, "policy.arrow"))
		if err := l.tool(ctx, args...); err != nil {
			return err
		}
	}
	if err := l.evalAt(ctx, d, d, 0); err != nil {
		return err
	}
	l.iters++
	return l.touch(filepath.Join(d, DoneFile))
}

// boundaries returns the evaluation points in (from, to]: the multiples of
// EVAL_EVERY and STEPS itself.
func (l *loop) boundaries(from, to int64) []int64 {
	var bs []int64
	for b := (from/l.every + 1) * l.every; b <= to; b += l.every {
		bs = append(bs, b)
	}
	if to >= l.steps && l.steps%l.every != 0 && from < l.steps {
		bs = append(bs, l.steps)
	}
	return bs
}

// iteration runs iteration i, which starts at from real steps.
//
// Evaluation at the right step: a boundary b inside (from, to) is
// evaluated with the previous iteration's policy and model (trained on
// from <= b real steps), b == to with this iteration's (trained on to = b).
func (l *loop) iteration(ctx context.Context, i int, from int64) error {
	prev, d := l.iterDir(i-1), l.iterDir(i)
	if err := l.mkdir(d); err != nil {
		return err
	}
	if exists(filepath.Join(prev, "state.json")) {
		if err := l.copy(filepath.Join(prev, "state.json"), filepath.Join(d, "state.json")); err != nil {
			return err
		}
	}
	if err := l.collect(ctx, i, prev, d, from); err != nil {
		return err
	}
	to := l.realSteps(d)
	if to <= from {
		return fmt.Errorf("iteration %d: collect recorded no real steps (state %d -> %d)", i, from, to)
	}
	bs := l.boundaries(from, to)
	for _, b := range bs {
		if b < to {
			if err := l.evalAt(ctx, prev, d, b); err != nil {
				return err
			}
		}
	}
	if err := l.update(ctx, i, prev, d, to); err != nil {
		return err
	}
	for _, b := range bs {
		if b == to {
			if err := l.evalAt(ctx, d, d, b); err != nil {
				return err
			}
		}
	}
	if err := l.touch(filepath.Join(d, DoneFile)); err != nil {
		return err
	}
	l.iters++
	return l.supersede(i - 1)
}

// collect records iteration i's real steps into d/real.arrow: ppo and
// dyna one episode (or ROLLOUT steps) with the previous policy, mpc
// MODEL_EVERY steps planned with the previous model.
func (l *loop) collect(ctx context.Context, i int, prev, d string, from int64) error {
	left := l.steps - from
	seed := strconv.FormatInt(ToolSeed(l.seed, i, kCollect), 10)
	args := []string{"collect", "--env", l.s.Get("ENV")}
	if l.algo == MPC {
		n := min(l.s.Int("MODEL_EVERY"), left)
		args = append(args, "--planner", "cem")
		if m := filepath.Join(prev, "model.arrow"); exists(m) {
			args = append(args, "--model", m)
		}
		args = append(args, l.s.args(Plan)...)
		args = append(args, "--state", filepath.Join(d, "state.json"), "--steps", itoa(n), "--seed", seed,
			"--out", filepath.Join(d, "real.arrow"), "--metrics", filepath.Join(d, "plan.metrics.arrow"), "--real-steps", itoa(from+n))
		return l.tool(ctx, args...)
	}
	args = append(args, "--policy", filepath.Join(prev, "policy.arrow"), "--state", filepath.Join(d, "state.json"))
	if r := l.s.Int("ROLLOUT"); r > 0 {
		args = append(args, "--steps", itoa(min(r, left)))
	} else {
		args = append(args, "--episodes", "1", "--max-steps", itoa(left))
	}
	args = append(args, "--seed", seed, "--out", filepath.Join(d, "real.arrow"))
	return l.tool(ctx, args...)
}

// update trains on iteration i's real steps (to in all): ppo one PPO
// update; dyna (DYNA_ORDER=course) PPO on the real data, a model fit,
// imagination and PPO on the imagined data; mpc a model fit.
func (l *loop) update(ctx context.Context, i int, prev, d string, to int64) error {
	rs := itoa(to)
	seed := func(k int) string { return strconv.FormatInt(ToolSeed(l.seed, i, k), 10) }
	ppoUpdate := func(in string, data []string, out, metrics string, k int, flags ...string) error {
		args := []string{"ppo", "--policy", in}
		for _, x := range data {
			args = append(args, "--data", x)
		}
		args = append(args, "--out", out, "--metrics", metrics, "--seed", seed(k), "--real-steps", rs)
		args = append(args, l.updateFlags...)
		return l.tool(ctx, append(args, flags...)...)
	}
	// MVE_HORIZON: the real rows' value targets expand through the
	// previous iteration's model (none in the first iteration).
	var mve []string
	if h := l.s.Get("MVE_HORIZON"); h != "" && l.algo == Dyna {
		if m := filepath.Join(prev, "model.arrow"); exists(m) {
			mve = []string{"--mve-model", m, "--mve-horizon", h}
		}
	}
	real := filepath.Join(d, "real.arrow")
	if l.algo == PPO || l.s.Get("MODEL") == "off" {
		return ppoUpdate(filepath.Join(prev, "policy.arrow"), []string{real}, filepath.Join(d, "policy.arrow"), filepath.Join(d, "ppo.metrics.arrow"), kPPOReal)
	}
	policyIn := filepath.Join(prev, "policy.arrow")
	course := l.algo == Dyna && l.s.Get("DYNA_ORDER") == "course"
	if course {
		out := filepath.Join(d, "policy-real.arrow")
		if err := ppoUpdate(policyIn, []string{real}, out, filepath.Join(d, "ppo-real.metrics.arrow"), kPPOReal, mve...); err != nil {
			return err
		}
		policyIn = out
	}
	// The model: fitted on the previous buffer plus the new steps.
	args := []string{"fitmodel"}
	if b := filepath.Join(prev, "buffer.arrow"); exists(b) {
		args = append(args, "--data", b)
	}
	args = append(args, "--data", real, "--buffer-out", filepath.Join(d, "buffer.arrow"))
	if m := filepath.Join(prev, "model.arrow"); l.s.Flag("MODEL_WARM") && exists(m) {
		args = append(args, "--warm-start", m)
	} else {
		args = append(args, l.s.args(FitNew)...)
	}
	args = append(args, "--out", filepath.Join(d, "model.arrow"), "--metrics", filepath.Join(d, "fit.metrics.arrow"),
		"--seed", seed(kFit), "--real-steps", rs)
	if err := l.tool(ctx, append(args, l.s.args(Fit)...)...); err != nil {
		return err
	}
	if l.algo == MPC {
		return nil
	}
	// IMAG_ROUNDS > 1: imagine and update again with the policy the last
	// round made, several trust-region steps per real rollout. Round r's
	// files are suffixed -r (r >= 2); the last round writes policy.arrow.
	rounds := int(l.s.Int("IMAG_ROUNDS"))
	for r := 1; r <= rounds; r++ {
		sfx, kImag, kUpd := "", kImagine, kPPO
		if r > 1 {
			sfx, kImag, kUpd = "-"+strconv.Itoa(r), 2*r+1, 2*r+2
		}
		imagined := filepath.Join(d, "imagined"+sfx+".arrow")
		args = []string{"imagine", "--model", filepath.Join(d, "model.arrow"), "--policy", policyIn, "--data", filepath.Join(d, "buffer.arrow"),
			"--out", imagined, "--metrics", filepath.Join(d, "imagine"+sfx+".metrics.arrow"), "--seed", seed(kImag), "--real-steps", rs}
		if err := l.tool(ctx, append(args, l.s.args(Imagine)...)...); err != nil {
			return err
		}
		data, flags := []string{imagined}, l.imagUpdateFlags[len(l.updateFlags):]
		if !course {
			data = []string{real, imagined}
			flags = append(slices.Clone(flags), mve...)
		}
		out := filepath.Join(d, "policy.arrow")
		if r < rounds {
			out = filepath.Join(d, "policy-imag"+strconv.Itoa(r)+".arrow")
		}
		if err := ppoUpdate(policyIn, data, out, filepath.Join(d, "ppo"+sfx+".metrics.arrow"), kUpd, flags...); err != nil {
			return err
		}
		policyIn = out
	}
	return nil
}

// evalAt evaluates at b real steps the policy (mpc: the planner with the
// model) of iteration directory src, writing into d. With EVAL_MODEL=1 the
// model of src is evaluated too, on held-out transitions that the policy
// collects on a separately seeded environment.
func (l *loop) evalAt(ctx context.Context, src, d string, b int64) error {
	es := EvalSeed(l.seed, b)
	metrics := filepath.Join(d, fmt.Sprintf("eval-%d.metrics.arrow", b))
	args := []string{"collect", "--eval", "--env", l.s.Get("ENV")}
	model := filepath.Join(src, "model.arrow")
	if l.algo == MPC {
		args = append(args, "--planner", "cem")
		if exists(model) {
			args = append(args, "--model", model)
		}
		args = append(args, l.s.args(Plan)...)
	} else {
		args = append(args, "--policy", filepath.Join(src, "policy.arrow"))
	}
	args = append(args, "--episodes", l.s.Get("EVAL_EPISODES"))
	if l.algo != MPC {
		args = append(args, l.evalFlags...)
	}
	args = append(args, "--seed", strconv.FormatInt(es, 10), "--real-steps", itoa(b), "--metrics", metrics)
	if err := l.tool(ctx, args...); err != nil {
		return err
	}
	if l.algo == Dyna && l.s.Flag("EVAL_MODEL") && l.s.Get("MODEL") == "on" && b > 0 && exists(model) {
		held := filepath.Join(d, fmt.Sprintf("heldout-%d.arrow", b))
		if err := l.tool(ctx, "collect", "--env", l.s.Get("ENV"), "--policy", filepath.Join(src, "policy.arrow"),
			"--steps", l.s.Get("HELDOUT_STEPS"), "--seed", strconv.FormatInt(es+1, 10), "--out", held); err != nil {
			return err
		}
		// Old states: the held-out set of the run's first model evaluation.
		if l.heldoutFirst == "" {
			l.heldoutFirst = l.firstHeldout()
		}
		old := l.heldoutFirst
		if old == "" {
			old, l.heldoutFirst = held, held
		}
		if err := l.tool(ctx, "evalmodel", "--model", model, "--data", held, "--old", old, "--new", held,
			"--hist", "visits="+held, "--real-steps", itoa(b), "--seed", strconv.FormatInt(es, 10),
			"--metrics", filepath.Join(d, fmt.Sprintf("evalmodel-%d.metrics.arrow", b))); err != nil {
			return err
		}
	}
	if l.Progress != nil {
		l.progress(metrics, b)
	}
	return nil
}

// firstHeldout returns the run's first held-out file, or "".
func (l *loop) firstHeldout() string {
	hs, _ := filepath.Glob(filepath.Join(l.Dir, itersDir, "*", "heldout-*.arrow"))
	sort.Slice(hs, func(a, b int) bool {
		da, db := filepath.Dir(hs[a]), filepath.Dir(hs[b])
		if da != db {
			return da < db
		}
		return heldoutSteps(hs[a]) < heldoutSteps(hs[b])
	})
	if len(hs) == 0 {
		return ""
	}
	return hs[0]
}

func heldoutSteps(p string) int64 {
	n, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimPrefix(filepath.Base(p), "heldout-"), ".arrow"), 10, 64)
	return n
}

// progress prints one line for the evaluation in metrics at b real steps.
func (l *loop) progress(metrics string, b int64) {
	ret := "?"
	if m, err := format.ReadMetrics(metrics); err == nil {
		for _, r := range m.Rows {
			if r.Metric == metric.EvalReturn {
				ret = strconv.FormatFloat(r.Value, 'f', 1, 64)
			}
		}
	}
	el := time.Since(l.start)
	eta := ""
	if done := b - l.startSteps; done > 0 && b < l.steps {
		eta = ", ETA " + FormatDuration(time.Duration(float64(el)*float64(l.steps-b)/float64(done)))
	}
	fmt.Fprintf(l.Progress, "run %s: %d/%d steps, return %s, %s%s\n", l.Name, b, l.steps, ret, FormatDuration(el), eta)
}

// FormatDuration writes a duration for progress lines: seconds with one
// decimal under a minute, whole minutes under an hour, then hours.
func FormatDuration(d time.Duration) string {
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%.1f s", d.Seconds())
	case d < time.Hour:
		return fmt.Sprintf("%.0f min", d.Minutes())
	}
	return fmt.Sprintf("%.1f h", d.Hours())
}

// finish gathers every metrics file into Dir/metrics.arrow, tagged with the
// run's name, variant and seed and carrying its settings, then marks the
// run done.
func (l *loop) finish(ctx context.Context) error {
	entries, err := os.ReadDir(filepath.Join(l.Dir, itersDir))
	if err != nil {
		return err
	}
	if n, err := strconv.Atoi(entries[len(entries)-1].Name()); err == nil && l.Keep == KeepCheckpoints {
		if err := l.tidy(n, true); err != nil {
			return err
		}
		if entries, err = os.ReadDir(filepath.Join(l.Dir, itersDir)); err != nil {
			return err
		}
	}
	args := []string{"concat", "--run", l.Name, "--variant", l.s.Get("VARIANT"), "--seed", itoa(l.seed),
		"--run-settings", filepath.Join(l.Dir, SettingsFile), "--out", filepath.Join(l.Dir, MetricsFile)}
	for _, e := range entries {
		fs, err := metricsOf(filepath.Join(l.Dir, itersDir, e.Name()))
		if err != nil {
			return err
		}
		args = append(args, fs...)
	}
	if err := l.tool(ctx, args...); err != nil {
		return err
	}
	return l.touch(filepath.Join(l.Dir, DoneFile))
}

// metricsOf returns the metrics files of an iteration directory in the
// order of its rows: a checkpoint's gathered file alone, or its files by
// name.
func metricsOf(dir string) ([]string, error) {
	if p := filepath.Join(dir, iterMetrics); exists(p) {
		return []string{p}, nil
	}
	return filepath.Glob(filepath.Join(dir, "*.metrics.arrow")) // sorted
}

// isCheckpoint reports whether an iteration directory holds an evaluation.
func isCheckpoint(dir string) bool {
	if exists(filepath.Join(dir, iterMetrics)) {
		return true
	}
	es, _ := filepath.Glob(filepath.Join(dir, "eval-*.metrics.arrow"))
	return len(es) > 0
}

// bulky are the files of a superseded iteration that nothing reads later;
// one without evaluation loses its policy and model too.
var (
	bulky      = append([]string{"real.arrow", "buffer.arrow", "imagined.arrow", "state.json", "policy-real.arrow"}, roundFiles()...)
	bulkyPlain = append(append([]string{}, bulky...), "policy.arrow", "model.arrow")
)

// roundFiles are the imagined data and policies of IMAG_ROUNDS' rounds.
func roundFiles() []string {
	var b []string
	for r := 1; r <= maxRounds; r++ {
		b = append(b, fmt.Sprintf("imagined-%d.arrow", r), fmt.Sprintf("policy-imag%d.arrow", r))
	}
	return b
}

// supersede (KEEP=checkpoints) tidies finished iteration i once iteration
// i+1 is finished. An iteration without evaluation keeps only its metrics
// files and done. A checkpoint (one with an evaluation) gathers its rows
// and those of the iterations without evaluation right before it into
// iteration.metrics.arrow, removes those iterations, and keeps its
// policy, model, held-out data and model-evaluation files. Safe to repeat after an interruption:
// iterations before a gathered checkpoint are removed, not gathered again.
func (l *loop) supersede(i int) error { return l.tidy(i, false) }

// tidy is supersede; last keeps every file of iteration i, the run's last,
// and gathers the rows only.
func (l *loop) tidy(i int, last bool) error {
	d := l.iterDir(i)
	if l.Keep != KeepCheckpoints || !exists(d) {
		return nil
	}
	if !isCheckpoint(d) && !last {
		return l.removeFiles(d, bulkyPlain)
	}
	var before []string // the iterations without evaluation right before i
	for j := i - 1; j >= 0; j-- {
		dj := l.iterDir(j)
		if !exists(dj) {
			continue // removed
		}
		if isCheckpoint(dj) {
			break
		}
		before = append([]string{dj}, before...)
	}
	if !exists(filepath.Join(d, iterMetrics)) {
		var fs []string
		for _, dj := range append(before, d) {
			f, err := metricsOf(dj)
			if err != nil {
				return err
			}
			fs = append(fs, f...)
		}
		if err := l.tool(context.Background(), append([]string{"concat", "--out", filepath.Join(d, iterMetrics)}, fs...)...); err != nil {
			return err
		}
	}
	for _, dj := range before {
		if err := l.remove(dj); err != nil {
			return err
		}
	}
	if last {
		return nil
	}
	own, err := filepath.Glob(filepath.Join(d, "*.metrics.arrow"))
	if err != nil {
		return err
	}
	for _, f := range own {
		// The model evaluations stay: their schema metadata holds the
		// histogram edges that the reports read (analysis.VisitEdges);
		// metricsOf takes their rows from iteration.metrics.arrow only.
		if b := filepath.Base(f); b != iterMetrics && !strings.HasPrefix(b, "evalmodel-") {
			if err := l.remove(f); err != nil {
				return err
			}
		}
	}
	return l.removeFiles(d, bulky)
}

// removeFiles removes those of names that exist in dir.
func (l *loop) removeFiles(dir string, names []string) error {
	for _, f := range names {
		if p := filepath.Join(dir, f); exists(p) {
			if err := l.remove(p); err != nil {
				return err
			}
		}
	}
	return nil
}

// realSteps returns the real steps recorded in dir/state.json (0 without).
func (l *loop) realSteps(dir string) int64 {
	b, err := os.ReadFile(filepath.Join(dir, "state.json"))
	if err != nil {
		return 0
	}
	var st struct {
		RealSteps int64 `json:"real_steps"`
	}
	if json.Unmarshal(b, &st) != nil {
		return 0
	}
	return st.RealSteps
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func exists(p string) bool { _, err := os.Stat(p); return err == nil }

// File operations and tool calls, each recorded to Script when set.

func (l *loop) tool(ctx context.Context, args ...string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if l.BeforeTool != nil {
		l.BeforeTool(args)
	}
	l.record(append([]string{"\"$BIN\"/" + args[0]}, l.quoteAll(args[1:])...)...)
	newApp, ok := l.Tools[args[0]]
	if !ok {
		return fmt.Errorf("runloop: no tool %q", args[0])
	}
	if code := tool.Run(newApp(), args, l.Log, l.Log); code != 0 {
		return &tool.Reported{Code: code} // the tool printed its error
	}
	return nil
}

func (l *loop) mkdir(p string) error {
	l.record("mkdir", "-p", l.quote(p))
	return os.MkdirAll(p, 0o755)
}

func (l *loop) copy(src, dst string) error {
	l.record("cp", l.quote(src), l.quote(dst))
	b, err := os.ReadFile(src)
	if err != nil {
		return err
	}
	return os.WriteFile(dst, b, 0o644)
}

func (l *loop) touch(p string) error {
	l.record(":", ">", l.quote(p))
	return os.WriteFile(p, nil, 0o644)
}

func (l *loop) remove(p string) error {
	l.record("rm", "-rf", l.quote(p))
	return os.RemoveAll(p)
}

func (l *loop) writeFile(p, content string) error {
	l.record("printf", "'%s\\n'", l.quote(strings.TrimSuffix(content, "\n")), ">", l.quote(p))
	return format.WriteAtomic(p, func(f *os.File) error {
		_, err := f.WriteString(content)
		return err
	})
}

func (l *loop) record(words ...string) {
	if l.Script != nil {
		fmt.Fprintln(l.Script, strings.Join(words, " "))
	}
}

func (l *loop) quoteAll(args []string) []string {
	out := make([]string, len(args))
	for i, a := range args {
		out[i] = l.quote(a)
	}
	return out
}

// quote shell-quotes s, writing ScriptDir as "$OUT".
func (l *loop) quote(s string) string {
	if l.ScriptDir == "" || !strings.Contains(s, l.ScriptDir) {
		return tool.Quote(s)
	}
	parts := strings.Split(s, l.ScriptDir)
	var b strings.Builder
	for i, p := range parts {
		if i > 0 {
			b.WriteString(`"$OUT"`)
		}
		if p != "" {
			b.WriteString(tool.Quote(p))
		}
	}
	return b.String()
}
