// Package dynastudy composes the Dyna-PPO study's report: how
// many real steps each Dyna-PPO variant needs to reach a return threshold
// against tuned PPO, the probability that it gets there sooner, its
// sample-efficiency curve and the model rows it spends per real step.
// Every number comes from the runs through lib/analysis, lib/estimate and
// lib/stats.
package dynastudy
