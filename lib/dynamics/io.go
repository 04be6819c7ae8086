package dynamics

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/dynago/dynago/lib/format"
	"github.com/dynago/dynago/lib/nn"
)

// Metadata keys of a model's weights file. Floats are written with
// strconv's shortest round-trip form, so a loaded Config is identical.
const (
	keyModel         = "model" // always "dynamics"
	keyObsDim        = "model_obs_dim"
	keyDiscrete      = "model_discrete"
	keyNumActions    = "model_num_actions"
	keyActStart      = "model_act_start"
	keyActDim        = "model_act_dim"
	keyHidden        = "model_hidden" // comma-separated widths
	keyActivation    = "model_activation"
	keyMembers       = "model_members"
	keyProbabilistic = "model_probabilistic"
	keyNormalize     = "model_normalize"
	keyMinLogVar     = "model_min_logvar"
	keyMaxLogVar     = "model_max_logvar"
	keyTermWeight    = "model_term_weight"
	keyTermPosWeight = "model_term_pos_weight"    // absent in older files: 0
	keyExactConst    = "model_exact_const_reward" // absent in older files: false
	keyLR            = "model_lr"
	keyBatch         = "model_batch"
	keyClipNorm      = "model_clip_norm"
	keyPatience      = "model_patience"
)

// Tensor names of the normalisation; member k's parameters and Adam state
// are nn.Export's names under the prefix "m<k>.".
const (
	tensorInMean    = "norm.in_mean"
	tensorInStd     = "norm.in_std"
	tensorDeltaMean = "norm.delta_mean"
	tensorDeltaStd  = "norm.delta_std"
	tensorReward    = "norm.reward" // [mean, std]
)

func memberPrefix(k int) string { return fmt.Sprintf("m%d.", k) }

// Weights returns the ensemble as a weights file: every member's
// parameters and Adam state, the normalisation, and the Config in the
// metadata, merged over meta (which is not modified).
func (e *Ensemble) Weights(meta format.Meta) *format.Weights {
	c := &e.Config
	m := meta.Clone()
	if m == nil {
		m = format.Meta{}
	}
	f := func(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }
	hidden := make([]string, len(c.Hidden))
	for i, h := range c.Hidden {
		hidden[i] = strconv.Itoa(h)
	}
	if c.TermPosWeight != 0 {
		m[keyTermPosWeight] = f(c.TermPosWeight)
	}
	if c.ExactConstReward {
		m[keyExactConst] = "true"
	}
	for k, v := range map[string]string{
		keyModel: "dynamics", keyObsDim: strconv.Itoa(c.ObsDim),
		keyDiscrete: strconv.FormatBool(c.Discrete), keyNumActions: strconv.Itoa(c.NumActions),
		keyActStart: strconv.Itoa(c.ActStart), keyActDim: strconv.Itoa(c.ActDim),
		keyHidden: strings.Join(hidden, ","), keyActivation: c.Activation.String(),
		keyMembers: strconv.Itoa(c.Members), keyProbabilistic: strconv.FormatBool(c.Probabilistic),
		keyNormalize: strconv.FormatBool(c.Normalize), keyMinLogVar: f(c.MinLogVar),
		keyMaxLogVar: f(c.MaxLogVar), keyTermWeight: f(c.TermWeight), keyLR: f(c.LR),
		keyBatch: strconv.Itoa(c.Batch), keyClipNorm: f(c.ClipNorm), keyPatience: strconv.Itoa(c.Patience),
	} {
		m[k] = v
	}
	vec := func(name string, x []float64) format.Tensor {
		return format.Tensor{Name: name, Shape: []int{len(x)}, Data: append([]float64(nil), x...)}
	}
	nm := &e.Norm
	ts := []format.Tensor{
		vec(tensorInMean, nm.InMean), vec(tensorInStd, nm.InStd),
		vec(tensorDeltaMean, nm.DeltaMean), vec(tensorDeltaStd, nm.DeltaStd),
		vec(tensorReward, []float64{nm.RewardMean, nm.RewardStd}),
	}
	for k, mb := range e.members {
		ts = append(ts, nn.Export(memberPrefix(k), mb.params, mb.opt)...)
	}
	return &format.Weights{Tensors: ts, Meta: m}
}

// FromWeights rebuilds an ensemble written by Weights, parameters and
// optimiser state bit for bit, so training continues exactly as if it had
// not stopped.
func FromWeights(w *format.Weights) (*Ensemble, error) {
	c, err := configFromMeta(w.Meta)
	if err != nil {
		return nil, err
	}
	// The metadata's sizes are checked against the tensors before
	// anything is allocated: a file claiming 10^12 members or hidden
	// units is an error, not an out-of-memory crash.
	idx := nn.Index(w.Tensors)
	if c.Members > len(w.Tensors) {
		return nil, fmt.Errorf("dynamics: weights: metadata claims %d members, the file holds %d tensors", c.Members, len(w.Tensors))
	}
	sizes := append(append([]int{c.InDim()}, c.Hidden...), c.OutDim())
	for k := range c.Members {
		if err := nn.CheckMLP(idx, memberPrefix(k), sizes); err != nil {
			return nil, fmt.Errorf("dynamics: weights: member %d: %w", k, err)
		}
	}
	e, err := newEnsemble(c)
	if err != nil {
		return nil, err
	}
	byName := map[string][]float64{}
	for _, t := range w.Tensors {
		byName[t.Name] = t.Data
	}
	nm := &e.Norm
	for _, v := range []struct {
		name string
		dst  []float64
	}{
		{tensorInMean, nm.InMean}, {tensorInStd, nm.InStd},
		{tensorDeltaMean, nm.DeltaMean}, {tensorDeltaStd, nm.DeltaStd},
		{tensorReward, make([]float64, 2)},
	} {
		src, ok := byName[v.name]
		if !ok || len(src) != len(v.dst) {
			return nil, fmt.Errorf("dynamics: weights: tensor %q missing or not of length %d", v.name, len(v.dst))
		}
		copy(v.dst, src)
	}
	r := byName[tensorReward]
	nm.RewardMean, nm.RewardStd = r[0], r[1]
	for k, mb := range e.members {
		if err := nn.Import(w.Tensors, memberPrefix(k), mb.params, mb.opt); err != nil {
			return nil, fmt.Errorf("dynamics: weights: member %d: %w", k, err)
		}
	}
	return e, nil
}

func configFromMeta(m format.Meta) (Config, error) {
	var c Config
	if m[keyModel] != "dynamics" {
		return c, fmt.Errorf("dynamics: weights: metadata %q is %q, want \"dynamics\" (not a dynamics model)", keyModel, m[keyModel])
	}
	var errs []string
	get := func(k string) string {
		v, ok := m[k]
		if !ok {
			errs = append(errs, "missing "+k)
		}
		return v
	}
	atoi := func(k string) int {
		v, err := strconv.Atoi(get(k))
		if err != nil {
			errs = append(errs, k+": "+err.Error())
		}
		return v
	}
	atof := func(k string) float64 {
		v, err := strconv.ParseFloat(get(k), 64)
		if err != nil {
			errs = append(errs, k+": "+err.Error())
		}
		return v
	}
	atob := func(k string) bool {
		v, err := strconv.ParseBool(get(k))
		if err != nil {
			errs = append(errs, k+": "+err.Error())
		}
		return v
	}
	c.ObsDim, c.Discrete = atoi(keyObsDim), atob(keyDiscrete)
	c.NumActions, c.ActStart, c.ActDim = atoi(keyNumActions), atoi(keyActStart), atoi(keyActDim)
	for _, h := range strings.Split(get(keyHidden), ",") {
		v, err := strconv.Atoi(h)
		if err != nil {
			errs = append(errs, keyHidden+": "+err.Error())
		}
		c.Hidden = append(c.Hidden, v)
	}
	act, err := nn.ParseActivation(get(keyActivation))
	if err != nil {
		errs = append(errs, err.Error())
	}
	c.Activation = act
	c.Members, c.Probabilistic, c.Normalize = atoi(keyMembers), atob(keyProbabilistic), atob(keyNormalize)
	c.MinLogVar, c.MaxLogVar, c.TermWeight = atof(keyMinLogVar), atof(keyMaxLogVar), atof(keyTermWeight)
	c.LR, c.Batch, c.ClipNorm, c.Patience = atof(keyLR), atoi(keyBatch), atof(keyClipNorm), atoi(keyPatience)
	if _, ok := m[keyTermPosWeight]; ok {
		c.TermPosWeight = atof(keyTermPosWeight)
	}
	if _, ok := m[keyExactConst]; ok {
		c.ExactConstReward = atob(keyExactConst)
	}
	if len(errs) > 0 {
		return c, fmt.Errorf("dynamics: weights metadata: %s", strings.Join(errs, "; "))
	}
	return c, c.Validate()
}

// Load reads a model written by Save.
func Load(path string) (*Ensemble, error) {
	e, _, err := LoadMeta(path)
	return e, err
}

// LoadMeta is Load that also returns the file's metadata (its "env", to
// match the model with other inputs).
func LoadMeta(path string) (*Ensemble, format.Meta, error) {
	w, err := format.ReadWeights(path)
	if err != nil {
		return nil, nil, err
	}
	e, err := FromWeights(w)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", path, err)
	}
	return e, w.Meta, nil
}

// Save writes the ensemble to path atomically with meta (provenance) in
// its metadata.
func (e *Ensemble) Save(path string, meta format.Meta) error {
	return format.WriteWeights(path, e.Weights(meta))
}
