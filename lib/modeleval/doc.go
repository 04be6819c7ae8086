// Package modeleval measures how well a learned dynamics model
// (dynamics.Ensemble) predicts real transitions: the model-evaluation step
// of the pipeline, run by evalmodel at every checkpoint. Its functions are
// pure: they read a model and format.Transitions and return metric rows
// (format.MetricRow with Metric, Index and Value set; Run, Variant, Seed
// and RealSteps are left for the caller).
//
// The transitions should be held out: collected by the current policy on a
// separately seeded environment, never the model's training buffer.
// Imagined rows are rejected, and so are data whose layout (obs_dim,
// action type, act_dim) or discrete actions do not fit the model.
//
// # Predictions
//
// A prediction is the ensemble mean: the mean over the M members of each
// member's Predict (for a probabilistic member, the mean of its Gaussian).
// Errors are in raw units, i.e. of NextObs - Obs and of Reward.
//
// # Metrics
//
// One-step (OneStep), over all rows i and state dimensions j, with
// e_ij = predicted minus real state change:
//
//	model_mse_delta        mean of e_ij²
//	model_mse_delta_dim    index j: mean over rows of e_ij²
//	model_mae_delta        mean of |e_ij|
//	model_mae_delta_dim    index j: mean over rows of |e_ij|
//	model_mse_reward       mean of (predicted - real reward)²
//	model_mae_reward       mean of |predicted - real reward|
//	model_mse_next_obs     mean of (obs + predicted change - next_obs)²; equal
//	                       to model_mse_delta up to rounding
//
// Open loop (OpenLoop), index k = 1..K. From a start row i the model
// predicts the state after row i, feeds that prediction back with the
// real action of row i+1, and so on; after k predictions the predicted
// state is compared with next_obs of row i+k-1. The rows i..i+k-1 form a
// window when each row continues the previous one: the same episode, the
// next step, obs equal to the previous next_obs, and the previous row
// neither terminated nor truncated. (The last row of a window may be
// terminal: its next_obs is real.) So windows never cross episodes or
// terminations, and k = 1 counts every row, making model_ek[1] equal to
// model_mse_next_obs when every start is used.
//
//	model_ek          index k: mean over windows and dimensions of the
//	                  squared error of the k-step predicted state
//	model_ek_norm     index k: the same with dimension j's squared error
//	                  divided by the variance of dimension j over the
//	                  held-out states (the obs column; a variance below
//	                  1e-12 counts as 1), so dimensions of different
//	                  scales weigh alike: 1 is as bad as predicting the
//	                  held-out mean state
//	model_ek_count    index k: number of windows of length k (the support
//	                  of model_ek[k]); k with no window has no rows
//
// Predictions of all live windows are made in one batch per k, so the cost
// is K forward passes per member over at most the number of starts.
//
// Ensemble spread (OneStep, only when M > 1). Per row, v is the variance
// across members (divisor M) of the predicted state change and s the
// squared error of the ensemble mean, both averaged over dimensions. The
// primary scale is the model's normalised one (each dimension divided by
// the model's state-change standard deviation Norm.DeltaStd, squared), the
// scale of the var_delta column of imagined transitions; the same
// metrics in raw units end in _raw. For a model without normalisation the
// two agree.
//
//	model_var_mean                 mean of v
//	model_var_err_mean             mean of s
//	model_var_err_corr             Pearson correlation of v and s
//	model_var_err_spearman         Spearman rank correlation of v and s
//	model_var_mean_raw, model_var_err_mean_raw, model_var_err_corr_raw,
//	model_var_err_spearman_raw     the same in raw units
//	model_var_bin_var              index b: mean v in quantile bin b
//	model_var_bin_err              index b: mean s in quantile bin b
//	model_var_bin_count            index b: rows in bin b
//
// Quantile bins sort rows by v (normalised) and split them into
// min(bins, rows) groups of equal size (±1); a calibrated spread gives
// bin_err rising with bin_var.
//
// Old versus new states (OldNew): model_mse_old and model_mse_new are
// model_mse_delta on transitions of an earlier and of the current policy.
//
// State-visit histograms (Histograms): per labelled set and dimension j,
// hist_<label>_d<j> with index b is the fraction of the set's states (obs
// column) in bin b of bins even bins of a fixed range; values outside the
// range count in the edge bins. For each pair of sets a, b (in the order
// given) hist_tv_<a>_<b>_dim with index j is the total-variation distance
// 1/2 Σ|p - q| between their dimension-j histograms, and hist_tv_<a>_<b>
// (no index) its mean over dimensions. The ranges must be the same for
// every run and stage so histograms compare: EnvRanges takes the
// observation space's bounds where finite and otherwise these fixed
// ranges:
//
//	CartPole-v1   dim 1 (cart velocity)   [-3, 3]
//	              dim 3 (pole velocity)   [-3.5, 3.5]
//
// (the other dimensions and environments have finite bounds:
// CartPole [-4.8, 4.8] and [-0.419, 0.419], Acrobot ±1 and ±4π, ±9π,
// MountainCar [-1.2, 0.6] × [-0.07, 0.07], Pendulum ±1, ±1, ±8).
//
// A metric whose value is not finite (a correlation of a constant spread,
// an open-loop error that overflowed) is left out, since metrics files hold
// finite values only.
//
// # Errors
//
// Data that do not fit the model, empty sets and bad histogram labels are
// errors that describe the data; the caller adds which file. Bad counts
// (bins or K below 1) are caller bugs and panic with a "modeleval:"
// prefix.
package modeleval
