package sweep

import (
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"sort"
	"testing"
)

func testSpace(t *testing.T, text string) *Space {
	t.Helper()
	s, err := ParseSpace("test.yaml", []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

const smallSpace = `
budget: {name: STEPS, min: 1000, max: 9000}
seeds: [0, 1]
params:
  X: {type: float, low: 0, high: 1}
  N: {type: int, low: 1, high: 3}
  C: {choices: [a, b]}
`

func key(c Config) string { return fmt.Sprint(c["C"].Text, c["N"].Text, c["X"].Text) }

func TestGridEnumeratesAll(t *testing.T) {
	s := testSpace(t, smallSpace)
	g := NewGrid(s, 3)
	trials := g.Ask()
	// C: 2 choices, N: 1, 2, 3, X: 0, 0.5, 1.
	if len(trials) != 2*3*3 {
		t.Fatalf("%d trials, want 18", len(trials))
	}
	seen := map[string]bool{}
	for i, tr := range trials {
		if tr.ID != i || tr.Budget != 9000 {
			t.Errorf("trial %d: ID %d budget %d", i, tr.ID, tr.Budget)
		}
		seen[key(tr.Config)] = true
	}
	if len(seen) != 18 {
		t.Errorf("%d distinct configurations, want 18", len(seen))
	}
	for _, want := range []string{"a10", "b30.5", "b21"} {
		if !seen[want] {
			t.Errorf("missing configuration %s", want)
		}
	}
	if g.Ask() != nil {
		t.Error("second Ask returned trials")
	}
}

func TestGridLogInt(t *testing.T) {
	s := testSpace(t, "budget: {name: S, min: 1, max: 1}\nseeds: [0]\nparams:\n  B: {type: int, low: 1, high: 100, log: true}\n")
	var got []string
	for _, tr := range NewGrid(s, 5).Ask() {
		got = append(got, tr.Config["B"].Text)
	}
	// 10^(0, 0.5, 1, 1.5, 2) rounded.
	if want := []string{"1", "3", "10", "32", "100"}; !reflect.DeepEqual(got, want) {
		t.Errorf("grid %v, want %v", got, want)
	}
}

func TestRandomSeeded(t *testing.T) {
	s := testSpace(t, smallSpace)
	a := NewRandom(s, 10, rand.NewPCG(1, 2)).Ask()
	b := NewRandom(s, 10, rand.NewPCG(1, 2)).Ask()
	c := NewRandom(s, 10, rand.NewPCG(3, 2)).Ask()
	if !reflect.DeepEqual(a, b) {
		t.Error("same seed, different trials")
	}
	if reflect.DeepEqual(a, c) {
		t.Error("different seeds, same trials")
	}
	for _, tr := range a {
		x, n := tr.Config["X"].Num, tr.Config["N"].Num
		if x < 0 || x > 1 || n < 1 || n > 3 || n != math.Trunc(n) || tr.Budget != 9000 {
			t.Errorf("trial %+v out of the space", tr)
		}
	}
}

func TestRandomDefaultsFirst(t *testing.T) {
	s := testSpace(t, "budget: {name: S, min: 1, max: 1}\nseeds: [0]\nparams:\n  X: {type: float, low: 0, high: 1, default: 0.25}\n")
	tr := NewRandom(s, 3, rand.NewPCG(1, 2)).Ask()
	if tr[0].Config["X"].Text != "0.25" {
		t.Errorf("first trial X = %s, want the default 0.25", tr[0].Config["X"].Text)
	}
}

func TestHyperbandPlan(t *testing.T) {
	// Li et al. 2018, Table 1: R = 81, eta = 3; each bracket s as (n_i, r_i).
	want := [][][2]int64{
		{{81, 1}, {27, 3}, {9, 9}, {3, 27}, {1, 81}},
		{{34, 3}, {11, 9}, {3, 27}, {1, 81}},
		{{15, 9}, {5, 27}, {1, 81}},
		{{8, 27}, {2, 81}},
		{{5, 81}},
	}
	plan := HyperbandPlan(1, 81, 3)
	if len(plan) != len(want) {
		t.Fatalf("%d brackets, want %d", len(plan), len(want))
	}
	for i, b := range plan {
		var got [][2]int64
		for _, r := range b.Rungs {
			got = append(got, [2]int64{int64(r.N), r.Budget})
		}
		if b.S != 4-i || !reflect.DeepEqual(got, want[i]) {
			t.Errorf("bracket s=%d: %v, want s=%d %v", b.S, got, 4-i, want[i])
		}
	}
	// Budgets scale with min; the last rung is always max.
	if b := HyperbandPlan(1000, 81000, 3)[1].Rungs; b[0].Budget != 3000 || b[3].Budget != 81000 {
		t.Errorf("scaled budgets %v", b)
	}
}

func TestSuccessiveHalvingPromotesTop(t *testing.T) {
	s := testSpace(t, "budget: {name: S, min: 1, max: 27}\nseeds: [0]\nparams:\n  X: {type: float, low: 0, high: 1}\n")
	sh := NewSuccessiveHalving(s, 3, rand.NewPCG(7, 7))
	wantN := []int{27, 9, 3, 1}
	wantB := []int64{1, 3, 9, 27}
	var prev []Trial
	for rung := 0; ; rung++ {
		trials := sh.Ask()
		if trials == nil {
			if rung != 4 {
				t.Fatalf("stopped after %d rungs, want 4", rung)
			}
			break
		}
		if len(trials) != wantN[rung] || trials[0].Budget != wantB[rung] {
			t.Fatalf("rung %d: %d trials at %d, want %d at %d", rung, len(trials), trials[0].Budget, wantN[rung], wantB[rung])
		}
		if prev != nil {
			// The score is X itself, so the promoted are the largest X.
			xs := make([]float64, len(prev))
			for i, p := range prev {
				xs[i] = p.Config["X"].Num
			}
			sort.Sort(sort.Reverse(sort.Float64Slice(xs)))
			for i, tr := range trials {
				if tr.Config["X"].Num != xs[i] {
					t.Errorf("rung %d trial %d: X = %g, want the %d-th best %g", rung, i, tr.Config["X"].Num, i, xs[i])
				}
			}
		}
		results := make([]Result, len(trials))
		for i, tr := range trials {
			results[i] = Result{Trial: tr, Score: tr.Config["X"].Num}
		}
		if rung == 0 {
			results[0].Score = math.NaN() // a failed trial is never promoted
		}
		sh.Tell(results)
		prev = trials
		if rung == 0 {
			prev = prev[1:]
		}
	}
}

func TestHyperbandTrials(t *testing.T) {
	s := testSpace(t, "budget: {name: S, min: 1, max: 81}\nseeds: [0]\nparams:\n  X: {type: float, low: 0, high: 1}\n")
	run := func(seed uint64) []Trial {
		h := NewHyperband(s, 3, rand.NewPCG(seed, 1))
		var all []Trial
		for tr := h.Ask(); tr != nil; tr = h.Ask() {
			all = append(all, tr...)
			res := make([]Result, len(tr))
			for i := range tr {
				res[i] = Result{Trial: tr[i], Score: -tr[i].Config["X"].Num}
			}
			h.Tell(res)
		}
		return all
	}
	a := run(1)
	// Sum of n_i over Table 1: 121 + 49 + 21 + 10 + 5.
	if len(a) != 206 {
		t.Errorf("%d trials, want 206", len(a))
	}
	for i, tr := range a {
		if tr.ID != i {
			t.Fatalf("trial %d has ID %d", i, tr.ID)
		}
	}
	if !reflect.DeepEqual(a, run(1)) {
		t.Error("same seed, different trials")
	}
}
