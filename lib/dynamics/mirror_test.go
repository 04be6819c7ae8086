package dynamics

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/dynago/dynago/lib/env"
)

// TestMirror checks a hand-built two-row dataset and its reflection under
// a symmetry that negates the second observation component and swaps
// actions 5 and 7 of a space starting at 5.
func TestMirror(t *testing.T) {
	d := &Dataset{N: 2, ObsDim: 2, ActDim: 1,
		Obs: []float64{1, 2, 3, 4}, Act: []float64{5, 6}, Delta: []float64{.1, .2, .3, .4},
		Reward: []float64{1, -1}, Term: []float64{0, 1}}
	s := env.Symmetry{Obs: []float64{1, -1}, Action: []int{2, 1, 0}}
	m, err := d.Mirror(s, 5)
	if err != nil {
		t.Fatal(err)
	}
	want := &Dataset{N: 4, ObsDim: 2, ActDim: 1, Twin: 2,
		Obs: []float64{1, 2, 3, 4, 1, -2, 3, -4}, Act: []float64{5, 6, 7, 6}, Delta: []float64{.1, .2, .3, .4, .1, -.2, .3, -.4},
		Reward: []float64{1, -1, 1, -1}, Term: []float64{0, 1, 0, 1}}
	if m.N != want.N || m.Twin != want.Twin || !slices.Equal(m.Obs, want.Obs) || !slices.Equal(m.Act, want.Act) ||
		!slices.Equal(m.Delta, want.Delta) || !slices.Equal(m.Reward, want.Reward) || !slices.Equal(m.Term, want.Term) {
		t.Errorf("mirror:\n got %+v\nwant %+v", m, want)
	}
	if d.N != 2 || len(d.Obs) != 4 || d.Twin != 0 {
		t.Errorf("the input changed: %+v", d)
	}
	for _, tc := range []struct {
		name string
		d    *Dataset
		s    env.Symmetry
		msg  string
	}{
		{"twice", m, s, "already mirrored"},
		{"observation length", d, env.Symmetry{Obs: []float64{1}, Action: []int{1, 0}}, "1 observation components, the data 2"},
		{"box symmetry, discrete data", d, env.Symmetry{Obs: []float64{1, -1}, ActionSign: []float64{-1, 1}}, "do not fit"},
		{"action outside", d, env.Symmetry{Obs: []float64{1, -1}, Action: []int{0}}, "row 1: action 6 outside the 1 actions from 5"},
	} {
		if _, err := tc.d.Mirror(tc.s, 5); err == nil || !strings.Contains(err.Error(), tc.msg) {
			t.Errorf("%s: error %v, want one mentioning %q", tc.name, err, tc.msg)
		}
	}
}

// TestSplitTwins checks that the holdout split of a mirrored dataset puts
// each row and its reflection on the same side, holds out the requested
// fraction of pairs and uses every row once.
func TestSplitTwins(t *testing.T) {
	d := &Dataset{N: 200, Twin: 100}
	hold, train := split(d, 0.1, rand.New(rand.NewPCG(1, 2)))
	if len(hold) != 20 || len(train) != 180 {
		t.Fatalf("%d held out, %d training rows; want 20 and 180", len(hold), len(train))
	}
	side := make(map[int]string)
	for _, i := range hold {
		side[i] = "hold"
	}
	for _, i := range train {
		if side[i] != "" {
			t.Fatalf("row %d on both sides", i)
		}
		side[i] = "train"
	}
	for i := 0; i < 100; i++ {
		if side[i] == "" || side[i] != side[i+100] {
			t.Errorf("row %d is %q, its twin %d %q", i, side[i], i+100, side[i+100])
		}
	}
}

// TestMirrorLearnsBothSides fits CartPole models with a termination head
// (the MPC preset's: 1×64, normalised, termination weight 5, terminal rows
// ×10) on random-policy episodes that all end with the pole fallen to the
// right (theta > 0 after the step), with and without the reflection, and
// asks each for the termination probability at the reflections of the
// data's terminal rows (the pole falling left, which the one-sided data
// never show). With the reflection those rows are in the training data,
// so the mean probability must exceed 0.5; without, the head has never
// seen them, and the test logs what it extrapolates (and requires less).
func TestMirrorLearnsBothSides(t *testing.T) {
	tr := collect(t, "CartPole-v1", 4000, 9)
	d := dataset(t, tr)
	var keep []int
	start := 0
	for i := 0; i < d.N; i++ {
		if i < d.N-1 && tr.Episode[i+1] == tr.Episode[i] {
			continue
		}
		if d.Term[i] == 1 && d.Obs[i*4+2]+d.Delta[i*4+2] > 0 {
			for j := start; j <= i; j++ {
				keep = append(keep, j)
			}
		}
		start = i + 1
	}
	one := subset(d, keep)
	e, _ := env.Make("CartPole-v1")
	sym, _ := env.SymmetryOf(e)
	both, err := one.Mirror(sym, 0)
	if err != nil {
		t.Fatal(err)
	}
	var obs, act []float64
	for i := 0; i < one.N; i++ {
		if one.Term[i] == 1 {
			obs = append(obs, both.Obs[(both.Twin+i)*4:(both.Twin+i+1)*4]...)
			act = append(act, both.Act[both.Twin+i])
		}
	}
	n := len(act)
	if n < 20 {
		t.Fatalf("only %d one-sided terminations", n)
	}
	pLeft := func(d *Dataset) float64 {
		c := presetFor(t, "course", "CartPole-v1")
		c.Hidden, c.Normalize, c.TermWeight, c.TermPosWeight = []int{64}, true, 5, 10
		m, err := New(c, rand.New(rand.NewPCG(1, 1)))
		if err != nil {
			t.Fatal(err)
		}
		m.SetNorm(d)
		if _, err := m.Fit(d, FitOptions{Epochs: 40}, rand.New(rand.NewPCG(1, 2))); err != nil {
			t.Fatal(err)
		}
		delta, rew, term := make([]float64, n*4), make([]float64, n), make([]float64, n)
		m.Predict(0, obs, act, n, delta, rew, term)
		s := 0.0
		for _, p := range term {
			s += p
		}
		return s / float64(n)
	}
	without, with := pLeft(one), pLeft(both)
	t.Logf("%d terminations, all to the right; mean P(terminal) at their reflections: %.3f without the reflection, %.3f with", n, without, with)
	if !(with > 0.5 && with > without) {
		t.Errorf("mean P(terminal) at the reflected terminal rows: %.3f with the reflection, %.3f without; want > 0.5 and more", with, without)
	}
}

// subset returns the rows idx of d.
func subset(d *Dataset, idx []int) *Dataset {
	od, ad := d.ObsDim, d.ActDim
	s := &Dataset{N: len(idx), ObsDim: od, ActDim: ad}
	for _, i := range idx {
		s.Obs = append(s.Obs, d.Obs[i*od:(i+1)*od]...)
		s.Act = append(s.Act, d.Act[i*ad:(i+1)*ad]...)
		s.Delta = append(s.Delta, d.Delta[i*od:(i+1)*od]...)
		s.Reward = append(s.Reward, d.Reward[i])
		s.Term = append(s.Term, d.Term[i])
	}
	return s
}
