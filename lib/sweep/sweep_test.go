package sweep

import (
	"bytes"
	"context"
	"encoding/csv"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/dynago/dynago/lib/format"
	"github.com/dynago/dynago/lib/sweep/sweeptest"
)

// sweepSpace is smallSpace with the fake run's LOG and FAILONCE/FAIL
// switches as fixed values.
func sweepSpace(t *testing.T, fixed string) *Space {
	t.Helper()
	return testSpace(t, smallSpace+"fixed:\n"+fixed)
}

type sweepCase struct {
	space   *Space
	opt     Optimizer
	backend Backend
	dir     string
	retries int
}

func runSweep(t *testing.T, c sweepCase) (*Sweep, string, error) {
	t.Helper()
	var log bytes.Buffer
	s, err := Run(context.Background(), Options{
		Space: c.space, Optimizer: c.opt, Objective: Objective{LastK: 2}, Maximize: true,
		Dir: c.dir, RunCmd: fakeRunCmd(t), Backend: c.backend, Retries: c.retries,
		Settings: map[string]string{"seed": "1"}, Meta: map[string]string{"tool": "test"},
		Log: &log,
	})
	return s, log.String(), err
}

// summary is what two equal sweeps agree on: per trial and seed the
// configuration, budget, score, status and attempts.
func summary(t *testing.T, dir string) [][]string {
	t.Helper()
	f, err := os.Open(filepath.Join(dir, "history.csv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var out [][]string
	for _, r := range rows {
		out = append(out, append(r[:len(r)-4:len(r)-4], r[len(r)-3:]...)) // all but wall_seconds
	}
	return out
}

func TestSweepLocal(t *testing.T) {
	dir := t.TempDir()
	logf := filepath.Join(dir, "runs.log")
	sp := sweepSpace(t, "  LOG: "+logf+"\n")
	s, stderr, err := runSweep(t, sweepCase{space: sp, opt: NewSuccessiveHalving(sp, 3, rand.NewPCG(1, 1)),
		backend: Local{Parallel: 4}, dir: filepath.Join(dir, "sweep")})
	if err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	// SH from 1000 to 9000 with eta 3: 9 + 3 + 1 trials, 2 seeds each.
	if len(s.Trials) != 13 {
		t.Fatalf("%d trials, want 13", len(s.Trials))
	}
	if runs := strings.Count(readFile(t, logf), "\n"); runs != 26 {
		t.Errorf("%d runs, want 26", runs)
	}
	best := s.Trials[s.Best()]
	if best.Trial.Budget != 9000 || best.Trial.ID != 12 {
		t.Errorf("best trial %d at %d, want the last trial at 9000", best.Trial.ID, best.Trial.Budget)
	}
	// Objective: IQM over 2 seeds (= their mean) of the mean of the last 2
	// values, level*(3/4 + 1)/2 * 9000/10000 with level from fakeRun.
	level := func(seed float64) float64 {
		c := best.Trial.Config
		return sweeptest.Level(c["X"].Num, c["N"].Num, seed, c["C"].Text) * 0.875 * 0.9
	}
	if want := (level(0) + level(1)) / 2; math.Abs(best.Objective-want) > 1e-9 {
		t.Errorf("best objective %g, want %g", best.Objective, want)
	}
	mk := readFile(t, filepath.Join(dir, "sweep", "best.mk"))
	for _, want := range []string{"\nC = " + best.Trial.Config["C"].Text + "\n", "\nX = " + best.Trial.Config["X"].Text + "\n", "\nSTEPS = 9000\n", "\nLOG = "} {
		if !strings.Contains(mk, want) {
			t.Errorf("best.mk lacks %q:\n%s", want, mk)
		}
	}
	for _, f := range []string{"history.arrow", "history.csv", "incumbent.csv", "incumbent.png", "objective_X.png", "objective_N.png", "objective_C.png", "trials/0012-s1/metrics.arrow"} {
		if _, err := os.Stat(filepath.Join(dir, "sweep", f)); err != nil {
			t.Errorf("missing output: %v", err)
		}
	}
	if rows := summary(t, filepath.Join(dir, "sweep")); len(rows) != 27 || strings.Join(rows[0], ",") != "trial,seed,bracket,rung,budget,C,N,X,score,objective,attempts,status,error" {
		t.Errorf("history.csv: %d rows, header %v", len(rows), rows[0])
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestHistoryArrow(t *testing.T) {
	dir := t.TempDir()
	sp := sweepSpace(t, "  A: 1\n")
	_, stderr, err := runSweep(t, sweepCase{space: sp, opt: NewGrid(sp, 2), backend: Local{Parallel: 4}, dir: dir})
	if err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	h, err := format.ReadHistory(filepath.Join(dir, "history.arrow"))
	if err != nil {
		t.Fatal(err)
	}
	for k, want := range map[string]string{"seed": "1", "tool": "test", "budget_name": "STEPS"} {
		if h.Meta[k] != want {
			t.Errorf("metadata %s = %q, want %q", k, h.Meta[k], want)
		}
	}
	// Grid: C 2 × N 2 (1, 3) × X 2 = 8 trials × 2 seeds.
	if rows := len(h.Column("trial").Ints); rows != 16 || len(h.Columns) != 14 {
		t.Errorf("%d rows × %d columns, want 16 × 14", rows, len(h.Columns))
	}
	if c := h.Column("C"); c == nil || c.Strings == nil {
		t.Errorf("choice parameter C: %+v, want a string column", c)
	}
}

func TestSweepResume(t *testing.T) {
	dir := t.TempDir()
	logf := filepath.Join(dir, "runs.log")
	sp := sweepSpace(t, "  LOG: "+logf+"\n")
	sw := filepath.Join(dir, "sweep")
	c := sweepCase{space: sp, opt: NewRandom(sp, 4, rand.NewPCG(1, 1)), backend: Local{Parallel: 2}, dir: sw}
	if _, stderr, err := runSweep(t, c); err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	first := summary(t, sw)
	// Interrupt: one run never recorded done, another lost its metrics.
	must(t, os.Remove(filepath.Join(sw, "trials/0001-s0/status.json")))
	must(t, os.Remove(filepath.Join(sw, "trials/0002-s1/metrics.arrow")))
	must(t, os.WriteFile(logf, nil, 0o644))
	c.opt = NewRandom(sp, 4, rand.NewPCG(1, 1))
	if _, stderr, err := runSweep(t, c); err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	if got := strings.Fields(readFile(t, logf)); !reflect.DeepEqual(got, []string{"0001-s0", "0002-s1"}) && !reflect.DeepEqual(got, []string{"0002-s1", "0001-s0"}) {
		t.Errorf("resumed sweep ran %v, want 0001-s0 and 0002-s1", got)
	}
	if again := summary(t, sw); !reflect.DeepEqual(first, again) {
		t.Errorf("resumed history differs:\n%v\n%v", first, again)
	}
	// Another seed is another sweep: refused.
	_, err := Run(context.Background(), Options{Space: sp, Optimizer: NewRandom(sp, 4, rand.NewPCG(2, 1)), Dir: sw,
		Backend: Local{Parallel: 1}, Settings: map[string]string{"seed": "2"}, Log: &bytes.Buffer{}})
	if err == nil || !strings.Contains(err.Error(), `seed was "1", now "2"`) {
		t.Errorf("resume with another seed: %v", err)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func TestSweepRetries(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		name, fixed string
		retries     int
		wantErr     string
		wantStatus  string
		attempts    string
	}{
		{"fails once, retried", "  FAILONCE: " + dir + "\n", 2, "", "done", "2"},
		{"fails once, no retries", "  FAILONCE: " + dir + "/none\n", 0, "2 runs failed after 1 attempts", "failed", "1"},
		{"always fails", "  FAIL: 1\n", 2, "2 runs failed after 3 attempts: 0000-s0, 0000-s1", "failed", "3"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			must(t, os.MkdirAll(dir+"/none", 0o755))
			sp := sweepSpace(t, tc.fixed)
			sw := t.TempDir()
			_, stderr, err := runSweep(t, sweepCase{space: sp, opt: NewRandom(sp, 1, rand.NewPCG(1, 1)),
				backend: Local{Parallel: 2}, dir: sw, retries: tc.retries})
			if tc.wantErr == "" && err != nil || tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)) {
				t.Errorf("error %v, want %q", err, tc.wantErr)
			}
			if !strings.Contains(stderr, "sweep: run 0000-s0 attempt 1/") || !strings.Contains(stderr, "exit status 3: fakerun: failing") {
				t.Errorf("failure not reported on stderr:\n%s", stderr)
			}
			for _, row := range summary(t, sw)[1:] {
				if row[len(row)-3] != tc.attempts || row[len(row)-2] != tc.wantStatus {
					t.Errorf("history row %v: want %s attempts, status %s", row, tc.attempts, tc.wantStatus)
				}
			}
		})
	}
}
