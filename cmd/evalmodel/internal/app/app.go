package app

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/dynago/dynago/lib/dynamics"
	"github.com/dynago/dynago/lib/env"
	"github.com/dynago/dynago/lib/format"
	"github.com/dynago/dynago/lib/format/metric"
	"github.com/dynago/dynago/lib/modeleval"
	"github.com/dynago/dynago/lib/tool"
)

// synopsis is the --help line of how to call it.
const synopsis = "evalmodel --model MODEL.arrow --data HELDOUT.arrow --metrics OUT.arrow [options]"

// Example is the worked example of the help text; a test runs its
// evalmodel lines on a small trained CartPole model.
const Example = `   evalmodel --model model.arrow --data heldout.arrow --metrics m.arrow --real-steps 5000
   evalmodel --model model.arrow --data heldout.arrow --metrics m.arrow --real-steps 5000 --k 10 --old early.arrow --new heldout.arrow --hist early=early.arrow --hist now=heldout.arrow --hist-bins 10
   inspect --format csv --columns metric,index,value m.arrow | grep -E '^model_ek,|^hist_tv'`

// Description is the command's help text.
const Description = `Evaluates the dynamics model --model on the real transitions --data, which
should be held out: collected by the current policy on a separately seeded
environment, never the model's training buffer. Writes a metrics file, every
row tagged with --real-steps (run, variant and seed are left empty for the
pipeline to fill). Predictions are the ensemble mean; errors are in raw
units.

One-step errors (e = predicted - real state change):
   model_mse_delta, model_mae_delta    mean over rows and dims of e², |e|
   model_mse_delta_dim, model_mae_delta_dim
                                       the same per dim (index = dim)
   model_mse_reward, model_mae_reward  reward error
   model_mse_next_obs                  next-state error (= model_mse_delta)

Open loop, index k = 1..--k: from each start row, predict k steps ahead
feeding back the model's own predictions with the real actions; compare with
the real state k steps later. A window never crosses an episode boundary, a
step gap or a terminated or truncated step.
   model_ek          mean over windows and dims of the squared error
   model_ek_norm     the same, dim j divided by the variance of dim j over
                     the held-out states (comparable across dims)
   model_ek_count    number of windows (k without windows has no rows)
With --starts N only N start rows, drawn with PCG(seed, 0), are used.

Ensemble spread (models with more than one member): per row, v = variance
across members of the predicted state change and s = squared error of the
mean, both averaged over dims on the model's normalised scale (primary, as
the var_delta column of imagined transitions); _raw metrics use raw units.
   model_var_mean, model_var_err_mean           mean v, mean s
   model_var_err_corr, model_var_err_spearman   Pearson, Spearman of v, s
   model_var_mean_raw, model_var_err_mean_raw, model_var_err_corr_raw,
   model_var_err_spearman_raw                   the same in raw units
   model_var_bin_var, model_var_bin_err, model_var_bin_count
                     mean v, mean s and rows per quantile bin of v
                     (index = bin, --var-bins bins)

Old versus new states (--old and --new): model_mse_old, model_mse_new, the
model_mse_delta of transitions of an earlier and of the current policy.

State-visit histograms (--hist LABEL=FILE, repeatable; labels are letters
and digits): hist_LABEL_dJ (index = bin) is the fraction of the set's states
in each of --hist-bins even bins of dim J's fixed range; values outside go
to the edge bins. For each pair of labels A, B in the order given,
hist_tv_A_B_dim (index = dim) is the total-variation distance of their
histograms and hist_tv_A_B its mean over dims. Ranges come from
--hist-range, or else from the environment recorded in the files: the
ranges a Go environment declares (its observation bounds where finite,
fixed ranges otherwise: CartPole-v1 velocities [-3, 3] and [-3.5, 3.5]),
or for a bridged Gymnasium environment (gym:ID) the data's own: each
dim's smallest to largest state over all --hist sets. The bin edges are
recorded in the metadata as hist_edges_dJ.

Metrics whose value is not finite (a correlation of a constant) are left
out. The metadata records provenance, seed and the settings.

Example: evaluate a model at 5,000 real steps, then also against states of
an earlier policy, and look at E_k and the histogram distance:

` + Example

// Limits of the numeric flags.
const (
	maxK       = 1000
	maxBins    = 10000
	maxStarts  = 1 << 30
	defaultK   = 20
	defaultVar = 10
	defaultHB  = 20
)

// New returns the evalmodel command.
func New() *cli.App {
	a := tool.App("evalmodel", "measure a dynamics model's one-step and open-loop errors on held-out transitions", synopsis, Description, run,
		&cli.StringFlag{Name: "model", Usage: "dynamics model `FILE` (weights)"},
		&cli.StringFlag{Name: "data", Usage: "held-out real transitions `FILE`"},
		tool.MetricsFlag(""),
		tool.RealStepsFlag("real steps so far `R`, the metrics' x axis"),
		&cli.IntFlag{Name: "k", Value: defaultK, Usage: "longest open-loop horizon `K`"},
		&cli.IntFlag{Name: "starts", Usage: "use at most `N` open-loop start rows (0: all)"},
		&cli.IntFlag{Name: "var-bins", Value: defaultVar, Usage: "quantile bins `B` of the ensemble spread"},
		&cli.StringFlag{Name: "old", Usage: "transitions `FILE` of an earlier policy (with --new)"},
		&cli.StringFlag{Name: "new", Usage: "transitions `FILE` of the current policy (with --old)"},
		&cli.StringSliceFlag{Name: "hist", Usage: "histogram the states of `LABEL=FILE` (repeatable)"},
		&cli.IntFlag{Name: "hist-bins", Value: defaultHB, Usage: "histogram bins `B` per dim"},
		&cli.StringFlag{Name: "hist-range", Usage: "histogram ranges `LO:HI,LO:HI,...`, one per dim", DefaultText: "from the environment"},
		tool.SeedFlag("random seed `S` of the start subsample", false),
	)
	// File names may contain commas: --hist is repeated, not split.
	a.DisableSliceFlagSeparator = true
	return a
}

// options are the checked flags.
type options struct {
	model, data, metrics string
	realSteps, seed      int64
	k, starts, varBins   int
	old, new             string
	hist                 []modeleval.Set // T filled when read
	histFiles            []string
	histBins             int
	histRange            []modeleval.Range // nil: from the environment
}

func parse(c *cli.Context) (*options, error) {
	o := &options{
		model: c.String("model"), data: c.String("data"), metrics: c.String("metrics"),
		k: c.Int("k"), starts: c.Int("starts"), varBins: c.Int("var-bins"),
		old: c.String("old"), new: c.String("new"), histBins: c.Int("hist-bins"),
	}
	if err := tool.NoArgs(c); err != nil {
		return nil, err
	}
	var err error
	if o.seed, err = tool.Seed(c); err != nil {
		return nil, err
	}
	if o.realSteps, err = tool.RealSteps(c, false, ""); err != nil {
		return nil, err
	}
	// Checked here rather than with Required, which prints the whole help.
	for _, f := range []string{"model", "data", "metrics"} {
		if c.String(f) == "" {
			return nil, tool.Usagef("--%s is required", f)
		}
	}
	for _, f := range []struct {
		name      string
		v, lo, hi int
	}{
		{"k", o.k, 1, maxK}, {"starts", o.starts, 0, maxStarts},
		{"var-bins", o.varBins, 1, maxBins}, {"hist-bins", o.histBins, 1, maxBins},
	} {
		if f.v < f.lo || f.v > f.hi {
			return nil, tool.Usagef("--%s %d: must be in [%d, %d]", f.name, f.v, f.lo, f.hi)
		}
	}
	switch {
	case (o.old == "") != (o.new == ""):
		return nil, tool.Usagef("--old and --new: give both or neither")
	}
	for _, h := range c.StringSlice("hist") {
		label, file, ok := strings.Cut(h, "=")
		switch {
		case !ok || file == "":
			return nil, tool.Usagef("--hist %q: want LABEL=FILE", h)
		case !modeleval.ValidLabel(label):
			return nil, tool.Usagef("--hist %q: label %q must be letters and digits only", h, label)
		case slices.ContainsFunc(o.hist, func(s modeleval.Set) bool { return s.Label == label }):
			return nil, tool.Usagef("--hist %q: label %q given twice", h, label)
		}
		o.hist = append(o.hist, modeleval.Set{Label: label})
		o.histFiles = append(o.histFiles, file)
	}
	ins := tool.FlagPaths(c, "model", "data", "old", "new")
	for i, f := range o.histFiles {
		ins = append(ins, tool.Path{Flag: "--hist " + o.hist[i].Label, Path: f})
	}
	if err := tool.CheckPaths(tool.FlagPaths(c, "metrics"), ins); err != nil {
		return nil, err
	}
	if s := c.String("hist-range"); s != "" {
		rs, err := modeleval.ParseRanges(s)
		if err != nil {
			return nil, tool.Usagef("--hist-range: %w", err)
		}
		o.histRange = rs
	}
	return o, nil
}

func run(c *cli.Context) error {
	o, err := parse(c)
	if err != nil {
		return err
	}
	e, modelMeta, err := dynamics.LoadMeta(o.model)
	if err != nil {
		return err
	}
	data, err := format.ReadTransitions(o.data)
	if err != nil {
		return err
	}
	if err := tool.SameEnv("data "+o.data, data.Meta["env"], "model "+o.model, modelMeta["env"]); err != nil {
		return err
	}
	meta := format.Meta(tool.Provenance(c))
	meta["seed"] = strconv.FormatInt(o.seed, 10)
	if id := data.Meta["env"]; id != "" {
		meta["env"] = id
	}
	meta["k"] = strconv.Itoa(o.k)
	meta["starts"] = strconv.Itoa(o.starts)
	meta["var_bins"] = strconv.Itoa(o.varBins)

	bad := func(err error) error {
		return fmt.Errorf("data %s does not fit model %s: %w", o.data, o.model, err)
	}
	rows, err := modeleval.OneStep(e, data, o.varBins)
	if err != nil {
		return bad(err)
	}
	rng := rand.New(rand.NewPCG(uint64(o.seed), 0))
	ek, err := modeleval.OpenLoop(e, data, o.k, o.starts, rng)
	if err != nil {
		return bad(err)
	}
	rows = append(rows, ek...)
	if o.old != "" {
		on, err := oldNew(e, modelMeta["env"], o.model, o.old, o.new)
		if err != nil {
			return err
		}
		rows = append(rows, on...)
	}
	if len(o.hist) > 0 {
		h, err := histograms(o, meta)
		if err != nil {
			return err
		}
		rows = append(rows, h...)
	}
	for i := range rows {
		rows[i].RealSteps = o.realSteps
	}
	return format.WriteMetrics(o.metrics, &format.Metrics{Rows: rows, Meta: meta})
}

func oldNew(e *dynamics.Ensemble, envID, model, oldFile, newFile string) ([]format.MetricRow, error) {
	old, err := format.ReadTransitions(oldFile)
	if err != nil {
		return nil, err
	}
	cur, err := format.ReadTransitions(newFile)
	if err != nil {
		return nil, err
	}
	for _, t := range []struct {
		what string
		f    *format.Transitions
	}{{"--old " + oldFile, old}, {"--new " + newFile, cur}} {
		if err := tool.SameEnv(t.what, t.f.Meta["env"], "model "+model, envID); err != nil {
			return nil, err
		}
	}
	rows, err := modeleval.OldNew(e, old, cur)
	if err != nil {
		return nil, fmt.Errorf("--old %s, --new %s: %w", oldFile, newFile, err)
	}
	return rows, nil
}

// histograms reads the --hist files, picks the ranges and records the bin
// edges in meta.
func histograms(o *options, meta format.Meta) ([]format.MetricRow, error) {
	envID := ""
	for i, f := range o.histFiles {
		t, err := format.ReadTransitions(f)
		if err != nil {
			return nil, err
		}
		o.hist[i].T = t
		id := t.Meta["env"]
		switch {
		case i == 0:
			envID = id
		case id != envID && o.histRange == nil:
			return nil, fmt.Errorf("--hist: %s is from environment %q, %s from %q; give --hist-range to compare them",
				o.histFiles[0], envID, f, id)
		}
	}
	ranges := o.histRange
	if ranges == nil {
		if envID == "" {
			return nil, fmt.Errorf("--hist: %s records no environment; give --hist-range", o.histFiles[0])
		}
		if _, ok := env.Builtin(envID); ok {
			rs, err := modeleval.EnvRanges(envID)
			if err != nil {
				return nil, fmt.Errorf("--hist: %w; give --hist-range", err)
			}
			ranges = rs
		} else {
			// A bridged environment declares no ranges: take them from the
			// data (recorded as hist_edges_dJ like any others).
			ranges = modeleval.DataRanges(o.hist, o.hist[0].T.ObsDim)
			meta["hist_range_source"] = "data"
		}
	}
	rows, err := modeleval.Histograms(o.hist, ranges, o.histBins)
	if err != nil {
		return nil, fmt.Errorf("--hist: %w", err)
	}
	meta["hist_bins"] = strconv.Itoa(o.histBins)
	for j, r := range ranges {
		edges := modeleval.Edges(r, o.histBins)
		s := make([]string, len(edges))
		for b, x := range edges {
			s[b] = strconv.FormatFloat(x, 'g', -1, 64)
		}
		meta[metric.HistEdgesKey(j)] = strings.Join(s, ",")
	}
	return rows, nil
}
