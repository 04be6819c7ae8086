package ppo

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/dynago/dynago/lib/agent"
	"github.com/dynago/dynago/lib/nn"
)

// TestNormalise checks both standard deviations on a hand-computed case:
// a = 1, 2, 3, 4 has mean 2.5 and sum of squares 5, so the population std
// is √1.25 and the unbiased one √(5/3).
func TestNormalise(t *testing.T) {
	for _, c := range []struct {
		name string
		ddof int
		std  float64
	}{{"population", 0, math.Sqrt(1.25)}, {"unbiased", 1, math.Sqrt(5.0 / 3)}} {
		t.Run(c.name, func(t *testing.T) {
			a := []float64{1, 2, 3, 4}
			normalise(a, c.ddof)
			for i, v := range a {
				want := (float64(i+1) - 2.5) / (c.std + advEps)
				if math.Abs(v-want) > 1e-15 {
					t.Errorf("a[%d] = %v, want %v", i, v, want)
				}
			}
		})
	}
}

// TestNormAdvBatch checks the course template's normalisation: the
// update's advantages are normalised once (mean 0, population variance 1)
// and a minibatch uses them as they are, including a size-1 tail (65 rows
// in minibatches of 64), which per-minibatch normalisation leaves raw.
func TestNormAdvBatch(t *testing.T) {
	for _, batch := range []bool{true, false} {
		h, _ := Preset("course")
		h.NormAdvBatch, h.Epochs = batch, 1
		e := newCartPole(t)
		p := newPolicy(t, h, e, 1)
		d := rollout(t, agent.NewRunner(e, agent.PolicyActor{Policy: p}, 1, agent.StreamCollect), 65)
		tr := NewTrainer(p, h)
		if _, err := tr.Update(d, nil, 0, rand.New(rand.NewPCG(1, 2))); err != nil {
			t.Fatal(err)
		}
		mean, ss := 0.0, 0.0
		for _, a := range tr.adv {
			mean += a
		}
		mean /= 65
		for _, a := range tr.adv {
			ss += (a - mean) * (a - mean)
		}
		isNormal := math.Abs(mean) < 1e-12 && math.Abs(ss/65-1) < 1e-6
		if isNormal != batch {
			t.Errorf("NormAdvBatch %v: update's advantages have mean %v, population variance %v", batch, mean, ss/65)
		}
		// The tail minibatch is the last shuffled row, used as stored.
		if tail := tr.adv[tr.idx[64]]; tr.mbAdv[0] != tail {
			t.Errorf("NormAdvBatch %v: tail minibatch advantage %v, want the update's %v", batch, tr.mbAdv[0], tail)
		}
	}
}

// TestClipGrads checks per-network and global clipping on hand-set
// gradients: actor norm 3, critic norm 0.1, bound 0.5. Per network, the
// actor is scaled to norm 0.5 and the critic left alone; globally both
// are scaled by 0.5/√(9.01). With imagined rows and ClipRealOnly nothing
// is clipped.
func TestClipGrads(t *testing.T) {
	setGrads := func(ps []*nn.Param, norm float64) {
		k := 0
		for _, q := range ps {
			k += len(q.Grad)
		}
		for _, q := range ps {
			for i := range q.Grad {
				q.Grad[i] = norm / math.Sqrt(float64(k))
			}
		}
	}
	normOf := func(ps []*nn.Param) float64 {
		ss := 0.0
		for _, q := range ps {
			for _, g := range q.Grad {
				ss += g * g
			}
		}
		return math.Sqrt(ss)
	}
	global := 0.5 / (math.Sqrt(9.01) + 1e-6)
	for _, c := range []struct {
		name                string
		perNet, imagined    bool
		wantActor, wantCrit float64
	}{
		{"per network", true, false, 0.5 / (3 + 1e-6) * 3, 0.1},
		{"global", false, false, 3 * global, 0.1 * global},
		{"imagined rows: none", true, true, 3, 0.1},
	} {
		t.Run(c.name, func(t *testing.T) {
			h, _ := Preset("course")
			h.ClipPerNetwork = c.perNet
			e := newCartPole(t)
			p := newPolicy(t, h, e, 1)
			d := rollout(t, agent.NewRunner(e, agent.PolicyActor{Policy: p}, 1, agent.StreamCollect), 20)
			d.Imagined[7] = c.imagined
			tr := NewTrainer(p, h)
			if _, err := tr.Update(d, nil, 0, rand.New(rand.NewPCG(1, 2))); err != nil {
				t.Fatal(err)
			}
			setGrads(tr.actorP, 3)
			setGrads(tr.criticP, 0.1)
			tr.clipGrads()
			if a, cr := normOf(tr.actorP), normOf(tr.criticP); math.Abs(a-c.wantActor) > 1e-12 || math.Abs(cr-c.wantCrit) > 1e-12 {
				t.Errorf("norms after clipping: actor %v, critic %v; want %v, %v", a, cr, c.wantActor, c.wantCrit)
			}
		})
	}
}

// TestAnnealClip checks that the surrogate clip range of an update at
// progress 0.25 is 0.2 × 0.75 with AnnealClip and 0.2 without, and that
// the clip fraction counts ratios against it.
func TestAnnealClip(t *testing.T) {
	for _, anneal := range []bool{true, false} {
		h, _ := Preset("tuned")
		h.AnnealClip, h.Epochs = anneal, 1
		e := newCartPole(t)
		p := newPolicy(t, h, e, 1)
		d := rollout(t, agent.NewRunner(e, agent.PolicyActor{Policy: p}, 1, agent.StreamCollect), 32)
		tr := NewTrainer(p, h)
		progress := 0.25
		if _, err := tr.Update(d, nil, progress, rand.New(rand.NewPCG(1, 2))); err != nil {
			t.Fatal(err)
		}
		want := 0.2
		if anneal {
			want = 0.2 * (1 - progress) // 0.15 up to rounding
		}
		if tr.clip != want {
			t.Errorf("AnnealClip %v: clip %v, want %v", anneal, tr.clip, want)
		}
		// Ratios exp(±0.17): outside 0.15, inside 0.2.
		m := 4
		obs, act := d.Obs[:m*4], make([]float64, m)
		for i := range act {
			act[i] = float64(d.Action[i])
		}
		logp, ent, v := make([]float64, m), make([]float64, m), make([]float64, m)
		p.Evaluate(obs, act, m, logp, ent, v)
		old := []float64{logp[0] - 0.17, logp[1] + 0.17, logp[2], logp[3]}
		s, _ := tr.evalLoss(obs, act, old, make([]float64, m), v, v)
		wantFrac := 0.0
		if anneal {
			wantFrac = 0.5
		}
		if s.ClipFraction != wantFrac {
			t.Errorf("AnnealClip %v: clip fraction %v, want %v", anneal, s.ClipFraction, wantFrac)
		}
	}
}

// TestValueLossScale checks the value term's scale on a hand-computed
// case: with zero advantages and no entropy bonus the loss is VFCoef ·
// mean(½(V − R)²); errors 1, −2, 3 give mean(½d²) = 7/3, so 0.5·MSE for
// both presets (VFCoef 1): the course template's and SB3's value loss.
func TestValueLossScale(t *testing.T) {
	for _, name := range PresetNames() {
		h, _ := Preset(name)
		h.EntCoef = 0
		e := newCartPole(t)
		p := newPolicy(t, h, e, 1)
		obs := []float64{0.01, 0.02, -0.03, 0.04, 0, 0.1, 0.02, -0.1, 0.03, -0.2, 0.01, 0.3}
		act := []float64{0, 1, 0}
		logp, ent, v := make([]float64, 3), make([]float64, 3), make([]float64, 3)
		p.Evaluate(obs, act, 3, logp, ent, v)
		ret := []float64{v[0] - 1, v[1] + 2, v[2] - 3}
		tr := NewTrainer(p, h)
		got := tr.Loss(obs, act, logp, make([]float64, 3), ret, v, false)
		if want := 0.5 * (1 + 4 + 9) / 3; math.Abs(got-want) > 1e-12 {
			t.Errorf("%s: loss %v, want 0.5·MSE = %v", name, got, want)
		}
	}
}

// TestNormAdvSplit checks separate normalisation of real and imagined
// rows: with NormAdvSplit each kind has mean 0 and variance 1 (population
// over the update with NormAdvBatch, unbiased within the minibatch
// without); without it only all rows together do, and the real rows alone
// (advantages of another scale than the imagined ones) do not.
func TestNormAdvSplit(t *testing.T) {
	moments := func(a []float64, imag []bool, group bool, ddof int) (mean, variance float64) {
		k := 0
		for i, v := range a {
			if imag[i] == group {
				mean += v
				k++
			}
		}
		mean /= float64(k)
		for i, v := range a {
			if imag[i] == group {
				variance += (v - mean) * (v - mean)
			}
		}
		return mean, variance / float64(k-ddof)
	}
	for _, c := range []struct {
		name         string
		batch, split bool
	}{{"batch split", true, true}, {"minibatch split", false, true}, {"batch joint", true, false}, {"minibatch joint", false, false}} {
		t.Run(c.name, func(t *testing.T) {
			h, _ := Preset("tuned")
			h.NormAdvBatch, h.NormAdvSplit, h.Epochs, h.Minibatch, h.Anneal, h.AnnealClip = c.batch, c.split, 1, 64, false, false
			e := newCartPole(t)
			p := newPolicy(t, h, e, 1)
			d := rollout(t, agent.NewRunner(e, agent.PolicyActor{Policy: p}, 1, agent.StreamCollect), 64)
			imag := d.Imagined
			for i := 40; i < 64; i++ {
				imag[i] = true
				d.Reward[i] = 10 // imagined rows on another scale
			}
			tr := NewTrainer(p, h)
			if _, err := tr.Update(d, nil, 0, rand.New(rand.NewPCG(1, 2))); err != nil {
				t.Fatal(err)
			}
			a, rows, ddof := tr.adv, imag, 0
			if !c.batch {
				a, rows, ddof = tr.mbAdv, tr.mbImag, 1
			}
			for _, group := range []bool{false, true} {
				mean, v := moments(a, rows, group, ddof)
				normal := math.Abs(mean) < 1e-9 && math.Abs(v-1) < 1e-6
				if normal != c.split {
					t.Errorf("imagined=%v rows: mean %v, variance %v; normalised on their own: %v, want %v", group, mean, v, normal, c.split)
				}
			}
		})
	}
}
