// Package figure draws the evaluation figures of the pipeline with
// gonum/plot: RLiable's figure kinds (Agarwal et al. 2021) from the
// intervals package stats computes, and line, scatter and histogram plots
// for model diagnostics.
//
// Every function takes plain data (stats.Interval values, Series, slices)
// and a path, and writes one figure there; the extension, .png or .svg,
// picks the format. Nothing reads files. Output is deterministic: the same
// data give the same bytes (fixed palette, matplotlib's tab10; gonum/plot's
// default Liberation fonts; no timestamps).
//
//	IntervalEstimates        one panel per metric (Median, IQM, Mean,
//	                         Optimality Gap), a bar per variant for its
//	                         confidence interval and a tick at the point
//	                         estimate, as rliable's plot_interval_estimates
//	SampleEfficiency         IQM against environment steps with CI bands
//	PerformanceProfiles      fraction of runs with score > τ against τ
//	ProbabilityOfImprovement P(X > Y) intervals per pair, dashed line at 0.5
//	Lines                    any curves with optional bands, log Y axis and
//	                         a reference line (one-step MSE against steps,
//	                         E_k against k, variance against steps)
//	Scatter                  points with optional binned means (variance
//	                         against error)
//	Histograms               small multiples, one panel per state dimension,
//	                         overlaying sets such as early, mid and late
//	                         training (BinSamples turns recorded bin
//	                         fractions into samples for it)
//
// Legends sit to the right of the data area so they never cover data. A
// single-panel figure is 4 × 3 inches unless Options say otherwise. A log
// axis whose values are not all > 0 is drawn linear, and a log axis whose
// values are all equal spans a factor 2 either side, so valid small inputs
// (a zero error, one evaluation) always draw. Bad input (mismatched
// lengths, an unknown extension) is an error with a "figure:" prefix;
// nothing panics on it. Render draws a figure into memory, for callers
// that write their outputs as a set.
//
// Example, with stats:
//
//	iv := stats.SampleEfficiency(rnd, scores, stats.MetricIQM(), stats.BootstrapOptions{})
//	err := figure.SampleEfficiency("iqm.png",
//		[]figure.Series{figure.SeriesFromIntervals("MBPO", steps, iv)},
//		figure.LineOptions{})
package figure
