package metric

import "strconv"

// collect --eval: evaluation episodes of the current policy or planner.
const (
	EvalReturn               = "eval_return"                   // mean undiscounted return of the evaluation episodes
	EvalLength               = "eval_length"                   // mean length of the evaluation episodes
	EvalReturnEpisode        = "eval_return_episode"           // index i: return of evaluation episode i
	EvalLengthEpisode        = "eval_length_episode"           // index i: length of evaluation episode i
	EvalPlanModelRowsPerStep = "eval_plan_model_rows_per_step" // planner evaluations: model rows evaluated per real step
)

// collect --planner: the planning cost of a collection.
const (
	PlanModelRowsPerStep = "plan_model_rows_per_step" // model rows evaluated per real step (0 for random actions)
	PlanSteps            = "plan_steps"               // real steps chosen by the planner
)

// ppo: one update's statistics (an undefined value has no row).
const (
	PPORows           = "ppo_rows"           // transitions the update learned from
	PolicyLoss        = "policy_loss"        // clipped surrogate loss
	ValueLoss         = "value_loss"         // value-function loss
	Entropy           = "entropy"            // mean policy entropy
	ApproxKL          = "approx_kl"          // approximate KL divergence from the collecting policy
	ClipFraction      = "clip_fraction"      // fraction of ratios outside the clip range
	ExplainedVariance = "explained_variance" // explained variance of the value targets
	MVEModelSteps     = "mve_model_steps"    // ppo --mve-model: model steps taken for value targets
)

// fitmodel: one fit of the dynamics ensemble; index k is the member.
const (
	ModelBufferSize        = "model_buffer_size"         // rows of the replay buffer fitted
	ModelEpochs            = "model_epochs"              // index k: epochs run
	ModelUpdates           = "model_updates"             // index k: minibatch steps taken
	ModelTrainLossDelta    = "model_train_loss_delta"    // index k: state-change loss on the training rows
	ModelTrainLossReward   = "model_train_loss_reward"   // index k: reward loss on the training rows
	ModelTrainLossTerm     = "model_train_loss_term"     // index k: termination loss on the training rows
	ModelTrainMSEDelta     = "model_train_mse_delta"     // index k: state-change MSE on the training rows (normalised)
	ModelTrainMSEReward    = "model_train_mse_reward"    // index k: reward MSE on the training rows (normalised)
	ModelHoldoutLossDelta  = "model_holdout_loss_delta"  // index k: state-change loss on the held-out rows
	ModelHoldoutLossReward = "model_holdout_loss_reward" // index k: reward loss on the held-out rows
	ModelHoldoutLossTerm   = "model_holdout_loss_term"   // index k: termination loss on the held-out rows
	ModelHoldoutMSEDelta   = "model_holdout_mse_delta"   // index k: state-change MSE on the held-out rows (normalised)
	ModelHoldoutMSEReward  = "model_holdout_mse_reward"  // index k: reward MSE on the held-out rows (normalised)
)

// imagine: one round of model rollouts (the imagined transitions file's
// metadata repeats the three counts under the same names).
const (
	ImaginedSteps          = "imagined_steps"           // imagined steps written (kept by the gate)
	ImaginedSimulatedSteps = "imagined_simulated_steps" // model steps taken, gated ones included
	ImaginedRollouts       = "imagined_rollouts"        // rollout batches
	ImaginedKeptFraction   = "imagined_kept_fraction"   // imagined_steps / imagined_simulated_steps
	ImaginedVarDelta       = "imagined_var_delta"       // mean var_delta over the kept steps
	ImaginedPenalty        = "imagined_penalty"         // imagine --reward-penalty: mean penalty taken off the kept rewards
)

// evalmodel: the dynamics model on held-out real transitions (lib/modeleval
// documents each formula).
const (
	ModelMSEDelta          = "model_mse_delta"            // one-step MSE of the state change
	ModelMSEDeltaDim       = "model_mse_delta_dim"        // index j: one-step MSE of state dimension j's change
	ModelMAEDelta          = "model_mae_delta"            // one-step mean absolute error of the state change
	ModelMAEDeltaDim       = "model_mae_delta_dim"        // index j: one-step MAE of state dimension j's change
	ModelMSEReward         = "model_mse_reward"           // one-step MSE of the reward
	ModelMAEReward         = "model_mae_reward"           // one-step MAE of the reward
	ModelMSENextObs        = "model_mse_next_obs"         // one-step MSE of the next observation
	ModelEk                = "model_ek"                   // index k: open-loop MSE of the k-step predicted state
	ModelEkNorm            = "model_ek_norm"              // index k: model_ek with each dimension divided by its variance
	ModelEkCount           = "model_ek_count"             // index k: open-loop windows of length k
	ModelVarMean           = "model_var_mean"             // mean ensemble variance of the state change (normalised)
	ModelVarErrMean        = "model_var_err_mean"         // mean squared error of the ensemble mean (normalised)
	ModelVarErrCorr        = "model_var_err_corr"         // Pearson correlation of ensemble variance and error
	ModelVarErrSpearman    = "model_var_err_spearman"     // Spearman correlation of ensemble variance and error
	ModelVarMeanRaw        = "model_var_mean_raw"         // model_var_mean in raw units
	ModelVarErrMeanRaw     = "model_var_err_mean_raw"     // model_var_err_mean in raw units
	ModelVarErrCorrRaw     = "model_var_err_corr_raw"     // model_var_err_corr in raw units
	ModelVarErrSpearmanRaw = "model_var_err_spearman_raw" // model_var_err_spearman in raw units
	ModelVarBinVar         = "model_var_bin_var"          // index b: mean ensemble variance in variance-quantile bin b
	ModelVarBinErr         = "model_var_bin_err"          // index b: mean squared error in variance-quantile bin b
	ModelVarBinCount       = "model_var_bin_count"        // index b: rows in variance-quantile bin b
	ModelMSEOld            = "model_mse_old"              // model_mse_delta on transitions of an earlier policy
	ModelMSENew            = "model_mse_new"              // model_mse_delta on transitions of the current policy
)

// HistPrefix is the start of the names of the state-visit histograms of
// the set labelled label: Hist(label, j) is HistPrefix(label) followed by j.
func HistPrefix(label string) string { return "hist_" + label + "_d" }

// Hist names evalmodel's state-visit histogram of the set labelled label
// in state dimension dim (hist_LABEL_dJ; index b: fraction of the states
// in bin b).
func Hist(label string, dim int) string { return HistPrefix(label) + strconv.Itoa(dim) }

// HistTV names the mean over dimensions of the total-variation distances
// between the histograms of sets a and b (hist_tv_A_B).
func HistTV(a, b string) string { return "hist_tv_" + a + "_" + b }

// HistTVDim names the total-variation distances between the histograms of
// sets a and b, one row per dimension (hist_tv_A_B_dim; index j).
func HistTVDim(a, b string) string { return HistTV(a, b) + "_dim" }

// HistEdgesKey is the metadata key of evalmodel's metrics file that holds
// the histogram bin edges of state dimension dim (hist_edges_dJ: bins+1
// comma-separated numbers).
func HistEdgesKey(dim int) string { return "hist_edges_d" + strconv.Itoa(dim) }
