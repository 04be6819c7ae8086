package runloop

import (
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/dynago/dynago/lib/dynamics"
	"github.com/dynago/dynago/lib/env"
	"github.com/dynago/dynago/lib/imagine"
	"github.com/dynago/dynago/lib/plan"
	"github.com/dynago/dynago/lib/ppo"
)

// Kind is the type of a run variable's value.
type Kind int

const (
	String Kind = iota // any word (checked by the tool)
	Enum               // one of Var.Enum
	Int                // an integer >= Var.Min
	Float              // a finite number >= Var.Min (or "inf" where Var.Inf)
	Bool               // 0 or 1; the tool flag is given (bare) when 1
	Switch             // 0 or 1; the tool flag is given as --flag=true or --flag=false
	Widths             // comma-separated layer widths, e.g. 64,64
)

// Role is the tool invocation a variable's tool flag goes to.
type Role int

const (
	Loop    Role = iota // the loop itself (no tool flag)
	Init                // ppo --init
	Update              // every ppo update
	Fit                 // every fitmodel
	FitNew              // fitmodel of a new model (not with --warm-start)
	Imagine             // imagine
	Plan                // collect --planner cem (collection and evaluation)
	Eval                // collect --eval of a policy
)

// Algorithms.
const (
	PPO  = "ppo"
	Dyna = "dyna"
	MPC  = "mpc"
)

var (
	all    = []string{PPO, Dyna, MPC}
	policy = []string{PPO, Dyna}
	model  = []string{Dyna, MPC}
	dyna   = []string{Dyna}
	mpc    = []string{MPC}
)

// Var is one run variable: its make name, the bin/run flag (Flag), where
// it applies and which tool flag receives it.
type Var struct {
	Name     string   // make variable, e.g. HORIZON
	Algos    []string // the ALGOs it applies to; setting it for another is an error
	Kind     Kind
	Enum     []string // allowed values of an Enum
	Min      float64  // lower bound of an Int or Float
	Inf      bool     // a Float that may be "inf"
	Role     Role
	ToolFlag string // the tool's flag without dashes; "" for the loop's own
	Usage    string
	// Default is the effective value when the variable is unset: the
	// loop's default or the tool's (preset) default resolved; "" where the
	// loop cannot know it. Nil means "".
	Default func(s *Settings) string
}

// Flag is the bin/run flag of v: its name in lower case, '_' as '-'.
func (v *Var) Flag() string { return strings.ReplaceAll(strings.ToLower(v.Name), "_", "-") }

// Applies reports whether v applies to algo.
func (v *Var) Applies(algo string) bool { return slices.Contains(v.Algos, algo) }

func konst(s string) func(*Settings) string { return func(*Settings) string { return s } }

// ppoDefault resolves a PPO hyperparameter from ppo --preset PRESET.
func ppoDefault(f func(h ppo.Hyper) string) func(*Settings) string {
	return func(s *Settings) string {
		h, err := ppo.Preset(s.Get("PRESET"))
		if err != nil {
			return ""
		}
		return f(h)
	}
}

// modelDefault resolves a model setting from fitmodel --preset MODEL_PRESET.
func modelDefault(f func(c dynamics.Config) string) func(*Settings) string {
	return func(s *Settings) string {
		c, err := dynamics.Preset(s.Get("MODEL_PRESET"))
		if err != nil {
			return ""
		}
		return f(c)
	}
}

// cem resolves a planner setting from collect's flag defaults (lib/plan's
// DefaultConfig).
func cem(f func(c plan.Config) string) func(*Settings) string {
	return func(*Settings) string { return f(plan.DefaultConfig()) }
}

func ftoa(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }
func btoa(b bool) string {
	if b {
		return "1"
	}
	return "0"
}
func widths(w []int) string {
	s := make([]string, len(w))
	for i, x := range w {
		s[i] = strconv.Itoa(x)
	}
	return strings.Join(s, ",")
}

// Vars is the table of run variables, the one place that names them: make
// passes each set variable as its flag (bin/run --variables lists them),
// bin/run checks it and hands it to its tool flag. The order is the order
// of the documentation and of the tools' flags.
var Vars = []*Var{
	{Name: "ALGO", Algos: all, Kind: Enum, Enum: all, Usage: "ppo, dyna (Dyna-PPO) or mpc (ensemble CEM MPC)", Default: konst(PPO)},
	{Name: "PRESET", Algos: all, Kind: String, Usage: "preset name: ppo --preset and pipelines/presets/ALGO-PRESET.mk", Default: konst("course")},
	{Name: "ENV", Algos: all, Kind: String, Usage: "Gymnasium environment ID", Default: konst("CartPole-v1")},
	{Name: "SEED", Algos: all, Kind: Int, Usage: "the run's seed; every tool's seed derives from it", Default: konst("0")},
	{Name: "STEPS", Algos: all, Kind: Int, Min: 1, Usage: "real-step budget", Default: konst("15000")},
	{Name: "VARIANT", Algos: all, Kind: String, Usage: "the run's group in analyses (default ALGO-PRESET)",
		Default: func(s *Settings) string { return s.Get("ALGO") + "-" + s.Get("PRESET") }},
	{Name: "EVAL_EVERY", Algos: all, Kind: Int, Min: 1, Usage: "evaluate at every multiple of N real steps", Default: konst("1000")},
	{Name: "EVAL_EPISODES", Algos: all, Kind: Int, Min: 1, Usage: "episodes per evaluation", Default: konst("10")},
	{Name: "EVAL_GREEDY", Algos: policy, Kind: Bool, Role: Eval, ToolFlag: "greedy", Usage: "evaluate with the most probable action", Default: konst("0")},
	{Name: "ROLLOUT", Algos: policy, Kind: Int, Usage: "0: one finished episode per iteration; N: N real steps per iteration", Default: konst("0")},

	{Name: "HIDDEN", Algos: policy, Kind: Widths, Role: Init, ToolFlag: "hidden", Usage: "policy hidden widths",
		Default: ppoDefault(func(h ppo.Hyper) string { return widths(h.Policy.Hidden) })},
	{Name: "ACTIVATION", Algos: policy, Kind: Enum, Enum: []string{"tanh", "relu"}, Role: Init, ToolFlag: "activation", Usage: "policy activation",
		Default: ppoDefault(func(h ppo.Hyper) string { return h.Policy.Activation })},
	{Name: "LR_ACTOR", Algos: policy, Kind: Float, Role: Update, ToolFlag: "lr-actor", Default: ppoDefault(func(h ppo.Hyper) string { return ftoa(h.ActorLR) })},
	{Name: "LR_CRITIC", Algos: policy, Kind: Float, Role: Update, ToolFlag: "lr-critic", Default: ppoDefault(func(h ppo.Hyper) string { return ftoa(h.CriticLR) })},
	{Name: "EPOCHS", Algos: policy, Kind: Int, Min: 1, Role: Update, ToolFlag: "epochs", Default: ppoDefault(func(h ppo.Hyper) string { return strconv.Itoa(h.Epochs) })},
	{Name: "MINIBATCH", Algos: policy, Kind: Int, Min: 1, Role: Update, ToolFlag: "minibatch", Default: ppoDefault(func(h ppo.Hyper) string { return strconv.Itoa(h.Minibatch) })},
	{Name: "GAMMA", Algos: policy, Kind: Float, Role: Update, ToolFlag: "gamma", Default: ppoDefault(func(h ppo.Hyper) string { return ftoa(h.Gamma) })},
	{Name: "LAMBDA", Algos: policy, Kind: Float, Role: Update, ToolFlag: "lambda", Default: ppoDefault(func(h ppo.Hyper) string { return ftoa(h.Lambda) })},
	{Name: "CLIP", Algos: policy, Kind: Float, Role: Update, ToolFlag: "clip", Default: ppoDefault(func(h ppo.Hyper) string { return ftoa(h.Clip) })},
	{Name: "ENT_COEF", Algos: policy, Kind: Float, Role: Update, ToolFlag: "ent-coef", Default: ppoDefault(func(h ppo.Hyper) string { return ftoa(h.EntCoef) })},
	{Name: "VF_COEF", Algos: policy, Kind: Float, Role: Update, ToolFlag: "vf-coef", Default: ppoDefault(func(h ppo.Hyper) string { return ftoa(h.VFCoef) })},
	{Name: "MAX_GRAD_NORM", Algos: policy, Kind: Float, Role: Update, ToolFlag: "max-grad-norm", Default: ppoDefault(func(h ppo.Hyper) string { return ftoa(h.MaxGradNorm) })},
	{Name: "VALUE_CLIP", Algos: policy, Kind: Float, Role: Update, ToolFlag: "value-clip", Default: ppoDefault(func(h ppo.Hyper) string { return ftoa(h.ValueClip) })},
	{Name: "ANNEAL", Algos: policy, Kind: Switch, Role: Update, ToolFlag: "anneal", Usage: "anneal learning rates linearly over STEPS", Default: ppoDefault(func(h ppo.Hyper) string { return btoa(h.Anneal) })},
	{Name: "TARGET_KL", Algos: policy, Kind: Float, Role: Update, ToolFlag: "target-kl", Default: ppoDefault(func(h ppo.Hyper) string { return ftoa(h.TargetKL) })},

	{Name: "MODEL", Algos: dyna, Kind: Enum, Enum: []string{"on", "off"}, Usage: "on: Dyna-PPO; off: the same loop without a model (PPO)",
		Default: func(s *Settings) string {
			if s.Get("ALGO") == PPO {
				return "off"
			}
			return "on"
		}},
	{Name: "DYNA_ORDER", Algos: dyna, Kind: Enum, Enum: []string{"course", "joint"}, Usage: "course: PPO on real, then on imagined data; joint: one update on both", Default: konst("course")},
	{Name: "MODEL_PRESET", Algos: model, Kind: Enum, Enum: dynamics.PresetNames(), Role: Fit, ToolFlag: "preset", Default: konst("tuned")},
	{Name: "MODEL_UPDATES", Algos: model, Kind: Int, Min: 1, Role: Fit, ToolFlag: "updates", Usage: "minibatch steps per fit"},
	{Name: "MODEL_EPOCHS", Algos: model, Kind: Int, Min: 1, Role: Fit, ToolFlag: "epochs", Usage: "epochs per fit"},
	{Name: "MODEL_LR", Algos: model, Kind: Float, Role: Fit, ToolFlag: "lr", Default: modelDefault(func(c dynamics.Config) string { return ftoa(c.LR) })},
	{Name: "BUFFER_SIZE", Algos: model, Kind: Int, Role: Fit, ToolFlag: "buffer-size", Usage: "newest real transitions kept (0: all)", Default: konst("10000")},
	{Name: "ENSEMBLE", Algos: model, Kind: Int, Min: 1, Role: Fit, ToolFlag: "ensemble", Usage: "ensemble members", Default: modelDefault(func(c dynamics.Config) string { return strconv.Itoa(c.Members) })},
	{Name: "MODEL_HOLDOUT", Algos: model, Kind: Float, Role: Fit, ToolFlag: "holdout"},
	{Name: "MODEL_MIRROR", Algos: model, Kind: Bool, Role: Fit, ToolFlag: "mirror", Usage: "fit on the buffer plus its mirror image", Default: konst("0")},
	{Name: "MODEL_WARM", Algos: model, Kind: Bool, Usage: "1: continue the previous model; 0: a new model every fit (default: dyna 1, mpc 0)",
		Default: func(s *Settings) string { return btoa(s.Get("ALGO") == Dyna) }},
	{Name: "MODEL_HIDDEN", Algos: model, Kind: Widths, Role: FitNew, ToolFlag: "hidden", Default: modelDefault(func(c dynamics.Config) string { return widths(c.Hidden) })},
	{Name: "MODEL_NORMALIZE", Algos: model, Kind: Switch, Role: FitNew, ToolFlag: "normalize", Default: modelDefault(func(c dynamics.Config) string { return btoa(c.Normalize) })},
	{Name: "MODEL_PATIENCE", Algos: model, Kind: Int, Role: FitNew, ToolFlag: "patience", Default: modelDefault(func(c dynamics.Config) string { return strconv.Itoa(c.Patience) })},
	{Name: "MODEL_TERM_WEIGHT", Algos: model, Kind: Float, Role: FitNew, ToolFlag: "term-weight", Default: modelDefault(func(c dynamics.Config) string { return ftoa(c.TermWeight) })},
	{Name: "MODEL_TERM_POS_WEIGHT", Algos: model, Kind: Float, Role: FitNew, ToolFlag: "term-pos-weight"},
	{Name: "MODEL_EXACT_CONST_REWARD", Algos: model, Kind: Bool, Role: FitNew, ToolFlag: "exact-const-reward", Default: konst("0")},

	{Name: "HORIZON", Algos: dyna, Kind: Int, Min: 1, Role: Imagine, ToolFlag: "horizon", Default: konst("5")},
	{Name: "IMAG_BATCHES", Algos: dyna, Kind: Int, Min: 1, Role: Imagine, ToolFlag: "batches", Default: konst("10")},
	{Name: "PROPAGATION", Algos: dyna, Kind: Enum, Enum: imagine.Propagations, Role: Imagine, ToolFlag: "propagation", Default: konst("random")},
	{Name: "TERMINATION", Algos: dyna, Kind: Enum, Enum: termModes(imagine.TermModes), Role: Imagine, ToolFlag: "termination", Default: konst("model")},
	{Name: "HORIZON_TERMINAL", Algos: dyna, Kind: Bool, Role: Imagine, ToolFlag: "horizon-terminal", Default: konst("0")},
	{Name: "GATE_VARIANCE", Algos: dyna, Kind: Float, Inf: true, Role: Imagine, ToolFlag: "gate-variance", Default: konst("inf")},
	{Name: "NOISE_SIGMA", Algos: dyna, Kind: Float, Role: Imagine, ToolFlag: "noise-sigma", Default: konst("0")},
	{Name: "REWARD_PENALTY", Algos: dyna, Kind: Float, Role: Imagine, ToolFlag: "reward-penalty", Usage: "MOPO's penalty λ: imagined rewards r̂ − λ·√var_delta", Default: konst("0")},
	{Name: "NORM_ADV_SPLIT", Algos: dyna, Kind: Bool, Role: Update, ToolFlag: "norm-adv-split", Usage: "normalise real and imagined rows' advantages separately", Default: konst("0")},
	{Name: "IMAG_EPOCHS", Algos: dyna, Kind: Int, Min: 1, Usage: "EPOCHS of the updates with imagined rows (default: EPOCHS)"},
	{Name: "IMAG_MINIBATCH", Algos: dyna, Kind: Int, Min: 1, Usage: "MINIBATCH of the updates with imagined rows (default: MINIBATCH)"},
	{Name: "IMAG_TARGET_KL", Algos: dyna, Kind: Float, Usage: "TARGET_KL of the updates with imagined rows (default: TARGET_KL)"},
	{Name: "IMAG_ROUNDS", Algos: dyna, Kind: Int, Min: 1, Usage: "imagine-and-update rounds per iteration, at most 6, each imagining with the policy the last round made", Default: konst("1")},
	{Name: "MVE_HORIZON", Algos: dyna, Kind: Int, Usage: "model-based value expansion of the real rows' value targets through the previous iteration's model, H model steps (ppo --mve-model --mve-horizon; default off)"},
	{Name: "EVAL_MODEL", Algos: dyna, Kind: Bool, Usage: "evaluate the model at every evaluation (evalmodel)", Default: konst("0")},
	{Name: "HELDOUT_STEPS", Algos: dyna, Kind: Int, Min: 1, Usage: "held-out real steps per model evaluation", Default: konst("500")},

	{Name: "MODEL_EVERY", Algos: mpc, Kind: Int, Min: 1, Usage: "real steps per MPC iteration (one model fit each)", Default: konst("250")},
	{Name: "CEM_SAMPLES", Algos: mpc, Kind: Int, Min: 1, Role: Plan, ToolFlag: "cem-samples", Default: cem(func(c plan.Config) string { return strconv.Itoa(c.Samples) })},
	{Name: "CEM_HORIZON", Algos: mpc, Kind: Int, Min: 1, Role: Plan, ToolFlag: "cem-horizon", Default: cem(func(c plan.Config) string { return strconv.Itoa(c.Horizon) })},
	{Name: "CEM_ITERS", Algos: mpc, Kind: Int, Min: 1, Role: Plan, ToolFlag: "cem-iters", Default: cem(func(c plan.Config) string { return strconv.Itoa(c.Iters) })},
	{Name: "CEM_ELITES", Algos: mpc, Kind: Int, Min: 1, Role: Plan, ToolFlag: "cem-elites"},
	{Name: "CEM_OBJECTIVE", Algos: mpc, Kind: String, Role: Plan, ToolFlag: "cem-objective", Default: cem(func(c plan.Config) string { return c.Objective })},
	{Name: "CEM_KAPPA", Algos: mpc, Kind: Float, Role: Plan, ToolFlag: "cem-kappa", Default: cem(func(c plan.Config) string { return ftoa(c.Kappa) })},
	{Name: "CEM_TERMINATION", Algos: mpc, Kind: String, Role: Plan, ToolFlag: "cem-termination", Default: cem(func(c plan.Config) string { return string(c.Termination) })},
	{Name: "CEM_TERM_THRESHOLD", Algos: mpc, Kind: Float, Role: Plan, ToolFlag: "cem-term-threshold", Default: cem(func(c plan.Config) string { return ftoa(c.TermThreshold) })},
	{Name: "CEM_TERM_PENALTY", Algos: mpc, Kind: Float, Role: Plan, ToolFlag: "cem-term-penalty", Default: konst("0")},
	{Name: "CEM_DENSITY_PENALTY", Algos: mpc, Kind: Float, Role: Plan, ToolFlag: "cem-density-penalty", Default: konst("0")},
	{Name: "CEM_OFFSET_RATE", Algos: mpc, Kind: Float, Role: Plan, ToolFlag: "cem-offset-rate", Default: konst("0")},
	{Name: "CEM_MIN_PROB", Algos: mpc, Kind: Float, Role: Plan, ToolFlag: "cem-min-prob", Default: cem(func(c plan.Config) string { return ftoa(c.MinProb) })},
	{Name: "CEM_ACTION", Algos: mpc, Kind: Enum, Enum: []string{"best", "mode"}, Role: Plan, ToolFlag: "cem-action", Default: konst("best")},
}

// byName indexes Vars (filled by init: Vars' defaults look variables up).
var byName = map[string]*Var{}

func init() {
	for _, v := range Vars {
		byName[v.Name] = v
	}
}

// Lookup returns the variable named name, or nil.
func Lookup(name string) *Var { return byName[name] }

// Settings are a run's variables: those set (by make or flags) and, for
// the rest, their defaults.
type Settings struct {
	set map[string]string
}

// NewSettings checks the set variables (name -> value; empty values count
// as unset) and returns the settings. A variable that does not apply to
// ALGO is an error naming it.
func NewSettings(set map[string]string) (*Settings, error) {
	s := &Settings{set: map[string]string{}}
	for name, val := range set {
		if val == "" {
			continue
		}
		v := Lookup(name)
		if v == nil {
			return nil, fmt.Errorf("unknown run variable %s", name)
		}
		norm, err := v.check(val)
		if err != nil {
			return nil, fmt.Errorf("%s=%s (--%s): %w", name, val, v.Flag(), err)
		}
		s.set[name] = norm
	}
	algo := s.Get("ALGO")
	for _, v := range Vars {
		if _, ok := s.set[v.Name]; ok && !v.Applies(algo) {
			return nil, fmt.Errorf("%s=%s (--%s): does not apply to ALGO=%s (only to %s)", v.Name, s.set[v.Name], v.Flag(), algo, strings.Join(v.Algos, ", "))
		}
	}
	if algo != MPC {
		if _, err := ppo.Preset(s.Get("PRESET")); err != nil {
			return nil, fmt.Errorf("PRESET=%s: ppo --preset: must be one of %s", s.Get("PRESET"), strings.Join(ppo.PresetNames(), ", "))
		}
	}
	// A Gymnasium environment (gym:ID) is checked by the tools: making it
	// here would start its Python process.
	if id := s.Get("ENV"); !strings.HasPrefix(id, env.GymPrefix) {
		if _, ok := env.Builtin(id); !ok {
			return nil, fmt.Errorf("ENV=%s: unknown environment (known: %s, or %sID for a Gymnasium environment)", id, strings.Join(env.IDs(), ", "), env.GymPrefix)
		}
	}
	return s, nil
}

// check validates val for v and returns it in canonical form, so that
// equal settings compare equal as strings.
func (v *Var) check(val string) (string, error) {
	switch v.Kind {
	case Enum:
		if !slices.Contains(v.Enum, val) {
			return "", fmt.Errorf("must be one of %s", strings.Join(v.Enum, ", "))
		}
	case Int:
		n, err := strconv.ParseInt(val, 10, 64)
		if err != nil || float64(n) < v.Min || n > 1<<40 {
			return "", fmt.Errorf("must be an integer in [%g, %d]", v.Min, int64(1)<<40)
		}
		return strconv.FormatInt(n, 10), nil
	case Float:
		x, err := strconv.ParseFloat(val, 64)
		if err != nil || math.IsNaN(x) || (math.IsInf(x, 0) && !(v.Inf && x > 0)) || x < v.Min {
			return "", fmt.Errorf("must be a finite number >= %g", v.Min)
		}
		if math.IsInf(x, 1) {
			return "inf", nil
		}
		return ftoa(x), nil
	case Bool, Switch:
		switch val {
		case "1", "true":
			return "1", nil
		case "0", "false":
			return "0", nil
		}
		return "", fmt.Errorf("must be 0 or 1")
	case Widths:
		for _, f := range strings.Split(val, ",") {
			if n, err := strconv.Atoi(strings.TrimSpace(f)); err != nil || n < 1 || n > 4096 {
				return "", fmt.Errorf("must be comma-separated widths in [1, 4096]")
			}
		}
		return strings.ReplaceAll(val, " ", ""), nil
	}
	if strings.ContainsAny(val, "\n") || v.Name != "ENV" && strings.ContainsAny(val, " \t'\"\\$`") {
		return "", fmt.Errorf("must be one word")
	}
	return val, nil
}

// Get returns the effective value of the named variable: as set, or its
// default ("" when the loop cannot know it or it does not apply).
func (s *Settings) Get(name string) string {
	if x, ok := s.set[name]; ok {
		return x
	}
	v := Lookup(name)
	if v == nil {
		panic("runloop: unknown variable " + name)
	}
	if v.Default == nil || (name != "ALGO" && !v.Applies(s.Get("ALGO"))) {
		if name == "MODEL" {
			return v.Default(s) // ppo: off
		}
		return ""
	}
	return v.Default(s)
}

// IsSet reports whether the named variable was set.
func (s *Settings) IsSet(name string) bool { _, ok := s.set[name]; return ok }

// Int returns an Int variable's effective value (0 when unknown).
func (s *Settings) Int(name string) int64 {
	n, _ := strconv.ParseInt(s.Get(name), 10, 64)
	return n
}

// Flag returns whether a Bool variable is 1.
func (s *Settings) Flag(name string) bool { return s.Get(name) == "1" }

// Effective returns every variable that applies to the run's ALGO, and
// MODEL, with its effective value; variables whose default the loop cannot
// know (a tool preset's value it does not read) are left out.
func (s *Settings) Effective() map[string]string {
	out := map[string]string{}
	algo := s.Get("ALGO")
	for _, v := range Vars {
		if !v.Applies(algo) && v.Name != "MODEL" {
			continue
		}
		if x := s.Get(v.Name); x != "" {
			out[v.Name] = x
		}
	}
	return out
}

// JSON returns the effective settings as a JSON object with sorted keys
// (encoding/json sorts map keys).
func (s *Settings) JSON() string {
	b, err := json.Marshal(s.Effective())
	if err != nil {
		panic(err) // a map of strings always marshals
	}
	return string(b)
}

// Compare returns an error naming the first variable whose value differs
// between the recorded settings old and s. A variable missing from old
// (added to the table since) must have its default in s.
func (s *Settings) Compare(old map[string]string) error {
	cur := s.Effective()
	all := maps.Clone(old)
	maps.Copy(all, cur)
	for _, k := range slices.Sorted(maps.Keys(all)) {
		o, inOld := old[k]
		c := cur[k]
		switch {
		case !inOld && !s.IsSet(k):
			continue // a variable the old run did not know, left at its default
		case o != c:
			return fmt.Errorf("%s is %q there, %q now", k, o, c)
		}
	}
	return nil
}

// args returns the tool flags of every set variable with role r, in table
// order.
func (s *Settings) args(r Role) []string {
	var out []string
	for _, v := range Vars {
		x, ok := s.set[v.Name]
		if !ok || v.Role != r || v.ToolFlag == "" {
			continue
		}
		switch v.Kind {
		case Bool:
			if x == "1" {
				out = append(out, "--"+v.ToolFlag)
			}
		case Switch:
			out = append(out, "--"+v.ToolFlag+"="+map[string]string{"1": "true", "0": "false"}[x])
		default:
			out = append(out, "--"+v.ToolFlag, x)
		}
	}
	return out
}

// termModes returns modes as strings, for an Enum.
func termModes(modes []dynamics.TermMode) []string {
	s := make([]string, len(modes))
	for i, m := range modes {
		s[i] = string(m)
	}
	return s
}
