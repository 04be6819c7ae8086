// Package estimate turns runs into interval estimates: it is the step of
// the pipeline between the run values of lib/analysis and the tables and
// figures of lib/present. It takes a loaded analysis.Set (or the score
// matrices analysis.VariantScores makes of it), hands the numbers to
// lib/stats, which owns every bootstrap and percentile, and returns plain
// result types (Estimate, Curve, Comparison, StepsTo) holding
// stats.Interval values. It makes no tables or figures and reads no files.
//
// # What it estimates
//
// Each function follows RLiable (Agarwal et al., "Deep Reinforcement
// Learning at the Edge of the Statistical Precipice", NeurIPS 2021) as
// lib/stats implements it; scores are [run][task] matrices, every task
// with the same number of runs:
//
//	IntervalEstimates   aggregate metrics (IQM, mean, median, optimality
//	                    gap) of each variant's scores with stratified
//	                    bootstrap intervals (RLiable's get_interval_estimates)
//	FinalIQM            the IQM of a variant's final eval_return (the mean
//	                    of each run's last n evaluations), raw, with its interval
//	ProbabilityOfImprovement
//	                    P(X > Y) for pairs of variants (AllPairs gives every
//	                    pair), X and Y resampled independently
//	Profiles            performance profiles: the fraction of runs scoring
//	                    above each tau (Taus spaces them), with bands
//	Curves              sample-efficiency curves: an aggregate (IQM unless
//	                    CurveOptions.Agg says otherwise) at each step of an
//	                    analysis.Grid, each step resampled independently
//	IndexCurves         the same against a metric's index (k of model_ek)
//	                    at one checkpoint
//	StepsToThreshold    the real steps each variant needs to reach an
//	                    eval_return threshold; runs that never reach it
//	                    count as the budget, the largest step of any run
//	StepsDifference     the difference in those steps between two variants
//	IQMInterval, MeanInterval
//	                    the IQM or mean of one value per run (from
//	                    analysis.RunValues, PerRun and the like), resampling runs
//
// Intervals are percentile bootstrap intervals: Bootstrap.Reps resamples
// (0 means stats.DefaultReps, RLiable's 50,000) at Bootstrap.Confidence
// (0 means stats.DefaultConfidence, 95%). Bootstrap.Describe and Level
// say so in the words a table note uses.
//
// # Randomness
//
// Every random draw comes from a Bootstrap's Seed and a label naming the
// estimate: Bootstrap.Rand seeds a PCG generator from the seed and the
// label's FNV-1a hash, and each estimate draws only from its own. The
// labels are "estimates/V", "final/V", "poi/X/Y", "profile/V",
// "curve/METRIC/V", "index/METRIC/V/AT", "steps/V" and "steps-diff/A/B"
// for the variants and metrics estimated, the caller's label for
// IQMInterval and "mean/" and it for MeanInterval. So the same inputs and
// seed give the same intervals, bit for bit, whatever else is estimated in
// the same report, and adding a variant does not move another's.
//
// Errors name the variant, run or metric that was missing; the package
// never exits.
package estimate
