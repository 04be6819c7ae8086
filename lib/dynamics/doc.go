// Package dynamics holds learned models of an environment: ensembles of
// MLPs from (observation, action) to (state change, reward, termination
// logit). It is the model step of the pipeline: cmd/fitmodel fits and saves
// an Ensemble, cmd/imagine and the CEM planner load it and predict.
//
// # Model
//
// The input is the observation followed by the action, one-hot for a
// discrete space (Config.NumActions wide) and raw for a continuous one.
// The output is Δs = s' - s, the reward and a termination logit; a
// probabilistic model (Config.Probabilistic) adds a log-variance for each
// of Δs and r, softly bounded as in PETS by per-member learned bounds
// (max_logvar, min_logvar; initialised to MaxLogVar and MinLogVar and
// trained with the PETS penalty 0.01·(Σ max − Σ min)), and is trained by
// Gaussian NLL; a deterministic one by MSE (the course's model).
// The termination head is trained by binary cross-entropy on the
// terminated flag (truncation is not termination) with weight TermWeight;
// 0 leaves it untrained (the course). TermPosWeight weights the terminal
// rows within it (class weighting: an episode has one terminal row).
//
// Inputs and targets are standardised with Norm, the buffer's mean and
// standard deviation (a constant column gets std 1, except a constant
// reward with Config.ExactConstReward, which gets std 0 and is predicted
// as its constant) when Config.Normalize
// is set, and the identity otherwise. SetNorm computes it for a new model;
// a warm-started model keeps the statistics it was trained with, so its
// weights keep their meaning (the statistics of a 10,000-row buffer move
// slowly anyway). All losses, var_delta and var_reward are on normalised
// targets; predictions are returned in raw units.
//
// # Symmetry
//
// Dataset.Mirror appends the reflection of every row under an
// environment's symmetry (env.Symmetry: CartPole's x -> -x and so on),
// twice the data for free where the environment is known to be symmetric.
// Its main use is the termination head: a short run sees the cart leave
// the track on one side only, and a head fitted on that extrapolates
// "never" to the other (TestMirrorLearnsBothSides: 0.000 without the
// reflection, 0.82 with). Fit keeps a row and its reflection on the same
// side of the holdout split.
//
// # Ensembles and training
//
// Members differ by initialisation (PyTorch's nn.Linear scheme, drawn in
// turn from one source) and optionally by bootstrap resampling. Fit trains
// each member with its own Adam (lib/nn) and global gradient-norm clip,
// for full epochs with an optional shared holdout split and early stopping
// (restoring the best epoch), or for a number of single-minibatch updates.
// Members train in parallel from per-member random streams, so results
// depend only on the seed.
//
// # Files
//
// Weights and FromWeights (Save, Load) store every member's parameters and
// Adam moments and step count (nn.Export under "m<k>."; a probabilistic
// member's bounds are m<k>.max_logvar and m<k>.min_logvar), the normalisation
// ("norm.*" tensors) and the Config in metadata ("model_*" keys, floats in
// shortest round-trip form): fitting, saving, loading and fitting again is
// bit-identical to fitting twice in one process.
//
// # Prediction
//
// Predict, PredictVar and PredictAll take n rows at once (matrix products
// through lib/nn's tapes) and allocate nothing after the first call at a
// given size; an Ensemble must not be used for prediction from several
// goroutines at once. Spread reduces PredictAll's outputs to the mean and
// the variance across members.
//
// TerminalFor gives the Gymnasium termination rule of each environment as
// a predicate on observations, for imagined next states.
package dynamics
