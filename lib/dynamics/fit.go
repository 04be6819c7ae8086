package dynamics

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"sync"

	"github.com/dynago/dynago/lib/nn"
)

// FitOptions says how long and on what each member trains.
type FitOptions struct {
	// Epochs is the number of full passes over each member's training
	// rows in shuffled minibatches of Config.Batch (the last one partial).
	// When it is 0, Updates minibatch steps are taken instead, each on
	// Config.Batch rows drawn without replacement from the training rows
	// (the course's "model epoch" is one such step). Exactly one must be
	// positive.
	Epochs, Updates int
	// Holdout is the fraction of rows, drawn at random, kept out of
	// training to measure the holdout loss; the split is shared by all
	// members. With Epochs and a non-empty holdout, a member stops after
	// Config.Patience epochs without a lower holdout loss, and its
	// parameters go back to the best epoch's (MBPO's early stopping).
	Holdout float64
	// Bootstrap gives each member a resample with replacement of the
	// training rows, of the same size.
	Bootstrap bool
}

// MemberFit reports one member's training.
type MemberFit struct {
	Train       Loss // mean over the minibatches of the last epoch, or over all updates
	Holdout     Loss // on the holdout rows after training; zero if there are none
	HoldoutRows int  // rows held out (shared by all members)
	Best        int  // epoch (1-based) whose parameters were kept; equal to Epochs without early stopping
	Epochs      int  // epochs run
	Updates     int  // minibatch steps taken
}

// Fit trains every member on d and returns one report per member. The
// normalisation is not changed (see SetNorm). Members train in parallel,
// each from its own stream seeded from rng in member order, so the result
// depends only on rng's state, not on scheduling.
func (e *Ensemble) Fit(d *Dataset, opt FitOptions, rng *rand.Rand) ([]MemberFit, error) {
	c := &e.Config
	switch {
	case d.N < 1:
		return nil, fmt.Errorf("dynamics: fit: no transitions")
	case d.ObsDim != c.ObsDim || d.ActDim != c.ActDim:
		return nil, fmt.Errorf("dynamics: fit: data has obs_dim %d, act_dim %d; model has %d, %d", d.ObsDim, d.ActDim, c.ObsDim, c.ActDim)
	case (opt.Epochs > 0) == (opt.Updates > 0):
		return nil, fmt.Errorf("dynamics: fit: exactly one of Epochs (%d) and Updates (%d) must be positive", opt.Epochs, opt.Updates)
	case opt.Holdout < 0 || opt.Holdout >= 1:
		return nil, fmt.Errorf("dynamics: fit: holdout %g: must be in [0, 1)", opt.Holdout)
	}
	if err := e.checkActions(d); err != nil {
		return nil, err
	}
	hold, train := split(d, opt.Holdout, rng)
	seeds := make([][2]uint64, len(e.members))
	for k := range seeds {
		seeds[k] = [2]uint64{rng.Uint64(), rng.Uint64()}
	}
	fits := make([]MemberFit, len(e.members))
	var wg sync.WaitGroup
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	for k := range e.members {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			r := rand.New(rand.NewPCG(seeds[k][0], seeds[k][1]))
			fits[k] = e.fitMember(e.members[k], d, train, hold, opt, r)
		}()
	}
	wg.Wait()
	return fits, nil
}

// split draws the holdout rows (a fraction holdout of them, at least one
// row left to train on) and returns them and the training rows. Twins
// (Dataset.Twin) go to the same side, so that no held-out row has its
// reflection in training.
func split(d *Dataset, holdout float64, rng *rand.Rand) (hold, train []int) {
	n := d.N
	if d.Twin > 0 {
		n = d.Twin
	}
	perm := make([]int, n)
	for i := range perm {
		perm[i] = i
	}
	rng.Shuffle(len(perm), func(i, j int) { perm[i], perm[j] = perm[j], perm[i] })
	nh := int(holdout * float64(n))
	if nh == n {
		nh = n - 1
	}
	if d.Twin == 0 {
		return perm[:nh], perm[nh:]
	}
	twins := func(idx []int) []int {
		out := make([]int, 0, 2*len(idx))
		out = append(out, idx...)
		for _, i := range idx {
			out = append(out, i+d.Twin)
		}
		return out
	}
	return twins(perm[:nh]), twins(perm[nh:])
}

// checkActions validates discrete actions against the model's action
// range, so that training never panics on a file's contents.
func (e *Ensemble) checkActions(d *Dataset) error {
	c := &e.Config
	if !c.Discrete {
		return nil
	}
	for i, a := range d.Act[:d.N] {
		k := int(a) - c.ActStart
		if k < 0 || k >= c.NumActions || float64(k+c.ActStart) != a {
			return fmt.Errorf("dynamics: fit: row %d: action %g outside the %d actions from %d", i, a, c.NumActions, c.ActStart)
		}
	}
	return nil
}

// trainer holds one member's minibatch buffers.
type trainer struct {
	e                *Ensemble
	m                *member
	x, td, tr, tt, g []float64
}

func (e *Ensemble) newTrainer(m *member, batch int) *trainer {
	c := &e.Config
	return &trainer{e: e, m: m,
		x:  make([]float64, batch*c.InDim()),
		td: make([]float64, batch*c.ObsDim),
		tr: make([]float64, batch),
		tt: make([]float64, batch),
		g:  make([]float64, batch*c.OutDim()),
	}
}

// gather fills the buffers with the normalised rows idx.
func (t *trainer) gather(d *Dataset, idx []int) {
	c, nm := &t.e.Config, &t.e.Norm
	od, ad, in := c.ObsDim, c.ActDim, c.InDim()
	for b, i := range idx {
		t.e.encode(t.x[b*in:(b+1)*in], d.Obs[i*od:(i+1)*od], d.Act[i*ad:(i+1)*ad], 1)
		for j := 0; j < od; j++ {
			t.td[b*od+j] = (d.Delta[i*od+j] - nm.DeltaMean[j]) / nm.DeltaStd[j]
		}
		t.tr[b] = 0 // a constant reward (ExactConstReward): the output is scaled away
		if nm.RewardStd > 0 {
			t.tr[b] = (d.Reward[i] - nm.RewardMean) / nm.RewardStd
		}
		t.tt[b] = d.Term[i]
	}
}

// step takes one Adam step on rows idx and returns their loss.
func (t *trainer) step(d *Dataset, idx []int) Loss {
	c := &t.e.Config
	n := len(idx)
	t.gather(d, idx)
	out := t.m.net.Forward(t.x[:n*c.InDim()], n)
	nn.ZeroGrad(t.m.params)
	l := batchLoss(c, out, n, t.td[:n*c.ObsDim], t.tr[:n], t.tt[:n], t.g[:n*c.OutDim()], t.m.boundsOrNil())
	t.m.net.Backward(t.g[:n*c.OutDim()])
	if c.ClipNorm > 0 {
		nn.ClipGradNorm(t.m.net.Params(), c.ClipNorm)
	}
	t.m.opt.Step()
	return l
}

// boundsOrNil returns the member's learned bounds, nil for a
// deterministic member.
func (m *member) boundsOrNil() *logVarBounds {
	if m.maxLV == nil {
		return nil
	}
	return &m.bounds
}

// eval returns the loss over rows idx, in chunks of the batch size.
func (t *trainer) eval(d *Dataset, idx []int) Loss {
	c := &t.e.Config
	var l Loss
	b := len(t.tr)
	for s := 0; s < len(idx); s += b {
		chunk := idx[s:min(s+b, len(idx))]
		n := len(chunk)
		t.gather(d, chunk)
		out := t.m.net.Forward(t.x[:n*c.InDim()], n)
		l.add(batchLoss(c, out, n, t.td[:n*c.ObsDim], t.tr[:n], t.tt[:n], nil, t.m.boundsOrNil()), float64(n)/float64(len(idx)))
	}
	return l
}

func (e *Ensemble) fitMember(m *member, d *Dataset, train, hold []int, opt FitOptions, rng *rand.Rand) MemberFit {
	c := &e.Config
	rows := append([]int(nil), train...)
	if opt.Bootstrap {
		for i := range rows {
			rows[i] = train[rng.IntN(len(train))]
		}
	}
	batch := min(c.Batch, len(rows))
	t := e.newTrainer(m, batch)
	var f MemberFit
	if opt.Updates > 0 {
		for u := 0; u < opt.Updates; u++ {
			// Partial Fisher–Yates: the first batch entries become a
			// uniform sample without replacement.
			for i := 0; i < batch; i++ {
				j := i + rng.IntN(len(rows)-i)
				rows[i], rows[j] = rows[j], rows[i]
			}
			f.Train.add(t.step(d, rows[:batch]), 1/float64(opt.Updates))
		}
		f.Updates = opt.Updates
	} else {
		var best []float64
		bestLoss, since := 0.0, 0
		for ep := 1; ep <= opt.Epochs; ep++ {
			rng.Shuffle(len(rows), func(i, j int) { rows[i], rows[j] = rows[j], rows[i] })
			f.Train = Loss{}
			for s := 0; s < len(rows); s += batch {
				mb := rows[s:min(s+batch, len(rows))]
				f.Train.add(t.step(d, mb), float64(len(mb))/float64(len(rows)))
				f.Updates++
			}
			f.Epochs, f.Best = ep, ep
			if len(hold) == 0 {
				continue
			}
			h := t.eval(d, hold).Total(c.TermWeight)
			if best == nil || h < bestLoss {
				best, bestLoss, since = snapshot(best, m.params), h, 0
				f.Best = ep
				continue
			}
			since++
			f.Best = ep - since
			if since >= c.Patience {
				break
			}
		}
		if best != nil {
			restore(m.params, best)
		}
	}
	if len(hold) > 0 {
		f.Holdout, f.HoldoutRows = t.eval(d, hold), len(hold)
	}
	return f
}

func snapshot(dst []float64, params []*nn.Param) []float64 {
	dst = dst[:0]
	for _, p := range params {
		dst = append(dst, p.Data...)
	}
	return dst
}

func restore(params []*nn.Param, src []float64) {
	for _, p := range params {
		src = src[copy(p.Data, src):]
	}
}
