package format

// Kinds of dynago file, recorded under the schema metadata key "kind".
const (
	KindTransitions = "transitions"
	KindWeights     = "weights"
	KindMetrics     = "metrics"
	KindHistory     = "sweep_history"
)

// Meta is schema metadata. Writers store it with keys sorted so bytes are
// stable. Every file carries "kind" and "format_version" (set by the writer)
// and provenance set by the tool: "tool", "tool_version", "args", and where
// they apply "seed" and "env".
type Meta map[string]string

// RunSettingsKey is the schema metadata key of a run's metrics file
// (OUT/metrics.arrow, written by concat) holding the run's settings: a JSON
// object mapping make variable names (ALGO, PRESET, ENV, SEED, STEPS,
// VARIANT, ENSEMBLE, GATE_VARIANCE, HORIZON, ...) to their effective
// values as strings (docs/FORMATS.md). bin/run passes them to concat.
const RunSettingsKey = "run_settings"

// Transitions is a columnar batch of environment steps, real or imagined.
// Row i's vectors are Obs[i*ObsDim:(i+1)*ObsDim] and so on. NaN in LogProb,
// Value, VarDelta or VarReward means "unknown" and is written as null.
type Transitions struct {
	ObsDim   int
	Discrete bool // action column is int64 (Action) rather than a list (ActionVec)
	ActDim   int  // components of a continuous action; 1 for discrete

	Episode    []int64
	Step       []int64
	Obs        []float64
	Action     []int64   // discrete actions
	ActionVec  []float64 // continuous actions, row-major, ActDim per row
	Reward     []float64
	NextObs    []float64
	Terminated []bool
	Truncated  []bool
	LogProb    []float64 // policy log-probability of the action at collection time
	Value      []float64 // V(obs) at collection time
	Imagined   []bool
	VarDelta   []float64 // ensemble variance of predicted state change (normalised targets, mean over dims)
	VarReward  []float64 // ensemble variance of predicted reward (normalised target)

	Meta Meta
}

// Tensor is one named float64 array of a weights file.
type Tensor struct {
	Name  string
	Shape []int
	Data  []float64
}

// Weights is a weights file: named tensors (parameters and optimiser
// state) plus metadata holding the architecture and normalisation.
type Weights struct {
	Tensors []Tensor
	Meta    Meta
}

// MetricRow is one row of the tidy metrics table. Index is -1 when the
// metric has no index (written as null); otherwise e.g. k for E_k.
type MetricRow struct {
	Run       string
	Variant   string
	Seed      int64
	RealSteps int64
	Metric    string
	Index     int64
	Value     float64
}

// Metrics is a metrics file.
type Metrics struct {
	Rows []MetricRow
	Meta Meta
}
