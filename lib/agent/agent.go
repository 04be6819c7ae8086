package agent

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"

	"github.com/dynago/dynago/lib/env"
	"github.com/dynago/dynago/lib/format"
	"github.com/dynago/dynago/lib/nn"
)

// Config is the architecture of a new policy.
type Config struct {
	Hidden     []int   // hidden layer widths, shared by actor and critic; may be empty
	Activation string  // "tanh" or "relu" (nn.ParseActivation)
	Init       string  // "orthogonal" (gains √2, actor output 0.01, critic output 1) or "torch" (nn.Linear default)
	LogStdInit float64 // initial log-std of a continuous policy
}

// Check returns an error naming the first invalid field.
func (c Config) Check() error {
	for _, h := range c.Hidden {
		if h < 1 || h > maxWidth {
			return fmt.Errorf("hidden size %d: must be in [1, %d]", h, maxWidth)
		}
	}
	if _, err := nn.ParseActivation(c.Activation); err != nil {
		return err
	}
	if c.Init != InitOrthogonal && c.Init != InitTorch {
		return fmt.Errorf("init %q: want %s or %s", c.Init, InitOrthogonal, InitTorch)
	}
	if math.IsNaN(c.LogStdInit) || math.Abs(c.LogStdInit) > 20 {
		return fmt.Errorf("log-std init %v: must be in [-20, 20]", c.LogStdInit)
	}
	return nil
}

// maxWidth bounds layer widths and dimensions read from files, so that a
// corrupt file cannot make Load allocate without limit.
const maxWidth = 4096

// Initialisation schemes of Config.Init.
const (
	InitOrthogonal = "orthogonal"
	InitTorch      = "torch"
)

// Schema metadata keys of a policy file.
const (
	MetaObsDim     = "policy.obs_dim"
	MetaActionType = "policy.action_type" // format.ActionDiscrete or format.ActionContinuous
	MetaActN       = "policy.act_n"       // discrete: number of actions
	MetaActStart   = "policy.act_start"   // discrete: first action
	MetaActDim     = "policy.act_dim"     // continuous: action components
	MetaHidden     = "policy.hidden"      // comma-separated widths, "" for none
	MetaActivation = "policy.activation"
	MetaInit       = "policy.init"
	MetaLogStdInit = "policy.log_std_init"
)

// Policy is an actor-critic policy with its optimiser state.
type Policy struct {
	Config
	Actor, Critic *nn.MLP
	Gauss         *nn.DiagGaussian // nil for a discrete action space
	Opt           *nn.Adam         // groups "actor" and "critic"

	obsDim   int
	discrete bool
	nAct     int // discrete: number of actions
	start    int // discrete: first action
	actDim   int // continuous: components

	actTape, valTape     *nn.Tape // acting
	trainActor, trainVal *nn.Tape // Evaluate/Backward

	// Evaluate's saved inputs and Backward's buffers.
	evalActions []float64
	evalOut     []float64 // actor outputs of the last Evaluate (tape-owned)
	evalN       int
	dOut, dVal  []float64
}

// New returns a freshly initialised policy for the given spaces, drawing
// initial weights from rng (actor first, then critic). It panics if cfg is
// invalid (call Config.Check first) or a space is empty.
func New(cfg Config, obsSpace, actSpace env.Space, rng *rand.Rand) *Policy {
	if err := cfg.Check(); err != nil {
		panic("agent: New: " + err.Error())
	}
	p := build(cfg, obsSpace.Dim, actSpace.Discrete, actSpace.N, actSpace.Start, actSpace.Dim)
	switch cfg.Init {
	case InitOrthogonal:
		p.Actor.InitOrthogonal(rng, math.Sqrt2, 0.01)
		p.Critic.InitOrthogonal(rng, math.Sqrt2, 1)
	case InitTorch:
		p.Actor.InitPyTorch(rng)
		p.Critic.InitPyTorch(rng)
	}
	return p
}

// build makes a zero policy; Load fills it from a file, New initialises it.
func build(cfg Config, obsDim int, discrete bool, n, start, actDim int) *Policy {
	if obsDim < 1 || (discrete && n < 1) || (!discrete && actDim < 1) {
		panic(fmt.Sprintf("agent: empty space: obs dim %d, discrete %v, n %d, act dim %d", obsDim, discrete, n, actDim))
	}
	act, _ := nn.ParseActivation(cfg.Activation)
	cfg.Hidden = slices.Clone(cfg.Hidden)
	p := &Policy{Config: cfg, obsDim: obsDim, discrete: discrete, nAct: n, start: start, actDim: actDim}
	out := n
	if !discrete {
		out = actDim
		p.Gauss = nn.NewDiagGaussian(actDim, cfg.LogStdInit)
	} else {
		p.actDim = 1
	}
	sizes := append(append([]int{obsDim}, cfg.Hidden...), out)
	p.Actor = nn.NewMLP(sizes, act)
	sizes[len(sizes)-1] = 1
	p.Critic = nn.NewMLP(sizes, act)
	p.Opt = nn.NewAdam()
	p.Opt.AddGroup("actor", p.actorParams(), nn.DefaultAdam(0))
	p.Opt.AddGroup("critic", p.Critic.Params(), nn.DefaultAdam(0))
	p.actTape, p.valTape = p.Actor.NewTape(), p.Critic.NewTape()
	p.trainActor, p.trainVal = p.Actor.NewTape(), p.Critic.NewTape()
	return p
}

func (p *Policy) actorParams() []*nn.Param {
	ps := slices.Clone(p.Actor.Params())
	if p.Gauss != nil {
		ps = append(ps, p.Gauss.LogStd)
	}
	return ps
}

// ObsDim is the observation length.
func (p *Policy) ObsDim() int { return p.obsDim }

// ActDim is the number of float64 values per action: 1 for discrete.
func (p *Policy) ActDim() int { return p.actDim }

// Discrete reports whether the action space is discrete.
func (p *Policy) Discrete() bool { return p.discrete }

// Params returns every trainable parameter: actor, log-std, critic.
func (p *Policy) Params() []*nn.Param {
	return append(p.actorParams(), p.Critic.Params()...)
}

// ActorParams returns the parameters of the "actor" optimiser group.
func (p *Policy) ActorParams() []*nn.Param { return p.Opt.Group("actor").Params }

// Matches returns an error if the policy was not built for these spaces.
func (p *Policy) Matches(obsSpace, actSpace env.Space) error {
	if obsSpace.Dim != p.obsDim {
		return fmt.Errorf("policy has observation dimension %d, environment %d", p.obsDim, obsSpace.Dim)
	}
	switch {
	case actSpace.Discrete != p.discrete:
		return fmt.Errorf("policy has a %s action space, environment a %s one", kind(p.discrete), kind(actSpace.Discrete))
	case p.discrete && (actSpace.N != p.nAct || actSpace.Start != p.start):
		return fmt.Errorf("policy has Discrete(%d, start=%d) actions, environment Discrete(%d, start=%d)", p.nAct, p.start, actSpace.N, actSpace.Start)
	case !p.discrete && actSpace.Dim != p.actDim:
		return fmt.Errorf("policy has %d action components, environment %d", p.actDim, actSpace.Dim)
	}
	return nil
}

func kind(discrete bool) string {
	if discrete {
		return format.ActionDiscrete
	}
	return format.ActionContinuous
}

// Act chooses an action for one observation, writing ActDim values into
// action, and returns its log-probability and the critic's value. greedy
// picks the most probable action (the mean for a Gaussian) and uses no
// randomness; otherwise it samples with rng. It does not allocate after
// the first call.
func (p *Policy) Act(obs []float64, rng *rand.Rand, greedy bool, action []float64) (logp, value float64) {
	out := p.actTape.Forward(obs, 1)
	logp = p.choose(out, rng, greedy, action[:p.actDim])
	return logp, p.valTape.Forward(obs, 1)[0]
}

// ActBatch is Act for n observations (row-major, n×ObsDim): it writes
// n×ActDim actions and n log-probabilities and values. Rows are sampled in
// order, so ActBatch with n = 1 draws exactly what Act draws.
func (p *Policy) ActBatch(obs []float64, n int, rng *rand.Rand, greedy bool, actions, logp, value []float64) {
	if len(actions) < n*p.actDim || len(logp) < n || len(value) < n {
		panic("agent: ActBatch: destination shorter than n rows")
	}
	out := p.actTape.Forward(obs, n)
	w := p.Actor.Out()
	for i := range n {
		logp[i] = p.choose(out[i*w:(i+1)*w], rng, greedy, actions[i*p.actDim:(i+1)*p.actDim])
	}
	copy(value[:n], p.valTape.Forward(obs, n))
}

// choose picks one action from the actor output of one row.
func (p *Policy) choose(out []float64, rng *rand.Rand, greedy bool, action []float64) float64 {
	if p.discrete {
		c := nn.Categorical(out)
		var a int
		if greedy {
			a = c.Argmax()
		} else {
			a = c.Sample(rng)
		}
		action[0] = float64(a + p.start)
		return c.LogProb(a)
	}
	if greedy {
		p.Gauss.Mean(action, out)
	} else {
		p.Gauss.Sample(action, out, rng)
	}
	return p.Gauss.LogProb(out, action)
}

// Value writes the critic's value of n observations into dst.
func (p *Policy) Value(obs []float64, n int, dst []float64) {
	copy(dst[:n], p.valTape.Forward(obs, n))
}

// Evaluate computes, for n observations and the actions taken in them,
// the log-probability and entropy of the action distribution and the
// critic's value under the current parameters, and keeps what Backward
// needs. Discrete actions are the integers Start..Start+N-1.
func (p *Policy) Evaluate(obs, actions []float64, n int, logp, entropy, value []float64) {
	if len(actions) != n*p.actDim || len(logp) < n || len(entropy) < n || len(value) < n {
		panic("agent: Evaluate: slice lengths do not match n rows")
	}
	out := p.trainActor.Forward(obs, n)
	p.evalOut, p.evalN = out, n
	p.evalActions = append(p.evalActions[:0], actions...)
	w := p.Actor.Out()
	for i := range n {
		o := out[i*w : (i+1)*w]
		if p.discrete {
			logp[i], entropy[i] = nn.Categorical(o).LogProbEntropy(p.index(actions[i]))
		} else {
			logp[i] = p.Gauss.LogProb(o, actions[i*p.actDim:(i+1)*p.actDim])
			entropy[i] = p.Gauss.Entropy()
		}
	}
	copy(value[:n], p.trainVal.Forward(obs, n))
}

func (p *Policy) index(a float64) int {
	i := int(a) - p.start
	if i < 0 || i >= p.nAct || float64(int(a)) != a {
		panic(fmt.Sprintf("agent: action %v not in Discrete(%d, start=%d)", a, p.nAct, p.start))
	}
	return i
}

// Backward adds into the parameter gradients the gradient of a loss L
// whose derivatives with respect to the outputs of the last Evaluate are
// dLogp[i] = ∂L/∂logp_i, dEntropy[i] = ∂L/∂entropy_i and dValue[i] =
// ∂L/∂value_i.
func (p *Policy) Backward(dLogp, dEntropy, dValue []float64) {
	n := p.evalN
	if n == 0 {
		panic("agent: Backward before Evaluate")
	}
	w := p.Actor.Out()
	p.dOut = grow(p.dOut, n*w)
	clear(p.dOut)
	for i := range n {
		o := p.evalOut[i*w : (i+1)*w]
		d := p.dOut[i*w : (i+1)*w]
		if p.discrete {
			nn.Categorical(o).PolicyGrad(d, p.index(p.evalActions[i]), dLogp[i], dEntropy[i])
		} else {
			a := p.evalActions[i*p.actDim : (i+1)*p.actDim]
			p.Gauss.LogProbGrad(d, p.Gauss.LogStd.Grad, o, a, dLogp[i])
			p.Gauss.EntropyGrad(p.Gauss.LogStd.Grad, dEntropy[i])
		}
	}
	p.trainActor.Backward(p.dOut)
	p.dVal = grow(p.dVal, n)
	copy(p.dVal, dValue[:n])
	p.trainVal.Backward(p.dVal)
}

func grow(s []float64, n int) []float64 {
	if cap(s) < n {
		return make([]float64, n)
	}
	return s[:n]
}

// Save writes the policy, with its architecture and optimiser state, to
// path atomically; meta (provenance) is stored alongside the architecture
// keys, which take precedence.
func (p *Policy) Save(path string, meta format.Meta) error {
	m := meta.Clone()
	if m == nil {
		m = format.Meta{}
	}
	m[MetaObsDim] = strconv.Itoa(p.obsDim)
	m[MetaActionType] = kind(p.discrete)
	if p.discrete {
		m[MetaActN] = strconv.Itoa(p.nAct)
		m[MetaActStart] = strconv.Itoa(p.start)
	} else {
		m[MetaActDim] = strconv.Itoa(p.actDim)
	}
	hs := make([]string, len(p.Hidden))
	for i, h := range p.Hidden {
		hs[i] = strconv.Itoa(h)
	}
	m[MetaHidden] = strings.Join(hs, ",")
	m[MetaActivation] = p.Activation
	m[MetaInit] = p.Init
	m[MetaLogStdInit] = strconv.FormatFloat(p.LogStdInit, 'g', -1, 64)
	ts := nn.Export("actor.", p.actorParams(), p.Opt)
	ts = append(ts, nn.Export("critic.", p.Critic.Params(), p.Opt)...)
	if err := format.WriteWeights(path, &format.Weights{Tensors: ts, Meta: m}); err != nil {
		return fmt.Errorf("save policy: %w", err)
	}
	return nil
}

// Load reads a policy written by Save.
func Load(path string) (*Policy, error) {
	p, _, err := LoadMeta(path)
	return p, err
}

// LoadMeta is Load that also returns the file's metadata (its "env", to
// match the policy with other inputs).
func LoadMeta(path string) (*Policy, format.Meta, error) {
	w, err := format.ReadWeights(path)
	if err != nil {
		return nil, nil, fmt.Errorf("load policy: %w", err)
	}
	p, err := fromMeta(w.Meta, w.Tensors)
	if err != nil {
		return nil, nil, fmt.Errorf("load policy %s: %w", path, err)
	}
	if err := nn.Import(w.Tensors, "actor.", p.actorParams(), p.Opt); err != nil {
		return nil, nil, fmt.Errorf("load policy %s: %w", path, err)
	}
	if err := nn.Import(w.Tensors, "critic.", p.Critic.Params(), p.Opt); err != nil {
		return nil, nil, fmt.Errorf("load policy %s: %w", path, err)
	}
	return p, w.Meta, nil
}

// fromMeta builds a zero policy from the architecture keys, after checking
// them against the tensors ts: nothing is allocated for a network the
// file does not hold.
func fromMeta(m format.Meta, ts []format.Tensor) (*Policy, error) {
	atoi := func(key string) (int, error) {
		s, ok := m[key]
		if !ok {
			return 0, fmt.Errorf("not a policy file: no %q in metadata", key)
		}
		v, err := strconv.Atoi(s)
		if err != nil {
			return 0, fmt.Errorf("metadata %s=%q: not an integer", key, s)
		}
		return v, nil
	}
	obsDim, err := atoi(MetaObsDim)
	if err != nil {
		return nil, err
	}
	cfg := Config{Activation: m[MetaActivation], Init: m[MetaInit]}
	if s := m[MetaHidden]; s != "" {
		for _, f := range strings.Split(s, ",") {
			h, err := strconv.Atoi(f)
			if err != nil {
				return nil, fmt.Errorf("metadata %s=%q: not a list of integers", MetaHidden, s)
			}
			cfg.Hidden = append(cfg.Hidden, h)
		}
	}
	if s, ok := m[MetaLogStdInit]; ok {
		if cfg.LogStdInit, err = strconv.ParseFloat(s, 64); err != nil {
			return nil, fmt.Errorf("metadata %s=%q: not a number", MetaLogStdInit, s)
		}
	}
	if err := cfg.Check(); err != nil {
		return nil, fmt.Errorf("metadata: %w", err)
	}
	var discrete bool
	var n, start, actDim int
	switch t := m[MetaActionType]; t {
	case format.ActionDiscrete:
		discrete = true
		if n, err = atoi(MetaActN); err != nil {
			return nil, err
		}
		if start, err = atoi(MetaActStart); err != nil {
			return nil, err
		}
	case format.ActionContinuous:
		if actDim, err = atoi(MetaActDim); err != nil {
			return nil, err
		}
	default:
		return nil, fmt.Errorf("metadata %s=%q: want %s or %s", MetaActionType, t, format.ActionDiscrete, format.ActionContinuous)
	}
	if obsDim < 1 || obsDim > maxWidth || (discrete && (n < 1 || n > maxWidth)) || (!discrete && (actDim < 1 || actDim > maxWidth)) {
		return nil, fmt.Errorf("metadata: dimensions out of range (obs %d, actions %d, act dim %d)", obsDim, n, actDim)
	}
	out := n
	if !discrete {
		out = actDim
	}
	idx := nn.Index(ts)
	sizes := append(append([]int{obsDim}, cfg.Hidden...), out)
	if err := nn.CheckMLP(idx, "actor.", sizes); err != nil {
		return nil, err
	}
	sizes[len(sizes)-1] = 1
	if err := nn.CheckMLP(idx, "critic.", sizes); err != nil {
		return nil, err
	}
	return build(cfg, obsDim, discrete, n, start, actDim), nil
}

// ActionRange returns the first and last action of a discrete policy
// (Start and Start+N−1); it panics for a continuous one.
func (p *Policy) ActionRange() (lo, hi int) {
	if !p.discrete {
		panic("agent: ActionRange of a continuous policy")
	}
	return p.start, p.start + p.nAct - 1
}
