// Package present turns the results of lib/estimate and lib/analysis into
// tables and figures: a markdown.Table per result kind (interval
// estimates, steps to a threshold) and lib/figure's figures of estimates,
// curves and probabilities of improvement. It computes nothing: every
// number comes from lib/estimate or lib/analysis (and lib/stats below
// them) and is only laid out here, so that they know nothing of tables or
// figures. cmd/report and
// cmd/aggregate compose these pieces into reports and output sets.
package present
