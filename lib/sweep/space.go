package sweep

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"regexp"
	"slices"
	"sort"
	"strconv"

	"github.com/dynago/dynago/lib/format"
	"go.yaml.in/yaml/v3"
)

// Kind is the kind of a searched hyperparameter.
type Kind int

const (
	Float  Kind = iota // uniform over [Low, High], log-uniform if Log
	Int                // uniform over the integers in [Low, High], log-uniform if Log
	Choice             // one of Choices, uniformly
)

func (k Kind) String() string { return [...]string{"float", "int", "choice"}[k] }

// Param is one searched make variable.
type Param struct {
	Name      string
	Kind      Kind
	Low, High float64  // Float and Int
	Log       bool     // sample and grid on a log scale
	Choices   []string // Choice, in file order
	Default   string   // "" when none
}

// Budget is the make variable that sets a run's length in real environment
// steps, with the range multi-fidelity optimisers may use.
type Budget struct {
	Name     string
	Min, Max int64
}

// Space is a parsed search space file.
type Space struct {
	File   string            // where it was read from, for messages
	Params []Param           // sorted by Name
	Fixed  map[string]string // passed unchanged to every run
	Budget Budget
	Seeds  []int64 // every configuration runs once per seed
}

// reserved are make variables the sweep sets itself, the history table's
// fixed columns and incumbent.csv's column; no parameter may use them.
var reserved = func() map[string]bool {
	r := map[string]bool{"SEED": true, "OUT": true, "CONFIG": true, "incumbent": true}
	for _, c := range slices.Concat(format.HistoryLeading, format.HistoryTrailing) {
		r[c] = true
	}
	return r
}()

var varName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// ParseSpace parses the contents of a space file; name is used in errors.
func ParseSpace(name string, data []byte) (*Space, error) {
	p := &spaceParser{file: name}
	s, err := p.parse(data)
	if err != nil {
		return nil, err
	}
	s.File = name
	return s, nil
}

type spaceParser struct{ file string }

func (p *spaceParser) errf(n *yaml.Node, field, format string, args ...any) error {
	line := 0
	if n != nil {
		line = n.Line
	}
	return fmt.Errorf("%s:%d: %s: %s", p.file, line, field, fmt.Sprintf(format, args...))
}

// mapping returns the key/value pairs of a mapping node, rejecting keys not
// in allowed.
func (p *spaceParser) mapping(n *yaml.Node, field string, allowed ...string) (map[string]*yaml.Node, error) {
	if n.Kind != yaml.MappingNode {
		return nil, p.errf(n, field, "must be a mapping")
	}
	m := map[string]*yaml.Node{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		ok := allowed == nil
		for _, a := range allowed {
			ok = ok || a == k.Value
		}
		if !ok {
			return nil, p.errf(k, join(field, k.Value), "unknown field (allowed: %v)", allowed)
		}
		if _, dup := m[k.Value]; dup {
			return nil, p.errf(k, join(field, k.Value), "given twice")
		}
		m[k.Value] = v
	}
	return m, nil
}

func join(field, key string) string {
	if field == "" {
		return key
	}
	return field + "." + key
}

func (p *spaceParser) scalar(n *yaml.Node, field string) (string, error) {
	if n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		return "", p.errf(n, field, "must be a single value")
	}
	return n.Value, nil
}

func (p *spaceParser) number(n *yaml.Node, field string) (float64, error) {
	s, err := p.scalar(n, field)
	if err != nil {
		return 0, err
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, p.errf(n, field, "must be a finite number, got %q", s)
	}
	return v, nil
}

func (p *spaceParser) integer(n *yaml.Node, field string) (int64, error) {
	v, err := p.number(n, field)
	if err != nil {
		return 0, err
	}
	if v != math.Trunc(v) || math.Abs(v) > 1<<53 {
		return 0, p.errf(n, field, "must be an integer, got %s", n.Value)
	}
	return int64(v), nil
}

func (p *spaceParser) parse(data []byte) (*Space, error) {
	var doc yaml.Node
	err := yaml.NewDecoder(bytes.NewReader(data)).Decode(&doc)
	if errors.Is(err, io.EOF) || err == nil && len(doc.Content) != 1 {
		return nil, fmt.Errorf("%s: empty file", p.file)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", p.file, err)
	}
	top, err := p.mapping(doc.Content[0], "", "budget", "seeds", "fixed", "params")
	if err != nil {
		return nil, err
	}
	s := &Space{Fixed: map[string]string{}}
	for _, f := range []string{"budget", "seeds", "params"} {
		if top[f] == nil {
			return nil, p.errf(doc.Content[0], f, "missing")
		}
	}
	if s.Budget, err = p.budget(top["budget"]); err != nil {
		return nil, err
	}
	if s.Seeds, err = p.seeds(top["seeds"]); err != nil {
		return nil, err
	}
	if n := top["fixed"]; n != nil {
		m, err := p.mapping(n, "fixed")
		if err != nil {
			return nil, err
		}
		for k, v := range m {
			if err := p.name(v, "fixed."+k, k, s.Budget.Name); err != nil {
				return nil, err
			}
			if s.Fixed[k], err = p.scalar(v, "fixed."+k); err != nil {
				return nil, err
			}
		}
	}
	m, err := p.mapping(top["params"], "params")
	if err != nil {
		return nil, err
	}
	if len(m) == 0 {
		return nil, p.errf(top["params"], "params", "no parameters to search")
	}
	for k, v := range m {
		field := "params." + k
		if err := p.name(v, field, k, s.Budget.Name); err != nil {
			return nil, err
		}
		if _, ok := s.Fixed[k]; ok {
			return nil, p.errf(v, field, "also in fixed")
		}
		prm, err := p.param(v, field, k)
		if err != nil {
			return nil, err
		}
		s.Params = append(s.Params, prm)
	}
	sort.Slice(s.Params, func(i, j int) bool { return s.Params[i].Name < s.Params[j].Name })
	return s, nil
}

func (p *spaceParser) name(n *yaml.Node, field, name, budget string) error {
	switch {
	case !varName.MatchString(name):
		return p.errf(n, field, "not a make variable name")
	case reserved[name] || name == budget:
		return p.errf(n, field, "%s is set by the sweep itself", name)
	}
	return nil
}

func (p *spaceParser) budget(n *yaml.Node) (Budget, error) {
	m, err := p.mapping(n, "budget", "name", "min", "max")
	if err != nil {
		return Budget{}, err
	}
	var b Budget
	for _, f := range []string{"name", "min", "max"} {
		if m[f] == nil {
			return b, p.errf(n, "budget."+f, "missing")
		}
	}
	if b.Name, err = p.scalar(m["name"], "budget.name"); err != nil {
		return b, err
	}
	if !varName.MatchString(b.Name) || reserved[b.Name] {
		return b, p.errf(m["name"], "budget.name", "%q is not a usable make variable name", b.Name)
	}
	if b.Min, err = p.integer(m["min"], "budget.min"); err != nil {
		return b, err
	}
	if b.Max, err = p.integer(m["max"], "budget.max"); err != nil {
		return b, err
	}
	if b.Min < 1 || b.Max < b.Min {
		return b, p.errf(n, "budget", "need 1 <= min <= max, got min %d, max %d", b.Min, b.Max)
	}
	return b, nil
}

func (p *spaceParser) seeds(n *yaml.Node) ([]int64, error) {
	if n.Kind != yaml.SequenceNode || len(n.Content) == 0 {
		return nil, p.errf(n, "seeds", "must be a non-empty list of integers")
	}
	var out []int64
	seen := map[int64]bool{}
	for i, c := range n.Content {
		v, err := p.integer(c, fmt.Sprintf("seeds[%d]", i))
		if err != nil {
			return nil, err
		}
		if seen[v] {
			return nil, p.errf(c, fmt.Sprintf("seeds[%d]", i), "seed %d given twice", v)
		}
		seen[v] = true
		out = append(out, v)
	}
	return out, nil
}

func (p *spaceParser) param(n *yaml.Node, field, name string) (Param, error) {
	m, err := p.mapping(n, field, "type", "low", "high", "log", "choices", "default")
	if err != nil {
		return Param{}, err
	}
	prm := Param{Name: name}
	if c := m["choices"]; c != nil {
		return p.choice(prm, m, field)
	}
	if m["type"] == nil {
		return prm, p.errf(n, field+".type", "missing (float or int; or give choices)")
	}
	switch t, _ := p.scalar(m["type"], field+".type"); t {
	case "float":
		prm.Kind = Float
	case "int":
		prm.Kind = Int
	default:
		return prm, p.errf(m["type"], field+".type", "must be float or int, got %q", m["type"].Value)
	}
	for _, f := range []string{"low", "high"} {
		if m[f] == nil {
			return prm, p.errf(n, field+"."+f, "missing")
		}
	}
	num := p.number
	if prm.Kind == Int {
		num = func(n *yaml.Node, f string) (float64, error) { v, err := p.integer(n, f); return float64(v), err }
	}
	if prm.Low, err = num(m["low"], field+".low"); err != nil {
		return prm, err
	}
	if prm.High, err = num(m["high"], field+".high"); err != nil {
		return prm, err
	}
	if prm.High <= prm.Low {
		return prm, p.errf(m["high"], field+".high", "must be greater than low (%g)", prm.Low)
	}
	if l := m["log"]; l != nil {
		if err := l.Decode(&prm.Log); err != nil {
			return prm, p.errf(l, field+".log", "must be true or false")
		}
		if prm.Log && prm.Low <= 0 {
			return prm, p.errf(m["low"], field+".low", "must be positive on a log scale")
		}
	}
	if d := m["default"]; d != nil {
		v, err := num(d, field+".default")
		if err != nil {
			return prm, err
		}
		if v < prm.Low || v > prm.High {
			return prm, p.errf(d, field+".default", "%g is outside [%g, %g]", v, prm.Low, prm.High)
		}
		prm.Default = d.Value
	}
	return prm, nil
}

func (p *spaceParser) choice(prm Param, m map[string]*yaml.Node, field string) (Param, error) {
	for _, f := range []string{"type", "low", "high", "log"} {
		if m[f] != nil {
			return prm, p.errf(m[f], field+"."+f, "not allowed with choices")
		}
	}
	prm.Kind = Choice
	c := m["choices"]
	if c.Kind != yaml.SequenceNode || len(c.Content) == 0 {
		return prm, p.errf(c, field+".choices", "must be a non-empty list")
	}
	for i, e := range c.Content {
		v, err := p.scalar(e, fmt.Sprintf("%s.choices[%d]", field, i))
		if err != nil {
			return prm, err
		}
		for _, o := range prm.Choices {
			if o == v {
				return prm, p.errf(e, fmt.Sprintf("%s.choices[%d]", field, i), "%q given twice", v)
			}
		}
		prm.Choices = append(prm.Choices, v)
	}
	if d := m["default"]; d != nil {
		v, err := p.scalar(d, field+".default")
		if err != nil {
			return prm, err
		}
		if prm.index(v) < 0 {
			return prm, p.errf(d, field+".default", "%q is not one of the choices", v)
		}
		prm.Default = v
	}
	return prm, nil
}

func (p Param) index(v string) int {
	for i, c := range p.Choices {
		if c == v {
			return i
		}
	}
	return -1
}
