// Package format reads and writes dynago's four file kinds, all Arrow IPC
// files (the random-access "file" format, not the stream format), so that
// pyarrow, polars, duckdb and Arrow JS open them directly:
//
//   - transitions: environment steps, real (written by collect) or imagined
//     (written by imagine); read by ppo, fitmodel and imagine. One row per
//     step.
//   - weights: one row per named tensor (network parameters and optimiser
//     state), written by ppo and fitmodel and read by every tool that runs
//     a policy or model. The architecture and normalisation live in Meta.
//   - metrics: a tidy long table (run, variant, seed, real_steps, metric,
//     index, value), written by the training and evaluation tools and read
//     by sweep and the plotting and statistics tools.
//   - sweep_history: one row per trial and seed of a hyperparameter sweep
//     (History: fixed leading and trailing columns around one column per
//     swept parameter), written by sweep.
//
// docs/FORMATS.md lists every column, type and metadata key; package
// metric (lib/format/metric) names the values of the metrics' metric column.
//
// # Invariants
//
// Every file's schema metadata holds "kind" and "format_version"
// (FormatVersion) set by the writer, and the caller's Meta: provenance
// ("tool", "tool_version", "args", "seed", "env") plus free keys. Keys are
// sorted, so the same inputs give byte-identical files. Transitions files
// also record "obs_dim", "act_dim" and "action_type"; readers return those
// in struct fields and the rest in Meta.
//
// Required float columns hold finite values only: writers reject NaN and
// Inf with an error naming the column and row, and readers reject them too,
// so whatever a reader returns its writer accepts. Nullable float columns
// (logp, value, var_delta, var_reward) map null to NaN in Go; metrics'
// nullable index maps null to NoIndex (-1). Infinities are rejected
// everywhere.
//
// Writers go through WriteAtomic: the file is encoded in memory, written to
// a temporary file in the destination directory and renamed, so a reader
// never sees a half-written file, and a rejected input leaves nothing
// behind.
//
// Readers check the kind, the major format version and each column's name
// and type, find columns by name and ignore extra ones (so a minor version
// may add columns), and accept string columns as string, large_string or
// string_view. No input makes them panic or allocate far beyond its size
// (CheckIPC bounds the lengths arrow-go trusts; a panic inside arrow-go is
// recovered). Errors read "read PATH: why", e.g. `read runs/x/t.arrow: not
// a dynago transitions file (kind "metrics")`.
//
// # Ownership
//
// Readers return Go slices the caller owns; no Arrow memory outlives a call.
// Writers only read the caller's slices. A Transitions built by hand may
// leave the optional columns (LogProb, Value, Imagined, VarDelta,
// VarReward) nil, meaning unknown; the helpers fill them on first use.
//
// # Cost
//
// Writing or reading a 500-step episode takes well under a millisecond of
// CPU plus the file system's create and rename; see the benchmarks.
package format
