package app

import (
	"bytes"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/apache/arrow-go/v18/arrow/memory"

	"github.com/dynago/dynago/internal/golden"
	"github.com/dynago/dynago/lib/format"
	"github.com/dynago/dynago/lib/tool"
)

const episodeFile = "testdata/episode.arrow"

// episode is a five-step CartPole episode as collect would write it. The
// numbers are made up; only their formatting matters here.
func episode() *format.Transitions {
	nan := math.NaN()
	obs := [][]float64{{0.01, -0.02, 0.03, 0.04}, {0.02, 0.17, 0.03, -0.25}, {0.03, -0.02, 0.03, 0.05},
		{0.03, 0.18, 0.03, -0.23}, {0.04, 0.37, 0.02, -0.51}, {0.05, 0.17, 0.01, -0.21}}
	action := []int64{1, 0, 1, 1, 0}
	logp := []float64{nan, -0.69, -0.7, -0.71, -0.68}
	t := format.NewTransitions(4, 1, true, 5)
	for i := range 5 {
		t.AppendRow(format.Row{Episode: 0, Step: int64(i), Obs: obs[i], Action: action[i], Reward: 1,
			NextObs: obs[i+1], Terminated: i == 4, LogProb: logp[i], Value: 0.5 + float64(i)/10,
			VarDelta: nan, VarReward: nan})
	}
	t.Meta = format.Meta{"tool": "collect", "tool_version": "0.1.0", "seed": "1", "env": "CartPole-v1",
		"args": "collect --env CartPole-v1 --seed 1 --episodes 1 --out episode.arrow"}
	return t
}

// TestEpisodeFile checks that testdata/episode.arrow is what the writer
// produces today: the format's bytes are stable.
func TestEpisodeFile(t *testing.T) {
	if golden.Update() {
		if err := format.WriteTransitions(episodeFile, episode()); err != nil {
			t.Fatal(err)
		}
	}
	p := filepath.Join(t.TempDir(), "episode.arrow")
	if err := format.WriteTransitions(p, episode()); err != nil {
		t.Fatal(err)
	}
	got, _ := os.ReadFile(p)
	want, err := os.ReadFile(episodeFile)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("writing episode() gives %d bytes that differ from %s (%d bytes); rerun with -update if the format changed on purpose", len(got), episodeFile, len(want))
	}
}

// runTool runs inspect in-process with a checked allocator and returns its exit
// code, stdout and stderr.
func runTool(t *testing.T, stdin []byte, args ...string) (int, string, string) {
	t.Helper()
	mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
	defer mem.AssertSize(t, 0)
	app := newApp(mem)
	app.Reader = bytes.NewReader(stdin)
	var out, errb bytes.Buffer
	code := tool.Run(app, append([]string{"inspect"}, args...), &out, &errb)
	return code, out.String(), errb.String()
}

// TestKinds: inspect prints a file of each of lib/format's four kinds, with
// its kind in the metadata and its rows.
func TestKinds(t *testing.T) {
	dir := t.TempDir()
	ints := func(name string, v int64) format.HistoryColumn {
		return format.HistoryColumn{Name: name, Ints: []int64{v}}
	}
	floats := func(name string, v float64) format.HistoryColumn {
		return format.HistoryColumn{Name: name, Floats: []float64{v}}
	}
	strs := func(name, v string) format.HistoryColumn {
		return format.HistoryColumn{Name: name, Strings: []string{v}}
	}
	hist := &format.History{Meta: format.Meta{"budget_name": "STEPS"}, Columns: []format.HistoryColumn{
		ints("trial", 3), ints("seed", 0), ints("bracket", 0), ints("rung", 1), ints("budget", 3000), floats("LR", 0.001),
		floats("score", 250), floats("objective", 250), floats("wall_seconds", 1.5), ints("attempts", 1), strs("status", "done"), strs("error", "")}}
	for _, c := range []struct {
		kind  string
		write func(string) error
		rows  int
		row   string // text of a row only this file has
	}{
		{format.KindTransitions, func(p string) error { return format.WriteTransitions(p, episode()) }, 5, "[0.05 0.17 0.01 -0.21]"},
		{format.KindWeights, func(p string) error {
			return format.WriteWeights(p, &format.Weights{Tensors: []format.Tensor{{Name: "l0.W", Shape: []int{1, 2}, Data: []float64{0.5, -1}}}})
		}, 1, "l0.W"},
		{format.KindMetrics, func(p string) error {
			return format.WriteMetrics(p, &format.Metrics{Rows: []format.MetricRow{{Run: "r", Variant: "v", RealSteps: 100, Metric: "eval_return", Index: -1, Value: 21}}})
		}, 1, "eval_return"},
		{format.KindHistory, func(p string) error { return format.WriteHistory(p, hist) }, 1, "3      0     0        1     3000    0.001  250"},
	} {
		t.Run(c.kind, func(t *testing.T) {
			p := filepath.Join(dir, c.kind+".arrow")
			if err := c.write(p); err != nil {
				t.Fatal(err)
			}
			code, out, errs := runTool(t, nil, p)
			if code != 0 || errs != "" {
				t.Fatalf("exit %d: %s", code, errs)
			}
			for _, want := range []string{"kind: " + c.kind + "\n", fmt.Sprintf("rows: %d\n", c.rows), c.row} {
				if !strings.Contains(out, want) {
					t.Errorf("output lacks %q:\n%s", want, out)
				}
			}
		})
	}
}

func TestGolden(t *testing.T) {
	tests := []struct {
		name string
		args []string
	}{
		{"table", nil},
		{"table_head_columns", []string{"--head", "2", "--columns", "step,reward,next_obs,terminated"}},
		{"table_tail", []string{"--tail", "2"}},
		{"csv", []string{"--format", "csv"}},
		{"json", []string{"--format", "json"}},
		{"json_tail_columns", []string{"--format", "json", "--tail", "1", "--columns", "obs,logp,var_delta"}},
		{"schema", []string{"--schema"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errs := runTool(t, nil, append(tc.args, episodeFile)...)
			if code != 0 || errs != "" {
				t.Fatalf("exit %d, stderr %q", code, errs)
			}
			golden.Check(t, filepath.Join("testdata", tc.name+".golden"), []byte(out))
		})
	}
}

// TestHelpExample runs the worked example of the help text on
// testdata/episode.arrow and checks that it prints what the help shows.
func TestHelpExample(t *testing.T) {
	lines := strings.Split(strings.TrimRight(example, "\n"), "\n")
	for i := range lines {
		lines[i] = strings.TrimPrefix(lines[i], "   ")
	}
	cmd, ok := strings.CutPrefix(lines[0], "$ inspect ")
	if !ok {
		t.Fatalf("example does not start with a command: %q", lines[0])
	}
	args := strings.Fields(strings.ReplaceAll(cmd, "episode.arrow", episodeFile))
	code, out, errs := runTool(t, nil, args...)
	if code != 0 || errs != "" {
		t.Fatalf("exit %d, stderr %q", code, errs)
	}
	if want := strings.Join(lines[1:], "\n") + "\n"; out != want {
		t.Errorf("example prints\n%s\nhelp shows\n%s", out, want)
	}
	_, help, _ := runTool(t, nil, "--help")
	if !strings.Contains(help, "$ inspect --format csv") {
		t.Error("--help does not show the example")
	}
}

func TestStdin(t *testing.T) {
	file, err := os.ReadFile(episodeFile)
	if err != nil {
		t.Fatal(err)
	}
	stream := toStream(t, file)
	_, want, _ := runTool(t, nil, "--format", "json", episodeFile)
	for name, in := range map[string][]byte{"file": file, "stream": stream} {
		for _, args := range [][]string{{"--format", "json"}, {"--format", "json", "-"}} {
			code, out, errs := runTool(t, in, args...)
			if code != 0 || out != want {
				t.Errorf("%s on stdin, args %q: exit %d, stderr %q, output\n%s", name, args, code, errs, golden.Diff(want, out))
			}
		}
	}
	_, out, _ := runTool(t, stream, "--schema")
	if !strings.HasPrefix(out, "file: stdin (Arrow IPC stream)\n") {
		t.Errorf("stream schema output:\n%s", out)
	}
}

// toStream rewrites an Arrow IPC file in the stream format.
func toStream(t *testing.T, file []byte) []byte {
	t.Helper()
	r, err := ipc.NewMappedFileReader(file)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var buf bytes.Buffer
	w := ipc.NewWriter(&buf, ipc.WithSchema(r.Schema()))
	for i := range r.NumRecords() {
		rec, err := r.RecordBatch(i)
		if err != nil {
			t.Fatal(err)
		}
		if err := w.Write(rec); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestErrors(t *testing.T) {
	dir := t.TempDir()
	file, err := os.ReadFile(episodeFile)
	if err != nil {
		t.Fatal(err)
	}
	truncated := filepath.Join(dir, "truncated.arrow")
	foreign := filepath.Join(dir, "foreign.csv")
	os.WriteFile(truncated, file[:len(file)-100], 0o644)
	os.WriteFile(foreign, []byte("a,b\n1,2\n"), 0o644)
	tests := []struct {
		name   string
		args   []string
		stdin  []byte
		code   int
		stderr string
	}{
		{"truncated", []string{truncated}, nil, 1, "inspect: read " + truncated + ": truncated or not an Arrow IPC file\n"},
		{"foreign", []string{foreign}, nil, 1, "inspect: read " + foreign + ": truncated or not an Arrow IPC file\n"},
		{"truncated stdin", nil, file[:len(file)/2], 1, "inspect: read stdin: truncated or not an Arrow IPC file\n"},
		{"empty stdin", nil, nil, 1, "inspect: read stdin: truncated or not an Arrow IPC file\n"},
		{"missing", []string{filepath.Join(dir, "none.arrow")}, nil, 1, "inspect: read " + filepath.Join(dir, "none.arrow") + ": no such file or directory\n"},
		{"bad flag", []string{"--nope", episodeFile}, nil, 2, "inspect: flag provided but not defined: -nope\n"},
		{"bad format", []string{"--format", "xml", episodeFile}, nil, 2, "inspect: --format \"xml\": must be table, csv or json\n"},
		{"negative head", []string{"--head", "-1", episodeFile}, nil, 2, "inspect: --head -1: must be >= 0\n"},
		{"head and tail", []string{"--head", "1", "--tail", "1", episodeFile}, nil, 2, "inspect: --head and --tail: use one or the other\n"},
		{"unknown column", []string{"--columns", "obs,nope", episodeFile}, nil, 2, "inspect: --columns: no column \"nope\" (have episode,step,obs,action,reward,next_obs,terminated,truncated,logp,value,imagined,var_delta,var_reward)\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, _, errs := runTool(t, tc.stdin, tc.args...)
			if code != tc.code || errs != tc.stderr {
				t.Errorf("exit %d, stderr %q; want exit %d, stderr %q", code, errs, tc.code, tc.stderr)
			}
		})
	}
}

// FuzzInspect checks that no input makes inspect panic or leak.
func FuzzInspect(f *testing.F) {
	file, err := os.ReadFile(episodeFile)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(file)
	f.Fuzz(func(t *testing.T, data []byte) {
		mem := memory.NewCheckedAllocator(memory.NewGoAllocator())
		for _, format := range []string{Table, JSON} {
			var out bytes.Buffer
			Inspect(&out, "f", data, Options{Format: format, Head: -1, Tail: -1, Mem: mem})
		}
		mem.AssertSize(t, 0)
	})
}
