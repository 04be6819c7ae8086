// Package metric names the metrics of dynago's metrics files: the values
// of the metric column (docs/FORMATS.md, "Metric names"), and the
// metadata key evalmodel records with its histograms.
//
// It is the one home of these strings: the tools that write metrics rows
// (collect, ppo, fitmodel, imagine, evalmodel through lib/modeleval) and
// the code that reads them (lib/analysis, lib/runloop, lib/sweep, report,
// aggregate) use its constants, so a name is spelled once. The names are
// a contract with every reader outside Go (pyarrow, polars, duckdb): a
// name may be added, never renamed.
//
// A fixed name is a constant, grouped by the tool that writes it; a family
// of names built from a label or a dimension (the state-visit histograms)
// is a function. A test checks that the constants and functions here and
// the names docs/FORMATS.md documents are the same set, so a metric cannot
// be added without documenting it.
package metric
