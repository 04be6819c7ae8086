package env

import (
	"fmt"
	"io"
	"math"
	"math/rand/v2"
)

// What the model-based stages know about an environment beyond its
// dynamics lives on the environment itself, as optional interfaces (like
// Symmetric): a stage asks for what it needs and, when an environment does
// not declare it (a bridged Gymnasium environment), falls back to a
// data-driven default (a learned termination head, bounds and ranges from
// the data). The functions below are the only way the other packages read
// this knowledge.

// Terminator is implemented by environments whose termination is a
// function of the observation, so it applies to a model's predicted
// observations. TerminalObs reports whether obs is a terminal state.
type Terminator interface {
	TerminalObs(obs []float64) bool
}

// Bounded is implemented by environments whose episode returns have known
// bounds: no episode returns less than worst or more than best. Reports
// normalise scores to (x - worst) / (best - worst).
type Bounded interface {
	ReturnBounds() (worst, best float64)
}

// Thresholded is implemented by environments with a return that counts as
// solving them: Gymnasium's reward_threshold where the environment's spec
// has one. Reports compare how many real steps variants need to reach it.
type Thresholded interface {
	ReturnThreshold() float64
}

// A Dim describes one observation component for people and plots: its
// name and the closed range [Lo, Hi] its state-visit histograms divide.
type Dim struct {
	Name   string
	Lo, Hi float64
}

// Described is implemented by environments that name their observation
// components and give each a finite histogram range.
type Described interface {
	ObsDims() []Dim
}

// TerminalOf returns e's termination rule on observations, or an error
// naming the environment if it declares none.
func TerminalOf(e Env) (func(obs []float64) bool, error) {
	if t, ok := e.(Terminator); ok {
		return t.TerminalObs, nil
	}
	return nil, fmt.Errorf("env: %s declares no termination rule on observations (use the model's learned termination)", e.ID())
}

// ReturnBoundsOf returns the return bounds of the Go environment id, or
// false if id is not one or declares none.
func ReturnBoundsOf(id string) (worst, best float64, ok bool) {
	e, found := Builtin(id)
	if !found {
		return 0, 0, false
	}
	b, ok := e.(Bounded)
	if !ok {
		return 0, 0, false
	}
	worst, best = b.ReturnBounds()
	return worst, best, true
}

// ReturnThresholdOf returns the return threshold of the Go environment id,
// or false if id is not one or declares none.
func ReturnThresholdOf(id string) (float64, bool) {
	e, found := Builtin(id)
	if !found {
		return 0, false
	}
	t, ok := e.(Thresholded)
	if !ok {
		return 0, false
	}
	return t.ReturnThreshold(), true
}

// ObsDims returns e's observation components. An environment that does
// not describe them gets "dim j" names and its observation space's bounds,
// which are ±Inf where the space is unbounded (the caller then takes the
// range from its data).
func ObsDims(e Env) []Dim {
	if d, ok := e.(Described); ok {
		return d.ObsDims()
	}
	sp := e.ObservationSpace()
	dims := make([]Dim, sp.Dim)
	for j := range dims {
		dims[j] = Dim{Name: fmt.Sprintf("dim %d", j), Lo: sp.Low[j], Hi: sp.High[j]}
	}
	return dims
}

// ObsNames returns the names of the observation components of the Go
// environment id, or nil if id is not one.
func ObsNames(id string) []string {
	e, ok := Builtin(id)
	if !ok {
		return nil
	}
	dims := ObsDims(e)
	names := make([]string, len(dims))
	for j, d := range dims {
		names[j] = d.Name
	}
	return names
}

// spaceDims names the components of a box space and takes their ranges
// from its bounds; an unbounded component gets the range given for it in
// ranges (component index to [lo, hi]).
func spaceDims(s Space, names []string, ranges map[int][2]float64) []Dim {
	if len(names) != s.Dim {
		panic(fmt.Sprintf("env: %d names for %d observation components", len(names), s.Dim))
	}
	dims := make([]Dim, s.Dim)
	for j := range dims {
		lo, hi := s.Low[j], s.High[j]
		if r, ok := ranges[j]; ok {
			lo, hi = r[0], r[1]
		}
		if math.IsInf(lo, 0) || math.IsInf(hi, 0) {
			panic(fmt.Sprintf("env: observation component %d (%s) has no finite range", j, names[j]))
		}
		dims[j] = Dim{Name: names[j], Lo: lo, Hi: hi}
	}
	return dims
}

// Close releases e's resources (a bridged environment's Python process)
// and reports the first error it met; it does nothing for Go environments.
func Close(e Env) error {
	if c, ok := e.(io.Closer); ok {
		return c.Close()
	}
	return nil
}

// Err returns the error a bridged environment met since it was made
// (Reset cannot return one: a failed reset is reported here and by the
// next Step), or nil.
func Err(e Env) error {
	if f, ok := e.(interface{ Err() error }); ok {
		return f.Err()
	}
	return nil
}

// Seeded is implemented by environments seeded as Gymnasium seeds them,
// by reset(seed=s), rather than by draws from a Go generator (the bridged
// ones). ResetSeed starts an episode with seed; every later Reset uses the
// previous seed plus one.
type Seeded interface {
	ResetSeed(seed uint64, obs []float64)
}

// FirstReset starts the first episode of a run seeded with (seed, stream),
// the two words of its PCG generator rng: a Seeded environment is reset
// with seed + (stream-1)·2³² (so stream 1, collection, starts with
// Gymnasium's reset(seed=seed), and stream 2, evaluation, with seeds no
// collection episode uses), any other draws from rng.
func FirstReset(e Env, rng *rand.Rand, seed, stream uint64, obs []float64) {
	if s, ok := e.(Seeded); ok {
		s.ResetSeed(seed+(stream-1)<<32, obs)
		return
	}
	e.Reset(rng, obs)
}
