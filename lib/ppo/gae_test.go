package ppo

import (
	"math"
	"testing"

	"github.com/dynago/dynago/lib/format"
)

// gaeTol bounds the rounding error of a few float64 multiply-adds.
const gaeTol = 1e-12

func TestGAE(t *testing.T) {
	// Every case has reward 1 on every row, γ = 0.9, λ = 0.8 (γλ = 0.72).
	// Expected values were calculated by hand from δ_i = r_i + γ·next_i − V_i
	// and A_i = δ_i + γλ·A_{i+1}; the working is in the comments.
	const gamma, lambda = 0.9, 0.8
	cases := []struct {
		name       string
		episode    []int64
		step       []int64
		terminated []bool
		truncated  []bool
		value      []float64
		nextValue  []float64 // V(next_obs) of rows that do not continue; NaN elsewhere (never read)
		wantCont   []bool
		wantAdv    []float64
	}{
		{
			// δ2 = 1 − .3 = .7; δ1 = 1 + .9·.3 − .4 = .87; δ0 = 1 + .9·.4 − .5 = .86
			// A2 = .7; A1 = .87 + .72·.7 = 1.374; A0 = .86 + .72·1.374 = 1.84928
			name:    "terminated: no bootstrap",
			episode: []int64{0, 0, 0}, step: []int64{0, 1, 2},
			terminated: []bool{false, false, true}, truncated: []bool{false, false, false},
			value: []float64{.5, .4, .3}, nextValue: []float64{math.NaN(), math.NaN(), 0},
			wantCont: []bool{true, true, false},
			wantAdv:  []float64{1.84928, 1.374, .7},
		},
		{
			// δ2 = 1 + .9·.2 − .3 = .88; A1 = .87 + .72·.88 = 1.5036;
			// A0 = .86 + .72·1.5036 = 1.942592
			name:    "truncated: bootstrap from V(next_obs)",
			episode: []int64{7, 7, 7}, step: []int64{497, 498, 499},
			terminated: []bool{false, false, false}, truncated: []bool{false, false, true},
			value: []float64{.5, .4, .3}, nextValue: []float64{math.NaN(), math.NaN(), .2},
			wantCont: []bool{true, true, false},
			wantAdv:  []float64{1.942592, 1.5036, .88},
		},
		{
			// Same numbers as truncation: the last row of the file bootstraps.
			name:    "rollout end: bootstrap from V(next_obs)",
			episode: []int64{3, 3, 3}, step: []int64{10, 11, 12},
			terminated: []bool{false, false, false}, truncated: []bool{false, false, false},
			value: []float64{.5, .4, .3}, nextValue: []float64{math.NaN(), math.NaN(), .2},
			wantCont: []bool{true, true, false},
			wantAdv:  []float64{1.942592, 1.5036, .88},
		},
		{
			// Episode 0 terminates at row 1; episode 1 is cut by the end of the file.
			// δ3 = 1 + .18 − .6 = .58; δ2 = 1 + .9·.6 − .3 = 1.24; A2 = 1.24 + .72·.58 = 1.6576
			// δ1 = 1 − .4 = .6; δ0 = .86; A0 = .86 + .72·.6 = 1.292
			name:    "two episodes in one file",
			episode: []int64{0, 0, 1, 1}, step: []int64{0, 1, 0, 1},
			terminated: []bool{false, true, false, false}, truncated: []bool{false, false, false, false},
			value: []float64{.5, .4, .3, .6}, nextValue: []float64{math.NaN(), 0, math.NaN(), .2},
			wantCont: []bool{true, false, true, false},
			wantAdv:  []float64{1.292, .6, 1.6576, .58},
		},
		{
			// A gap in step (1 → 5) is a rollout boundary: row 1 bootstraps from .7.
			// δ2 = .88; δ1 = 1 + .9·.7 − .4 = 1.23; A0 = .86 + .72·1.23 = 1.7456
			name:    "break in step is a boundary",
			episode: []int64{0, 0, 0}, step: []int64{0, 1, 5},
			terminated: []bool{false, false, false}, truncated: []bool{false, false, false},
			value: []float64{.5, .4, .3}, nextValue: []float64{math.NaN(), .7, .2},
			wantCont: []bool{true, false, false},
			wantAdv:  []float64{1.7456, 1.23, .88},
		},
		{
			// Same steps, different episode ids: also a boundary.
			name:    "break in episode id is a boundary",
			episode: []int64{0, 0, 4}, step: []int64{0, 1, 2},
			terminated: []bool{false, false, false}, truncated: []bool{false, false, false},
			value: []float64{.5, .4, .3}, nextValue: []float64{math.NaN(), .7, .2},
			wantCont: []bool{true, false, false},
			wantAdv:  []float64{1.7456, 1.23, .88},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			n := len(c.episode)
			tr := &format.Transitions{Episode: c.episode, Step: c.step, Terminated: c.terminated, Truncated: c.truncated}
			cont := make([]bool, n)
			Continues(cont, tr)
			for i := range cont {
				if cont[i] != c.wantCont[i] {
					t.Fatalf("Continues = %v, want %v", cont, c.wantCont)
				}
			}
			reward := make([]float64, n)
			for i := range reward {
				reward[i] = 1
			}
			adv, ret := make([]float64, n), make([]float64, n)
			GAE(adv, ret, reward, c.value, c.nextValue, cont, gamma, lambda)
			for i := range adv {
				if math.Abs(adv[i]-c.wantAdv[i]) > gaeTol {
					t.Errorf("adv[%d] = %.15g, want %.15g", i, adv[i], c.wantAdv[i])
				}
				if math.Abs(ret[i]-(c.wantAdv[i]+c.value[i])) > gaeTol {
					t.Errorf("ret[%d] = %.15g, want adv+value = %.15g", i, ret[i], c.wantAdv[i]+c.value[i])
				}
			}
		})
	}
}

// TestGAELambdaOne checks the λ = 1 limit against the discounted Monte-Carlo
// return of a terminated episode: A_0 + V_0 = Σ γ^k r_k.
func TestGAELambdaOne(t *testing.T) {
	reward := []float64{1, 2, 3, 4}
	value := []float64{.1, .2, .3, .4}
	cont := []bool{true, true, true, false}
	adv, ret := make([]float64, 4), make([]float64, 4)
	GAE(adv, ret, reward, value, make([]float64, 4), cont, 0.5, 1)
	want := 1 + 0.5*2 + 0.25*3 + 0.125*4 // 3.25
	if math.Abs(ret[0]-want) > gaeTol {
		t.Errorf("ret[0] = %v, want %v", ret[0], want)
	}
}
