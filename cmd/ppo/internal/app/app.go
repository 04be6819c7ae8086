package app

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/dynago/dynago/lib/agent"
	"github.com/dynago/dynago/lib/dynamics"
	"github.com/dynago/dynago/lib/env"
	"github.com/dynago/dynago/lib/format"
	"github.com/dynago/dynago/lib/format/metric"
	"github.com/dynago/dynago/lib/ppo"
	"github.com/dynago/dynago/lib/tool"
)

// synopsis is the --help line of how to call it.
const synopsis = "ppo --init --env ID --seed S --out P.arrow [architecture flags]\n   ppo --policy IN.arrow --data T.arrow [--data ...] --out OUT.arrow --metrics M.arrow --seed S [--real-steps N] [hyperparameter flags]"

// Usage is the command's description; its examples are run by a test.
const Usage = `With --init, writes a fresh policy for --env (architecture from the
preset, or --hidden, --activation, --weight-init, --log-std-init).
Otherwise reads the policy (with its Adam state) and the transitions of
every --data file in order, runs one PPO update (GAE with values
recomputed by the current critic; the ratio uses the log_prob column) and
writes the new policy to --out and ppo_rows (transitions read),
policy_loss, value_loss, entropy, approx_kl, clip_fraction and
explained_variance to --metrics, tagged with --real-steps. With no
transitions at all (gated imagination that kept no step) the policy is
written unchanged and only ppo_rows = 0 is recorded. Hyperparameters come from --preset and are overridden by
the flags given.

--mve-model turns on model-based value expansion (MVE, Feinberg et al.
2018) for the critic: the value target of each real row (s, a, r, s') is
r + γ(1−terminated)·G_H(s'), where G_H rolls the policy (sampled actions)
--mve-horizon H steps through the model (the members' mean; the
environment's termination rule on each predicted observation ends it)
and adds γ^k·V at its end; H = 0 is the one-step TD target. Imagined rows
keep their GAE returns, and the actor's advantages are GAE's. The model
steps taken are recorded as mve_model_steps. Minibatches are shuffled with PCG(seed, real-steps).

Examples:

   ppo --init --env CartPole-v1 --preset tuned --seed 0 --out p.arrow
   collect --env CartPole-v1 --policy p.arrow --steps 256 --seed 0 --out t.arrow
   ppo --preset tuned --policy p.arrow --data t.arrow --out p.arrow --metrics m.arrow --seed 0 --real-steps 256`

// New returns the ppo command.
func New() *cli.App {
	return tool.App("ppo", "create a policy or run one PPO update", synopsis, Usage, run,
		&cli.BoolFlag{Name: "init", Usage: "create a fresh policy for --env"},
		tool.EnvFlag("Gymnasium environment `ID` (--init)", false),
		tool.EnvKwargsFlag(),
		&cli.StringFlag{Name: "policy", Usage: "policy `FILE` to update"},
		&cli.StringSliceFlag{Name: "data", Usage: "transitions `FILE` (repeatable, read in order)"},
		tool.OutFlag("policy `FILE` to write", true),
		tool.MetricsFlag(""),
		tool.SeedFlag("", true),
		tool.RealStepsFlag("real environment steps so far `R` (metrics x axis, annealing)"),
		&cli.Float64Flag{Name: "progress", Value: -1, Usage: "fraction of training done in [0, 1] for --anneal and --anneal-clip (default: real-steps/total-steps)"},
		&cli.StringFlag{Name: "preset", Value: "course", Usage: "hyperparameter preset: course or tuned"},

		&cli.StringFlag{Name: "hidden", Usage: "hidden layer `WIDTHS`, comma-separated (--init)"},
		&cli.StringFlag{Name: "activation", Usage: "tanh or relu (--init)"},
		&cli.StringFlag{Name: "weight-init", Usage: "orthogonal or torch (--init)"},
		&cli.Float64Flag{Name: "log-std-init", Usage: "initial log-std of a continuous policy (--init)"},

		&cli.Float64Flag{Name: "lr-actor", Usage: "actor learning rate"},
		&cli.Float64Flag{Name: "lr-critic", Usage: "critic learning rate"},
		&cli.Float64Flag{Name: "adam-eps", Usage: "Adam epsilon"},
		&cli.IntFlag{Name: "epochs", Usage: "epochs per update"},
		&cli.IntFlag{Name: "minibatch", Usage: "minibatch size"},
		&cli.Float64Flag{Name: "gamma", Usage: "discount"},
		&cli.Float64Flag{Name: "lambda", Usage: "GAE lambda"},
		&cli.Float64Flag{Name: "clip", Usage: "surrogate clip range"},
		&cli.Float64Flag{Name: "ent-coef", Usage: "entropy coefficient"},
		&cli.Float64Flag{Name: "vf-coef", Usage: "value loss coefficient"},
		&cli.Float64Flag{Name: "max-grad-norm", Usage: "global gradient norm clip (0: off)"},
		&cli.Float64Flag{Name: "value-clip", Usage: "value clipping range (0: off)"},
		&cli.BoolFlag{Name: "norm-adv", Usage: "normalise advantages (--norm-adv=false to disable)"},
		&cli.BoolFlag{Name: "norm-adv-batch", Usage: "normalise advantages once per update with the population std, not per minibatch with the unbiased std"},
		&cli.BoolFlag{Name: "norm-adv-split", Usage: "normalise the advantages of real and imagined rows (the imagined column) each over their own rows"},
		&cli.BoolFlag{Name: "clip-per-network", Usage: "clip the actor's and the critic's gradient norms separately"},
		&cli.BoolFlag{Name: "clip-real-only", Usage: "clip no gradients in updates with imagined rows"},
		&cli.BoolFlag{Name: "anneal", Usage: "anneal learning rates linearly to 0 (--anneal=false to disable)"},
		&cli.BoolFlag{Name: "anneal-clip", Usage: "anneal the surrogate clip range linearly to 0 (--anneal-clip=false to disable)"},
		&cli.Int64Flag{Name: "total-steps", Usage: "real-step budget for --anneal and --anneal-clip"},
		&cli.Float64Flag{Name: "target-kl", Usage: "early-stop KL (0: off)"},
		&cli.StringFlag{Name: "mve-model", Usage: "dynamics model `FILE` (fitmodel --out): the critic's targets on real rows become model-based value expansions"},
		&cli.IntFlag{Name: "mve-horizon", Value: 3, Usage: "model steps `H` after the real one in a value expansion, in [0, 1000]"},
	)
}

// hyper overlays the flags given on the preset.
func hyper(c *cli.Context) (ppo.Hyper, error) {
	h, err := ppo.Preset(c.String("preset"))
	if err != nil {
		return h, tool.Usagef("--preset: %w", err)
	}
	floats := map[string]*float64{
		"lr-actor": &h.ActorLR, "lr-critic": &h.CriticLR, "adam-eps": &h.AdamEps,
		"gamma": &h.Gamma, "lambda": &h.Lambda, "clip": &h.Clip,
		"ent-coef": &h.EntCoef, "vf-coef": &h.VFCoef, "max-grad-norm": &h.MaxGradNorm,
		"value-clip": &h.ValueClip, "target-kl": &h.TargetKL, "log-std-init": &h.Policy.LogStdInit,
	}
	for name, dst := range floats {
		if c.IsSet(name) {
			*dst = c.Float64(name)
		}
	}
	if c.IsSet("epochs") {
		h.Epochs = c.Int("epochs")
	}
	if c.IsSet("minibatch") {
		h.Minibatch = c.Int("minibatch")
	}
	if c.IsSet("total-steps") {
		h.TotalSteps = c.Int64("total-steps")
	}
	bools := map[string]*bool{
		"norm-adv": &h.NormAdv, "norm-adv-batch": &h.NormAdvBatch, "norm-adv-split": &h.NormAdvSplit, "clip-per-network": &h.ClipPerNetwork,
		"clip-real-only": &h.ClipRealOnly, "anneal": &h.Anneal, "anneal-clip": &h.AnnealClip,
	}
	for name, dst := range bools {
		if c.IsSet(name) {
			*dst = c.Bool(name)
		}
	}
	if c.IsSet("activation") {
		h.Policy.Activation = c.String("activation")
	}
	if c.IsSet("weight-init") {
		h.Policy.Init = c.String("weight-init")
	}
	if c.IsSet("hidden") {
		h.Policy.Hidden = nil
		if s := strings.TrimSpace(c.String("hidden")); s != "" {
			for _, f := range strings.Split(s, ",") {
				w, err := strconv.Atoi(strings.TrimSpace(f))
				if err != nil {
					return h, tool.Usagef("--hidden %q: want comma-separated integers in [1, 4096]", c.String("hidden"))
				}
				h.Policy.Hidden = append(h.Policy.Hidden, w)
			}
		}
	}
	if err := h.Check(); err != nil {
		return h, tool.Usagef("%w", err)
	}
	if err := h.Policy.Check(); err != nil {
		return h, tool.Usagef("--hidden, --activation, --weight-init or --log-std-init: %w", err)
	}
	return h, nil
}

func run(c *cli.Context) error {
	if err := tool.NoArgs(c); err != nil {
		return err
	}
	h, err := hyper(c)
	if err != nil {
		return err
	}
	seed, err := tool.Seed(c)
	if err != nil {
		return err
	}
	// --out may be --policy: the policy is updated in place.
	if err := tool.CheckFlagPaths(c, []string{"out", "metrics"}, []string{"data"}); err != nil {
		return err
	}
	if err := tool.CheckPaths(tool.FlagPaths(c, "metrics"), tool.FlagPaths(c, "policy")); err != nil {
		return err
	}
	meta := format.Meta(tool.Provenance(c))
	meta["seed"] = strconv.FormatInt(seed, 10)
	if c.Bool("init") {
		return initPolicy(c, h, seed, meta)
	}
	return update(c, h, seed, meta)
}

func initPolicy(c *cli.Context, h ppo.Hyper, seed int64, meta format.Meta) error {
	switch {
	case c.String("env") == "":
		return tool.Usagef("--init needs --env")
	case c.IsSet("policy"), c.IsSet("data"), c.IsSet("metrics"):
		return tool.Usagef("--init takes no --policy, --data or --metrics")
	}
	id, err := tool.EnvID(c)
	if err != nil {
		return err
	}
	e, err := tool.Env("--env", id)
	if err != nil {
		return err
	}
	if err := env.Close(e); err != nil { // only the spaces are needed
		return err
	}
	meta["env"] = e.ID()
	p := agent.New(h.Policy, e.ObservationSpace(), e.ActionSpace(), rand.New(rand.NewPCG(uint64(seed), 0)))
	return p.Save(c.String("out"), meta)
}

func update(c *cli.Context, h ppo.Hyper, seed int64, meta format.Meta) error {
	data := c.StringSlice("data")
	realSteps, err := tool.RealSteps(c, false, "")
	if err != nil {
		return err
	}
	switch {
	case c.String("policy") == "":
		return tool.Usagef("--policy is required (or --init)")
	case len(data) == 0:
		return tool.Usagef("--data is required (or --init)")
	case c.String("metrics") == "":
		return tool.Usagef("--metrics is required (or --init)")
	case c.IsSet("env"), c.IsSet("env-kwargs"):
		return tool.Usagef("--env and --env-kwargs are only for --init")
	}
	progress := c.Float64("progress")
	switch {
	case c.IsSet("progress") && (math.IsNaN(progress) || progress < 0 || progress > 1):
		return tool.Usagef("--progress %v: must be in [0, 1]", progress)
	case !c.IsSet("progress") && (h.Anneal || h.AnnealClip) && h.TotalSteps < 1:
		return tool.Usagef("--anneal and --anneal-clip need --progress or --total-steps >= 1")
	case !c.IsSet("progress") && (h.Anneal || h.AnnealClip):
		progress = min(1, float64(realSteps)/float64(h.TotalSteps))
	case !c.IsSet("progress"):
		progress = 0
	}
	p, polMeta, err := agent.LoadMeta(c.String("policy"))
	if err != nil {
		return err
	}
	t, ends, err := readRollouts(data, "policy "+c.String("policy"), polMeta["env"])
	if err != nil {
		return err
	}
	if e := t.Meta["env"]; e != "" {
		meta["env"] = e
	}
	m := &format.Metrics{Meta: meta}
	m.Rows = append(m.Rows, format.MetricRow{Seed: seed, RealSteps: realSteps, Metric: metric.PPORows, Index: format.NoIndex, Value: float64(t.Len())})
	if t.Len() == 0 {
		// Nothing to learn from (e.g. gated imagination kept no step): the
		// policy passes through unchanged, so a loop's next step has its file.
		if err := p.Save(c.String("out"), meta); err != nil {
			return err
		}
		return format.WriteMetrics(c.String("metrics"), m)
	}
	tr := ppo.NewTrainer(p, h)
	if path := c.String("mve-model"); path != "" {
		m, err := mveModel(c, path, p, t.Meta["env"])
		if err != nil {
			return err
		}
		tr.SetMVE(m, c.Int("mve-horizon"))
	}
	st, err := tr.Update(t, ends, progress, rand.New(rand.NewPCG(uint64(seed), uint64(realSteps))))
	if err != nil {
		return fmt.Errorf("update: %w", err)
	}
	if err := p.Save(c.String("out"), meta); err != nil {
		return err
	}
	m.Rows = append(m.Rows, statRows(st, seed, realSteps, c.String("mve-model") != "")...)
	return format.WriteMetrics(c.String("metrics"), m)
}

// readRollouts reads the --data files in order and concatenates them. It
// reads them one by one to know where each ends: a file's end is a rollout
// end even if the next file continues its episode. Every file must be of
// the policy's environment (polEnv, read from what).
func readRollouts(data []string, what, polEnv string) (*format.Transitions, []int, error) {
	var t *format.Transitions
	ends := make([]int, 0, len(data))
	for _, path := range data {
		f, err := format.ReadTransitions(path)
		if err != nil {
			return nil, nil, err
		}
		if err := tool.SameEnv("data "+path, f.Meta["env"], what, polEnv); err != nil {
			return nil, nil, err
		}
		if t == nil {
			t = f
		} else if err := tool.SameEnv("data "+path, f.Meta["env"], "data "+data[0], t.Meta["env"]); err != nil {
			return nil, nil, err
		} else if err := t.Append(f); err != nil {
			return nil, nil, fmt.Errorf("read %s: %w", path, err)
		}
		if n := t.Len(); n > 0 && (len(ends) == 0 || ends[len(ends)-1] != n) {
			ends = append(ends, n) // an empty file ends nothing
		}
	}
	return t, ends, nil
}

// statRows are the metrics rows of an update's statistics; an undefined
// one (e.g. explained variance of constant returns) is left out.
func statRows(st ppo.Stats, seed, realSteps int64, mve bool) []format.MetricRow {
	var rows []format.MetricRow
	for _, kv := range []struct {
		name string
		v    float64
	}{
		{metric.PolicyLoss, st.PolicyLoss}, {metric.ValueLoss, st.ValueLoss}, {metric.Entropy, st.Entropy},
		{metric.ApproxKL, st.ApproxKL}, {metric.ClipFraction, st.ClipFraction}, {metric.ExplainedVariance, st.ExplainedVariance},
	} {
		if !math.IsNaN(kv.v) && !math.IsInf(kv.v, 0) {
			rows = append(rows, format.MetricRow{Seed: seed, RealSteps: realSteps, Metric: kv.name, Index: format.NoIndex, Value: kv.v})
		}
	}
	if mve {
		rows = append(rows, format.MetricRow{Seed: seed, RealSteps: realSteps, Metric: metric.MVEModelSteps, Index: format.NoIndex, Value: float64(st.MVESteps)})
	}
	return rows
}

// mveModel loads the value-expansion model and matches it to the policy
// and the data's environment (its termination rule and action bounds).
func mveModel(c *cli.Context, path string, p *agent.Policy, envID string) (*ppo.EnsembleModel, error) {
	if h := c.Int("mve-horizon"); h < 0 || h > 1000 {
		return nil, tool.Usagef("--mve-horizon %d: must be in [0, 1000]", h)
	}
	model, meta, err := dynamics.LoadMeta(path)
	if err != nil {
		return nil, err
	}
	if err := tool.SameEnv("--mve-model "+path, meta["env"], "the --data files", envID); err != nil {
		return nil, err
	}
	mc := &model.Config
	switch {
	case mc.ObsDim != p.ObsDim() || mc.Discrete != p.Discrete() || (!mc.Discrete && mc.ActDim != p.ActDim()):
		return nil, fmt.Errorf("--mve-model %s (obs_dim %d, act_dim %d, discrete %v) does not fit the policy (obs_dim %d, act_dim %d, discrete %v)",
			path, mc.ObsDim, mc.ActDim, mc.Discrete, p.ObsDim(), p.ActDim(), p.Discrete())
	case envID == "":
		return nil, fmt.Errorf("--mve-model: the --data files have no \"env\" metadata, needed for the termination rule")
	}
	// The termination rule first: only Go environments have one, and
	// making one of those starts nothing.
	term, err := dynamics.TerminalFor(envID)
	if err != nil {
		return nil, fmt.Errorf("--mve-model: %w", err)
	}
	e, err := env.Make(envID)
	if err != nil {
		return nil, fmt.Errorf("--mve-model: %w", err)
	}
	m := &ppo.EnsembleModel{E: model, Terminal: term}
	if as := e.ActionSpace(); !as.Discrete {
		m.Low, m.High = as.Low, as.High
	}
	return m, nil
}
