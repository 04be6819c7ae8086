package app

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/dynago/dynago/lib/dynamics"
	"github.com/dynago/dynago/lib/env"
	"github.com/dynago/dynago/lib/format"
	"github.com/dynago/dynago/lib/format/metric"
	"github.com/dynago/dynago/lib/tool"
)

// synopsis is the --help line of how to call it.
const synopsis = "fitmodel --data T.arrow [--data T2.arrow ...] --seed S --out MODEL.arrow [--metrics M.arrow --real-steps R] [--buffer-out BUF.arrow] [--warm-start PREV.arrow] [--preset course|tuned] [--epochs E | --updates N]"

// Usage is the command's description; its examples are run by a test.
const Usage = `Fits a dynamics model (state change, reward, termination) to the replay
buffer: the newest --buffer-size real (not imagined) transitions of the
--data files, in order. --buffer-out writes that buffer, so the next call
reads it and the new episode instead of every past file.

Training is --epochs full passes (with --holdout, early stopping after the
model's patience) or --updates minibatch steps sampled without replacement
from the buffer (the course's "model epoch" is one such step). With
--warm-start the previous model continues with its Adam state and its
normalisation statistics (they are not recomputed, so the weights keep
their meaning); a new model takes them from the buffer (--normalize, off
in the course preset). Member weights come from PCG(seed, 1), the holdout
split, bootstrap and minibatches from PCG(seed, 2).

Presets: course (1×128 ReLU, MSE, one member, lr 5e-4, batch 128, clip
1.0, no normalisation, --updates 3, no holdout) and tuned (2×200 ReLU,
5 probabilistic members trained by Gaussian NLL, normalised, termination
head, lr 1e-3, batch 256, --epochs 5, --holdout 0.1, patience 5).
--hidden and --term-weight change a preset's layer widths and the weight
of its termination loss, --term-pos-weight the weight of terminal rows
within it (class weighting: terminations are rare; a new model only).
--exact-const-reward makes a reward that is constant in the buffer (as
CartPole's 1) a constant prediction instead of a regression whose noise
would rank equally long survivals.

--mirror adds to the buffer its reflection under the environment's
symmetry (CartPole-v1, Acrobot-v1, Pendulum-v1; see lib/env's Symmetry):
each real transition's mirror image, which the environment would produce
just as well. It is prior knowledge of the environment, not of its
reward or termination, which are still learned; the model then knows
both sides of a bound it has seen the agent reach on one side only. The
holdout split keeps a row and its reflection together.

Metrics (index = member): model_{train,holdout}_loss_{delta,reward,term}
(the training objective per target on normalised targets: MSE, or NLL
for probabilistic members; BCE for term), model_{train,holdout}_mse_{delta,reward},
model_epochs, model_updates; unindexed model_buffer_size (real rows, not
counting reflections).

Examples:

   collect --env CartPole-v1 --steps 500 --seed 0 --out t.arrow
   fitmodel --data t.arrow --preset course --seed 0 --real-steps 500 --out model.arrow --metrics fit.arrow --buffer-out buf.arrow
   collect --env CartPole-v1 --steps 200 --seed 1 --out t2.arrow
   fitmodel --data buf.arrow --data t2.arrow --warm-start model.arrow --preset course --seed 1 --real-steps 700 --out model2.arrow
   fitmodel --data t.arrow --preset tuned --ensemble 2 --epochs 2 --seed 0 --out tuned.arrow
   fitmodel --data t.arrow --preset tuned --mirror --epochs 2 --seed 0 --out mirrored.arrow`

// Limits of the numeric flags.
const (
	maxBuffer   = 1 << 26
	maxEpochs   = 1 << 20
	maxUpdates  = 1 << 30
	maxEnsemble = 64
)

// New returns the fitmodel command.
func New() *cli.App {
	return tool.App("fitmodel", "fit a dynamics model to real transitions", synopsis, Usage, run,
		&cli.StringSliceFlag{Name: "data", Required: true, Usage: "transitions `FILE` (repeat; read in order)"},
		tool.OutFlag("model weights `FILE` to write", true),
		tool.MetricsFlag(""),
		tool.SeedFlag("", true),
		tool.RealStepsFlag(""),
		&cli.StringFlag{Name: "preset", Value: "tuned", Usage: "model and training preset: course or tuned"},
		&cli.IntFlag{Name: "buffer-size", Value: 10000, Usage: "keep the newest `N` real transitions (0: all)"},
		&cli.StringFlag{Name: "buffer-out", Usage: "write the buffer used to `FILE`"},
		&cli.IntFlag{Name: "epochs", Usage: "full passes `E` over the training rows (default: preset's)"},
		&cli.IntFlag{Name: "updates", Usage: "minibatch steps `N` instead of epochs (default: preset's)"},
		&cli.StringFlag{Name: "warm-start", Usage: "continue training the model in `FILE`"},
		&cli.IntFlag{Name: "ensemble", Usage: "ensemble members `M` (default: preset's)"},
		&cli.Float64Flag{Name: "holdout", Usage: "fraction `F` of rows held out for early stopping (default: preset's)"},
		&cli.BoolFlag{Name: "bootstrap", Usage: "train each member on a bootstrap resample"},
		&cli.BoolFlag{Name: "normalize", Value: true, Usage: "standardise inputs and targets (default on; off in the course preset)"},
		&cli.Float64Flag{Name: "lr", Usage: "Adam learning rate (default: preset's; also changes a warm-started model's)"},
		&cli.IntFlag{Name: "batch", Usage: "minibatch size (default: preset's)"},
		&cli.IntFlag{Name: "patience", Usage: "epochs without holdout improvement before stopping (default: preset's)"},
		&cli.StringFlag{Name: "hidden", Usage: "hidden layer widths `W[,W...]`, e.g. 64 or 200,200 (default: preset's)"},
		&cli.Float64Flag{Name: "term-weight", Usage: "weight `X` of the termination loss; 0 leaves the head untrained (default: preset's)"},
		&cli.Float64Flag{Name: "term-pos-weight", Usage: "weight `X` of terminal rows in the termination loss (default 1; a new model only)"},
		&cli.BoolFlag{Name: "exact-const-reward", Usage: "with normalisation, predict a reward constant in the buffer as that constant (a new model only)"},
		&cli.BoolFlag{Name: "mirror", Usage: "add the buffer's reflection under the environment's symmetry"},
		tool.EnvFlag("environment `ID` (default: the data's \"env\" metadata)", false),
	)
}

// options are the checked flags.
type options struct {
	data                                  []string
	out, metrics, bufferOut, warm, preset string
	envID                                 string
	env                                   env.Env // of --env, made once by parse; nil without --env
	seed, realSteps                       int64
	bufferSize                            int
	mirror                                bool
	fit                                   dynamics.FitOptions
	cfg                                   dynamics.Config
}

// presetFit is each preset's default training length and holdout.
var presetFit = map[string]dynamics.FitOptions{
	"course": {Updates: 3},
	"tuned":  {Epochs: 5, Holdout: 0.1},
}

func parse(c *cli.Context) (*options, error) {
	o := &options{
		data: c.StringSlice("data"), out: c.String("out"), metrics: c.String("metrics"),
		bufferOut: c.String("buffer-out"), warm: c.String("warm-start"), preset: c.String("preset"),
		envID: c.String("env"), bufferSize: c.Int("buffer-size"), mirror: c.Bool("mirror"),
	}
	if err := tool.NoArgs(c); err != nil {
		return nil, err
	}
	// --warm-start may be --out: the model is updated in place.
	if err := tool.CheckFlagPaths(c, []string{"out", "metrics", "buffer-out"}, []string{"data"}); err != nil {
		return nil, err
	}
	if err := tool.CheckPaths(tool.FlagPaths(c, "metrics", "buffer-out"), tool.FlagPaths(c, "warm-start")); err != nil {
		return nil, err
	}
	var err error
	if o.seed, err = tool.Seed(c); err != nil {
		return nil, err
	}
	if o.realSteps, err = tool.RealSteps(c, o.metrics != "", "with --metrics"); err != nil {
		return nil, err
	}
	if o.envID, err = tool.EnvID(c); err != nil {
		return nil, err
	}
	cfg, err := dynamics.Preset(o.preset)
	if err != nil {
		return nil, tool.Usagef("--preset %q: must be course or tuned", o.preset)
	}
	if o.bufferSize < 0 || o.bufferSize > maxBuffer {
		return nil, tool.Usagef("--buffer-size %d: must be in [0, %d]", o.bufferSize, maxBuffer)
	}
	if o.fit, err = parseFit(c, presetFit[o.preset]); err != nil {
		return nil, err
	}
	if err := parseConfig(c, &cfg); err != nil {
		return nil, err
	}
	o.cfg = cfg
	if o.warm != "" {
		for _, f := range []string{"normalize", "batch", "patience", "hidden", "term-weight", "term-pos-weight", "exact-const-reward"} {
			if c.IsSet(f) {
				return nil, tool.Usagef("--%s: not allowed with --warm-start (the model keeps its configuration)", f)
			}
		}
	}
	// The environment last, once the other flags are checked: it may be a
	// Python process (gym:ID), started once and used for everything.
	if o.envID != "" {
		if o.env, err = tool.Env("--env", o.envID); err != nil {
			return nil, err
		}
	}
	return o, nil
}

// parseFit applies the training-length and holdout flags to a preset's.
func parseFit(c *cli.Context, fit dynamics.FitOptions) (dynamics.FitOptions, error) {
	if c.IsSet("epochs") && c.IsSet("updates") {
		return fit, tool.Usagef("give at most one of --epochs and --updates")
	}
	if c.IsSet("epochs") {
		if e := c.Int("epochs"); e < 1 || e > maxEpochs {
			return fit, tool.Usagef("--epochs %d: must be in [1, %d]", e, maxEpochs)
		}
		fit.Epochs, fit.Updates = c.Int("epochs"), 0
	}
	if c.IsSet("updates") {
		if u := c.Int("updates"); u < 1 || u > maxUpdates {
			return fit, tool.Usagef("--updates %d: must be in [1, %d]", u, maxUpdates)
		}
		fit.Epochs, fit.Updates = 0, c.Int("updates")
	}
	if c.IsSet("holdout") {
		if h := c.Float64("holdout"); !(h >= 0 && h < 1) {
			return fit, tool.Usagef("--holdout %g: must be in [0, 1)", h)
		}
		fit.Holdout = c.Float64("holdout")
	}
	fit.Bootstrap = c.Bool("bootstrap")
	return fit, nil
}

// parseConfig applies the model's flags to its preset's configuration.
func parseConfig(c *cli.Context, cfg *dynamics.Config) error {
	if c.IsSet("ensemble") {
		if m := c.Int("ensemble"); m < 1 || m > maxEnsemble {
			return tool.Usagef("--ensemble %d: must be in [1, %d]", m, maxEnsemble)
		}
		cfg.Members = c.Int("ensemble")
	}
	if c.IsSet("normalize") {
		cfg.Normalize = c.Bool("normalize")
	}
	if c.IsSet("lr") {
		if lr := c.Float64("lr"); !(lr > 0 && lr <= 1) {
			return tool.Usagef("--lr %g: must be in (0, 1]", lr)
		}
		cfg.LR = c.Float64("lr")
	}
	if c.IsSet("batch") {
		if b := c.Int("batch"); b < 1 || b > 1<<16 {
			return tool.Usagef("--batch %d: must be in [1, 65536]", b)
		}
		cfg.Batch = c.Int("batch")
	}
	if c.IsSet("patience") {
		if p := c.Int("patience"); p < 0 || p > maxEpochs {
			return tool.Usagef("--patience %d: must be in [0, %d]", p, maxEpochs)
		}
		cfg.Patience = c.Int("patience")
	}
	if c.IsSet("hidden") {
		h, err := parseWidths(c.String("hidden"))
		if err != nil {
			return tool.Usagef("--hidden %q: %w", c.String("hidden"), err)
		}
		cfg.Hidden = h
	}
	if c.IsSet("term-weight") {
		if w := c.Float64("term-weight"); !(w >= 0 && w <= 1e6) {
			return tool.Usagef("--term-weight %g: must be in [0, 1e6]", w)
		}
		cfg.TermWeight = c.Float64("term-weight")
	}
	if c.IsSet("term-pos-weight") {
		if w := c.Float64("term-pos-weight"); !(w > 0 && w <= 1e6) {
			return tool.Usagef("--term-pos-weight %g: must be in (0, 1e6]", w)
		}
		cfg.TermPosWeight = c.Float64("term-pos-weight")
	}
	cfg.ExactConstReward = c.Bool("exact-const-reward")
	return nil
}

func run(c *cli.Context) error {
	o, err := parse(c)
	if err != nil {
		return err
	}
	e := o.env
	if e != nil {
		defer env.Close(e) //nolint:errcheck // only its spaces and knowledge are read
	}
	buf, envID, err := readBuffer(o)
	if err != nil {
		return err
	}
	if e == nil {
		if e, err = env.Make(envID); err != nil {
			return err
		}
		defer env.Close(e) //nolint:errcheck // only its spaces and knowledge are read
	}
	d, err := dynamics.NewDataset(buf)
	if err != nil {
		return fmt.Errorf("replay buffer: %w", err)
	}
	if o.mirror {
		if d, err = mirror(d, e); err != nil {
			return err
		}
	}
	model, err := o.model(c, e, envID, buf, d)
	if err != nil {
		return err
	}
	fits, err := model.Fit(d, o.fit, rand.New(rand.NewPCG(uint64(o.seed), 2)))
	if err != nil {
		return err
	}
	meta := format.Meta(tool.Provenance(c))
	meta["seed"] = strconv.FormatInt(o.seed, 10)
	meta["env"] = envID
	if err := model.Save(o.out, meta); err != nil {
		return err
	}
	if o.bufferOut != "" {
		buf.Meta = meta
		if err := format.WriteTransitions(o.bufferOut, buf); err != nil {
			return err
		}
	}
	if o.metrics == "" {
		return nil
	}
	return format.WriteMetrics(o.metrics, metrics(o, fits, buf.Len(), meta))
}

// readBuffer reads the data files and keeps the newest real rows. The
// environment is --env or the files' common "env" metadata.
func readBuffer(o *options) (*format.Transitions, string, error) {
	ts := make([]*format.Transitions, len(o.data))
	envID, envFrom := o.envID, "" // envFrom: the data file envID is from
	for i, p := range o.data {
		t, err := format.ReadTransitions(p)
		if err != nil {
			return nil, "", err
		}
		if err := tool.SameEnv("data "+p, t.Meta["env"], "--env", o.envID); err != nil {
			return nil, "", err
		}
		if id := t.Meta["env"]; o.envID == "" && id != "" {
			if err := tool.SameEnv("data "+p, id, "data "+envFrom, envID); err != nil {
				return nil, "", err
			}
			if envID == "" {
				envID, envFrom = id, p
			}
		}
		ts[i] = t
	}
	if envID == "" {
		return nil, "", fmt.Errorf("data has no \"env\" metadata: give --env")
	}
	buf, err := dynamics.Newest(ts, o.bufferSize)
	if err != nil {
		return nil, "", err
	}
	if buf.Len() == 0 {
		return nil, "", fmt.Errorf("data holds no real transitions")
	}
	return buf, envID, nil
}

// mirror returns d with its reflection under e's symmetry.
func mirror(d *dynamics.Dataset, e env.Env) (*dynamics.Dataset, error) {
	sym, err := env.SymmetryOf(e)
	if err != nil {
		return nil, fmt.Errorf("--mirror: %w", err)
	}
	return d.Mirror(sym, e.ActionSpace().Start)
}

// model loads the warm-start model or builds a new one for the
// environment's spaces, normalised from the buffer.
func (o *options) model(c *cli.Context, e env.Env, envID string, buf *format.Transitions, d *dynamics.Dataset) (*dynamics.Ensemble, error) {
	want := o.cfg
	if err := want.SetSpaces(e.ObservationSpace(), e.ActionSpace()); err != nil {
		return nil, err
	}
	if buf.ObsDim != want.ObsDim || buf.Discrete != want.Discrete || buf.ActDim != want.ActDim {
		return nil, fmt.Errorf("data (obs_dim %d, act_dim %d) does not fit %s (obs_dim %d, act_dim %d)",
			buf.ObsDim, buf.ActDim, envID, want.ObsDim, want.ActDim)
	}
	if o.warm == "" {
		m, err := dynamics.New(want, rand.New(rand.NewPCG(uint64(o.seed), 1)))
		if err != nil {
			return nil, err
		}
		m.SetNorm(d)
		return m, nil
	}
	m, meta, err := dynamics.LoadMeta(o.warm)
	if err != nil {
		return nil, err
	}
	if err := tool.SameEnv("warm-start model "+o.warm, meta["env"], "the data", envID); err != nil {
		return nil, err
	}
	got := m.Config
	if got.ObsDim != want.ObsDim || got.Discrete != want.Discrete || got.NumActions != want.NumActions || got.ActDim != want.ActDim {
		return nil, fmt.Errorf("warm-start model %s does not fit %s", o.warm, envID)
	}
	if c.IsSet("ensemble") && got.Members != want.Members {
		return nil, tool.Usagef("--ensemble %d: the warm-start model has %d members", want.Members, got.Members)
	}
	if c.IsSet("lr") {
		m.SetLR(want.LR)
	}
	return m, nil
}

func metrics(o *options, fits []dynamics.MemberFit, n int, meta format.Meta) *format.Metrics {
	m := &format.Metrics{Meta: meta}
	row := func(name string, index int64, v float64) {
		m.Rows = append(m.Rows, format.MetricRow{Seed: o.seed, RealSteps: o.realSteps, Metric: name, Index: index, Value: v})
	}
	row(metric.ModelBufferSize, format.NoIndex, float64(n))
	for _, set := range []struct {
		holdout bool
		names   [5]string // in the order of losses' values
	}{
		{false, [5]string{metric.ModelTrainLossDelta, metric.ModelTrainLossReward, metric.ModelTrainLossTerm, metric.ModelTrainMSEDelta, metric.ModelTrainMSEReward}},
		{true, [5]string{metric.ModelHoldoutLossDelta, metric.ModelHoldoutLossReward, metric.ModelHoldoutLossTerm, metric.ModelHoldoutMSEDelta, metric.ModelHoldoutMSEReward}},
	} {
		if set.holdout && fits[0].HoldoutRows == 0 {
			continue
		}
		for i, name := range set.names {
			for k, f := range fits {
				l := f.Train
				if set.holdout {
					l = f.Holdout
				}
				row(name, int64(k), [5]float64{l.Delta, l.Reward, l.Term, l.MSEDelta, l.MSEReward}[i])
			}
		}
	}
	for k, f := range fits {
		row(metric.ModelEpochs, int64(k), float64(f.Epochs))
	}
	for k, f := range fits {
		row(metric.ModelUpdates, int64(k), float64(f.Updates))
	}
	return m
}

// parseWidths parses comma-separated hidden layer widths, each in [1, 4096].
func parseWidths(s string) ([]int, error) {
	var h []int
	for _, f := range strings.Split(s, ",") {
		w, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || w < 1 || w > 4096 {
			return nil, fmt.Errorf("widths must be integers in [1, 4096], comma-separated")
		}
		h = append(h, w)
	}
	return h, nil
}
