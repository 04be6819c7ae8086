# Ensemble model-predictive control for pipelines/run.sh (ALGO=mpc), sourced
# by it: collect MODEL_EVERY real steps with the CEM planner (bin/collect
# --planner cem) on the previous iteration's model, then fit the model on
# the replay buffer plus the new steps (bin/fitmodel), and evaluate the
# planner with the new model at every EVAL_EVERY boundary. The first
# iteration has no model and acts uniformly at random. Uses run.sh's opt,
# steps_of, BIN, ENV, SEED, EVAL_EPISODES and these variables (defaults in
# brackets; presets in pipelines/presets/mpc-*.mk):
#
#   MODEL_EVERY [250]       real steps per iteration (one model fit each)
#   CEM_SAMPLES, CEM_HORIZON, CEM_ITERS, CEM_ELITES, CEM_OBJECTIVE,
#   CEM_KAPPA, CEM_TERMINATION, CEM_TERM_THRESHOLD, CEM_TERM_PENALTY,
#   CEM_DENSITY_PENALTY, CEM_OFFSET_RATE, CEM_MIN_PROB
#                           collect's --cem-* flags
#   MODEL_PRESET, MODEL_EPOCHS, ENSEMBLE, BUFFER_SIZE, MODEL_LR,
#   MODEL_HOLDOUT, MODEL_PATIENCE, MODEL_NORMALIZE (1: --normalize)
#                           fitmodel's --preset, --epochs, --ensemble,
#                           --buffer-size, --lr, --holdout, --patience
#   MODEL_HIDDEN, MODEL_TERM_WEIGHT, MODEL_TERM_POS_WEIGHT
#                           fitmodel's --hidden, --term-weight, --term-pos-weight
#   MODEL_MIRROR (1: --mirror, the buffer plus its reflection under the
#                           environment's symmetry)
#   MODEL_EXACT_CONST_REWARD (1: --exact-const-reward)
#                           (a model fitted from scratch only)
#   MODEL_WARM [0]          1: continue the previous model (--warm-start);
#                           0: fit a new model each iteration
#
# Planning wall times go to stderr; the metrics hold only deterministic
# counts (plan_model_rows_per_step, eval_plan_model_rows_per_step).

cem_flags() {
	opt CEM_SAMPLES --cem-samples; opt CEM_HORIZON --cem-horizon; opt CEM_ITERS --cem-iters
	opt CEM_ELITES --cem-elites; opt CEM_OBJECTIVE --cem-objective; opt CEM_KAPPA --cem-kappa
	opt CEM_TERMINATION --cem-termination; opt CEM_TERM_THRESHOLD --cem-term-threshold
	opt CEM_TERM_PENALTY --cem-term-penalty; opt CEM_DENSITY_PENALTY --cem-density-penalty
	opt CEM_OFFSET_RATE --cem-offset-rate
	opt CEM_MIN_PROB --cem-min-prob
}
mpc_model_flags() {
	opt MODEL_PRESET --preset; opt MODEL_EPOCHS --epochs; opt ENSEMBLE --ensemble
	opt BUFFER_SIZE --buffer-size; opt MODEL_LR --lr; opt MODEL_HOLDOUT --holdout; opt MODEL_PATIENCE --patience
	[ "${MODEL_NORMALIZE:-}" = 1 ] && echo --normalize
	[ "${MODEL_MIRROR:-0}" = 1 ] && echo --mirror; return 0
}
mapfile -t CEM_FLAGS < <(cem_flags)
mapfile -t MPC_MODEL_FLAGS < <(mpc_model_flags)

# mpc_init DIR: the random policy's evaluation at 0 real steps.
mpc_init() {
	mpc_eval_at "$1" 0
}

# mpc_iteration PREV DIR SEED LEFT: plan min(MODEL_EVERY, LEFT) real steps
# with PREV's model (random without one), continuing DIR/state.json, then
# fit DIR/model.arrow on PREV's buffer and the new steps.
mpc_iteration() {
	local prev=$1 d=$2 s=$3 left=$4 from n to
	steps_of from "$prev"
	n=${MODEL_EVERY:-250}; [ "$left" -lt "$n" ] && n=$left
	to=$((from + n))
	local model=()
	[ -f "$prev/model.arrow" ] && model=(--model "$prev/model.arrow")
	"$BIN/collect" --env "$ENV" --planner cem "${model[@]}" "${CEM_FLAGS[@]}" --state "$d/state.json" \
		--steps "$n" --seed "$s" --out "$d/real.arrow" --metrics "$d/plan.metrics.arrow" --real-steps "$to"
	local buf=() fresh=()
	[ -f "$prev/buffer.arrow" ] && buf=(--data "$prev/buffer.arrow")
	if [ "${MODEL_WARM:-0}" = 1 ] && [ -f "$prev/model.arrow" ]; then
		fresh=(--warm-start "$prev/model.arrow")
	else
		[ -n "${MODEL_HIDDEN:-}" ] && fresh+=(--hidden "$MODEL_HIDDEN")
		[ -n "${MODEL_TERM_WEIGHT:-}" ] && fresh+=(--term-weight "$MODEL_TERM_WEIGHT")
		[ -n "${MODEL_TERM_POS_WEIGHT:-}" ] && fresh+=(--term-pos-weight "$MODEL_TERM_POS_WEIGHT")
		[ "${MODEL_EXACT_CONST_REWARD:-}" = 1 ] && fresh+=(--exact-const-reward)
	fi
	"$BIN/fitmodel" "${buf[@]}" --data "$d/real.arrow" --buffer-out "$d/buffer.arrow" "${fresh[@]}" \
		--out "$d/model.arrow" --metrics "$d/fit.metrics.arrow" --seed $((s + 2)) --real-steps "$to" "${MPC_MODEL_FLAGS[@]}"
}

# mpc_eval_at DIR B: the planner with DIR's model (random without one)
# evaluated on EVAL_EPISODES fresh episodes, seeded as run.sh's eval_at.
mpc_eval_at() {
	local d=$1 b=$2 es=$((1000000007 + SEED * 100003 + $2))
	local model=()
	[ -f "$d/model.arrow" ] && model=(--model "$d/model.arrow")
	"$BIN/collect" --eval --env "$ENV" --planner cem "${model[@]}" "${CEM_FLAGS[@]}" --episodes "$EVAL_EPISODES" \
		--seed "$es" --real-steps "$b" --metrics "$d/eval-$b.metrics.arrow"
}
