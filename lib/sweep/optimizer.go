package sweep

import (
	"math"
	"math/rand/v2"
	"sort"
	"strconv"

	"github.com/dynago/dynago/lib/detmath"
)

// Value is one hyperparameter's value in a configuration. Text is what the
// run gets (NAME=Text); Num is its number, or for a Choice its index.
type Value struct {
	Text string
	Num  float64
}

// Config maps parameter names to values.
type Config map[string]Value

// Trial is one configuration to run at one budget, once per seed.
type Trial struct {
	ID      int // 0, 1, ... in the order the optimiser asked
	Config  Config
	Budget  int64 // real steps
	Bracket int   // Hyperband bracket s; 0 for grid and random search
	Rung    int   // successive-halving rung within the bracket
}

// Result is a finished trial. Score is higher-is-better (the sweep negates
// minimised objectives); NaN marks a failed trial, ranked below all others.
type Result struct {
	Trial Trial
	Score float64
}

// Optimizer proposes trials batch by batch. Ask returns the next batch,
// whose trials may run in parallel, or nil when the search is over; Tell
// must return the results of every trial of that batch before the next
// Ask. Given the same random source and the same results, an Optimizer
// asks for the same trials.
type Optimizer interface {
	Ask() []Trial
	Tell(results []Result)
}

// formatFloat keeps 6 significant digits, so the value a run gets and the
// value recorded are the same.
func formatFloat(v float64) Value {
	t := strconv.FormatFloat(v, 'g', 6, 64)
	n, _ := strconv.ParseFloat(t, 64)
	return Value{Text: t, Num: n}
}

func intValue(v int64) Value { return Value{Text: strconv.FormatInt(v, 10), Num: float64(v)} }

// value returns p's value for text (a default or grid point).
func (p Param) value(text string) Value {
	if p.Kind == Choice {
		return Value{Text: text, Num: float64(p.index(text))}
	}
	v, _ := strconv.ParseFloat(text, 64)
	if p.Kind == Int {
		return intValue(int64(v))
	}
	return formatFloat(v)
}

func (p Param) sample(rng *rand.Rand) Value {
	switch {
	case p.Kind == Choice:
		i := rng.IntN(len(p.Choices))
		return Value{Text: p.Choices[i], Num: float64(i)}
	case p.Kind == Int && p.Log:
		lo, hi := detmath.Log(p.Low), detmath.Log(p.High+1)
		v := int64(detmath.Exp(lo + float64(rng.Float64()*(hi-lo))))
		return intValue(min(max(v, int64(p.Low)), int64(p.High)))
	case p.Kind == Int:
		return intValue(int64(p.Low) + rng.Int64N(int64(p.High-p.Low)+1))
	case p.Log:
		lo, hi := detmath.Log(p.Low), detmath.Log(p.High)
		return formatFloat(detmath.Exp(lo + float64(rng.Float64()*(hi-lo))))
	default:
		return formatFloat(p.Low + float64(rng.Float64()*(p.High-p.Low)))
	}
}

// Sample draws a configuration uniformly (log-uniformly where asked).
func (s *Space) Sample(rng *rand.Rand) Config {
	c := Config{}
	for _, p := range s.Params {
		c[p.Name] = p.sample(rng)
	}
	return c
}

// defaults is the configuration of the parameters' defaults, sampling those
// without one; ok is false when no parameter has a default.
func (s *Space) defaults(rng *rand.Rand) (c Config, ok bool) {
	c = Config{}
	for _, p := range s.Params {
		v := p.sample(rng)
		if p.Default != "" {
			v, ok = p.value(p.Default), true
		}
		c[p.Name] = v
	}
	return c, ok
}

// points returns p's grid values: every choice, or n points evenly spaced
// (log-spaced if Log) from Low to High, integers rounded and deduplicated.
func (p Param) points(n int) []Value {
	if p.Kind == Choice {
		vs := make([]Value, len(p.Choices))
		for i, c := range p.Choices {
			vs[i] = Value{Text: c, Num: float64(i)}
		}
		return vs
	}
	var vs []Value
	for i := range n {
		t := 0.0
		if n > 1 {
			t = float64(i) / float64(n-1)
		}
		x := p.Low + float64(t*(p.High-p.Low))
		if p.Log {
			x = detmath.Exp(detmath.Log(p.Low) + float64(t*(detmath.Log(p.High)-detmath.Log(p.Low))))
		}
		v := formatFloat(x)
		if p.Kind == Int {
			v = intValue(int64(math.Round(x)))
		}
		if len(vs) == 0 || vs[len(vs)-1].Text != v.Text {
			vs = append(vs, v)
		}
	}
	return vs
}

// Grid is exhaustive search over the Cartesian product of each parameter's
// grid points, every configuration at the maximum budget, in one batch.
type Grid struct{ oneBatch }

// NewGrid returns a grid with n points per numeric parameter (n >= 1).
func NewGrid(s *Space, n int) *Grid {
	if n < 1 {
		panic("sweep: grid needs at least one point per parameter")
	}
	configs := []Config{{}}
	for _, p := range s.Params {
		var next []Config
		for _, c := range configs {
			for _, v := range p.points(n) {
				d := Config{p.Name: v}
				for k, x := range c {
					d[k] = x
				}
				next = append(next, d)
			}
		}
		configs = next
	}
	g := &Grid{}
	for i, c := range configs {
		g.trials = append(g.trials, Trial{ID: i, Config: c, Budget: s.Budget.Max})
	}
	return g
}

// Random is random search: n configurations at the maximum budget in one
// batch, the first the parameters' defaults if any are given.
type Random struct{ oneBatch }

// NewRandom draws n configurations from s using src.
func NewRandom(s *Space, n int, src rand.Source) *Random {
	rng := rand.New(src)
	r := &Random{}
	for i := range n {
		c := s.Sample(rng)
		if i == 0 {
			if d, ok := s.defaults(rng); ok {
				c = d
			}
		}
		r.trials = append(r.trials, Trial{ID: i, Config: c, Budget: s.Budget.Max})
	}
	return r
}

// oneBatch asks all its trials at once and learns nothing from results:
// the Ask and Tell of Grid and Random.
type oneBatch struct {
	trials []Trial
	asked  bool
}

func (b *oneBatch) Ask() []Trial {
	if b.asked {
		return nil
	}
	b.asked = true
	return b.trials
}

func (b *oneBatch) Tell([]Result) {}

// Rung is one round of successive halving: N configurations at Budget.
type Rung struct {
	N      int
	Budget int64
}

// Bracket is one run of successive halving, from many configurations at a
// small budget to few at the maximum.
type Bracket struct {
	S     int
	Rungs []Rung
}

// HyperbandPlan returns Hyperband's brackets (Li et al. 2018, Algorithm 1)
// for budgets from min to max real steps and halving rate eta: with
// R = max/min and s_max = floor(log_eta R), bracket s starts
// n = ceil((s_max+1)/(s+1) * eta^s) configurations at R*eta^-s (in units
// of min) and keeps the best floor(n*eta^-i) at rung i.
func HyperbandPlan(min, max int64, eta int) []Bracket {
	if eta < 2 || min < 1 || max < min {
		panic("sweep: HyperbandPlan needs eta >= 2 and 1 <= min <= max")
	}
	R := float64(max) / float64(min)
	smax := 0
	for math.Pow(float64(eta), float64(smax+1)) <= R*(1+1e-9) {
		smax++
	}
	var plan []Bracket
	for s := smax; s >= 0; s-- {
		n := int(math.Ceil(float64(smax+1) / float64(s+1) * math.Pow(float64(eta), float64(s))))
		b := Bracket{S: s}
		for i := 0; i <= s; i++ {
			ni := int(float64(n) * math.Pow(float64(eta), float64(-i)))
			r := R * math.Pow(float64(eta), float64(i-s))
			budget := int64(math.Round(float64(min) * r))
			if i == s {
				budget = max
			}
			b.Rungs = append(b.Rungs, Rung{N: ni, Budget: budget})
		}
		plan = append(plan, b)
	}
	return plan
}

// Hyperband runs the brackets of a plan one after another; each rung is one
// batch, and the best configurations of a rung (by Score) go on to the next.
// Successive halving is Hyperband with only the most aggressive bracket.
type Hyperband struct {
	space   *Space
	rng     *rand.Rand
	plan    []Bracket
	b, i    int      // current bracket and rung
	configs []Config // of the current rung
	asked   []Trial  // the batch awaiting Tell
	nextID  int
}

// NewHyperband returns Hyperband over s's budget range with rate eta.
func NewHyperband(s *Space, eta int, src rand.Source) *Hyperband {
	return &Hyperband{space: s, rng: rand.New(src), plan: HyperbandPlan(s.Budget.Min, s.Budget.Max, eta)}
}

// NewSuccessiveHalving returns successive halving (Jamieson and Talwalkar
// 2016) as Hyperband's first bracket: eta^s_max configurations at the
// minimum budget, the best 1/eta promoted each rung.
func NewSuccessiveHalving(s *Space, eta int, src rand.Source) *Hyperband {
	h := NewHyperband(s, eta, src)
	h.plan = h.plan[:1]
	return h
}

// Plan returns the brackets h runs.
func (h *Hyperband) Plan() []Bracket { return h.plan }

func (h *Hyperband) Ask() []Trial {
	if h.asked != nil {
		panic("sweep: Ask before Tell")
	}
	if h.b >= len(h.plan) {
		return nil
	}
	br := h.plan[h.b]
	if h.i == 0 {
		h.configs = nil
		for j := range br.Rungs[0].N {
			c := h.space.Sample(h.rng)
			if h.b == 0 && j == 0 {
				if d, ok := h.space.defaults(h.rng); ok {
					c = d
				}
			}
			h.configs = append(h.configs, c)
		}
	}
	for _, c := range h.configs {
		h.asked = append(h.asked, Trial{ID: h.nextID, Config: c, Budget: br.Rungs[h.i].Budget, Bracket: br.S, Rung: h.i})
		h.nextID++
	}
	return h.asked
}

func (h *Hyperband) Tell(results []Result) {
	if len(results) != len(h.asked) {
		panic("sweep: Tell needs the results of every trial asked")
	}
	h.asked = nil
	br := h.plan[h.b]
	if h.i+1 >= len(br.Rungs) {
		h.b, h.i = h.b+1, 0
		return
	}
	rs := append([]Result(nil), results...)
	sort.SliceStable(rs, func(i, j int) bool { return better(rs[i].Score, rs[j].Score) })
	h.i++
	h.configs = nil
	for _, r := range rs[:min(br.Rungs[h.i].N, len(rs))] {
		h.configs = append(h.configs, r.Trial.Config)
	}
}

// better reports whether score a ranks above b; NaN ranks last.
func better(a, b float64) bool {
	if math.IsNaN(b) {
		return !math.IsNaN(a)
	}
	return a > b
}
