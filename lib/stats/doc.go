// Package stats computes the aggregate metrics and interval estimates of
// RLiable (Agarwal et al., "Deep Reinforcement Learning at the Edge of the
// Statistical Precipice", NeurIPS 2021; github.com/google-research/rliable)
// for the evaluation step of the pipeline: it turns per-run scores into the
// numbers the figure package plots.
//
// # Scores
//
// An algorithm's scores are a [run][task] matrix (x[i][j] is run i's score
// on task j), as RLiable takes them; every run has every task. Scores over
// training are [run][task][point]; Column makes one value per run a
// one-task matrix. Normalize maps raw scores per task so that lo becomes 0
// and hi becomes 1. Functions never modify their inputs.
// Caller bugs (empty or ragged matrices, mismatched lengths, bad options)
// panic with a "stats:" prefix; numerical conditions are errors.
//
// # Point estimates
//
// With N = runs × tasks scores pooled:
//
//	IQM                 mean of the pooled scores after dropping floor(N/4) at
//	                    each end (scipy.stats.trim_mean(x, 0.25, axis=None))
//	Mean                mean over tasks of the per-task mean over runs
//	Median              median over tasks of the per-task mean over runs
//	OptimalityGap(t)    t - mean(min(x, t)) over all scores
//	ProbabilityOfImprovement(X, Y)
//	                    per task, (#(x > y) + #(x == y)/2) / (n_x n_y) over all
//	                    pairs of runs (Mann-Whitney U / n_x n_y), averaged
//	                    over tasks
//
// These agree with RLiable's metrics to within 1e-12 on the cases in
// testdata/rliable-reference.json (see TestRliableReference).
//
// # Interval estimates
//
// IntervalEstimates is RLiable's get_interval_estimates with the percentile
// method: a stratified bootstrap that redraws every cell (i, j) of the
// matrix from task j's runs, uniformly with replacement, so tasks are never
// mixed; the interval is the (1-c)/2 and (1+c)/2 percentiles (linear
// interpolation, as numpy) of the metric over the resamples, c = 95% by
// default, over DefaultReps = 50,000 resamples as in RLiable (MaxReps
// bounds them; BootstrapOptions.Resolved fills in the defaults). Resamples
// on which a statistic is NaN are left out of its percentiles, as numpy's
// nanpercentile does. RunsInterval and DifferenceInterval bootstrap any
// statistic of one value per run (a mean, an IQM, a fitted growth rate) and
// of the difference between two independent samples; every bootstrap in
// dynago goes through this package. ProbabilityOfImprovementInterval
// resamples X and Y independently (RLiable's
// StratifiedIndependentBootstrap). PerformanceProfile gives the fraction of
// runs scoring above each tau (averaged over tasks) with bootstrap bands,
// and SampleEfficiency a metric (IQM in RLiable) at each evaluation point,
// each point resampled independently.
//
// # Steps to threshold
//
// StepsToThreshold finds the first evaluation at which a run's curve reaches
// a threshold (optionally interpolated between evaluations), +Inf if never.
// StepsToThresholdEstimate reports the fraction of runs that reached it and
// the IQM (or median) of steps over runs with a bootstrap interval, counting
// never-reached runs as the training budget: they are censored, so the
// estimate is then a lower bound and the fraction reached must be reported
// with it. StepsToThresholdDifference compares two variants the same way.
//
// # Correlation and fits
//
// Pearson and Spearman relate, for example, a
// dynamics model's ensemble variance to its error. TotalVariation is the
// distance between two histograms (how far the visited states move).
// GrowthRate fits y_k ≈ y_1 g^(k-1) by least squares on log y_k (how fast
// a model's k-step error grows).
//
// # Randomness
//
// Every stochastic function takes a *rand.Rand from math/rand/v2; the same
// seed and inputs give the same intervals. There is no global state.
package stats
