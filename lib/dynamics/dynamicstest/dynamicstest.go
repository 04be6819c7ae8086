package dynamicstest

import (
	"math/rand/v2"
	"testing"

	"github.com/dynago/dynago/lib/agent"
	"github.com/dynago/dynago/lib/dynamics"
	"github.com/dynago/dynago/lib/env"
	"github.com/dynago/dynago/lib/format"
)

// Random returns n transitions of envID under a uniformly random policy
// (agent.Runner without one) from seed: episodes numbered from 0, reset
// after termination or truncation, metadata env = envID.
func Random(tb testing.TB, envID string, n int, seed uint64) *format.Transitions {
	tb.Helper()
	e, err := env.Make(envID)
	if err != nil {
		tb.Fatal(err)
	}
	r := agent.NewRunner(e, nil, seed, 1)
	tr := r.NewTransitions(n)
	if _, err := r.Run(tr, n, 0); err != nil {
		tb.Fatal(err)
	}
	tr.Meta = format.Meta{"env": envID}
	return tr
}

// New returns an untrained model of preset for envID with m members (the
// preset's number when m is 0), its weights drawn from a fixed seed.
func New(tb testing.TB, envID, preset string, m int) *dynamics.Ensemble {
	tb.Helper()
	c, err := dynamics.Preset(preset)
	if err != nil {
		tb.Fatal(err)
	}
	e, err := env.Make(envID)
	if err != nil {
		tb.Fatal(err)
	}
	if err := c.SetSpaces(e.ObservationSpace(), e.ActionSpace()); err != nil {
		tb.Fatal(err)
	}
	if m > 0 {
		c.Members = m
	}
	model, err := dynamics.New(c, rand.New(rand.NewPCG(1, 1)))
	if err != nil {
		tb.Fatal(err)
	}
	return model
}

// Fitted returns New's model for tr's environment, normalised on tr and
// fitted to it for epochs.
func Fitted(tb testing.TB, tr *format.Transitions, preset string, m, epochs int) *dynamics.Ensemble {
	tb.Helper()
	model := New(tb, tr.Meta["env"], preset, m)
	d, err := dynamics.NewDataset(tr)
	if err != nil {
		tb.Fatal(err)
	}
	model.SetNorm(d)
	if _, err := model.Fit(d, dynamics.FitOptions{Epochs: epochs}, rand.New(rand.NewPCG(2, 2))); err != nil {
		tb.Fatal(err)
	}
	return model
}
