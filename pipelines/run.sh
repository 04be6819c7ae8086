#!/usr/bin/env bash
# One training run: PPO, Dyna-PPO or ensemble MPC, as a loop of tools.
# Called by `make run` with the run's variables in the environment (see
# pipelines/run.mk and pipelines/README.md). Each iteration lives in
# OUT/iters/NNNNN/ and is finished when it holds `done`; an interrupted
# run deletes the unfinished iteration and continues, so its files are
# the same bytes as an uninterrupted run's.
set -euo pipefail

# The whole script is one function, called on the last line together with
# exit: bash parses all of it before running it, so editing this file cannot
# break runs that are already going (edit by writing a new file and
# renaming it over this one).
main() {

die() { echo "run: $*" >&2; exit 1; }
: "${BIN:?}" "${OUT:?}" "${ALGO:?}" "${ENV:?}" "${SEED:?}" "${STEPS:?}"
EVAL_EVERY=${EVAL_EVERY:-1000}
EVAL_EPISODES=${EVAL_EPISODES:-10}
ROLLOUT=${ROLLOUT:-0}
MODEL=${MODEL:-off}
[ "$ALGO" = ppo ] && MODEL=off
VARIANT=${VARIANT:-$ALGO-${PRESET:-course}}
case "$ALGO" in ppo|dyna|mpc) ;; *) die "ALGO=$ALGO: must be ppo, dyna or mpc";; esac
[[ "$STEPS" =~ ^[0-9]+$ ]] && [ "$STEPS" -gt 0 ] || die "STEPS=$STEPS: must be a positive integer"
[[ "$SEED" =~ ^[0-9]+$ ]] || die "SEED=$SEED: must be a non-negative integer"
[[ "$EVAL_EVERY" =~ ^[0-9]+$ ]] && [ "$EVAL_EVERY" -gt 0 ] || die "EVAL_EVERY=$EVAL_EVERY: must be a positive integer"

mkdir -p "$OUT/iters"

# The run's settings: a finished or partial run with other settings is an error, not a silent mix.
# Unset variables are left out of the comparison, so that a variable added
# to RUN_VARS later does not disown the runs made before it existed.
settings=$(for v in $RUN_VARS_LIST; do printf '%s = %s\n' "$v" "${!v:-}"; done | grep -v '^OUT = ')
if [ -f "$OUT/settings.mk" ]; then
	[ "$(grep -v ' = $' <<< "$settings")" = "$(grep -v ' = $' "$OUT/settings.mk")" ] ||
		die "$OUT holds a run with other settings (see $OUT/settings.mk); choose another OUT or delete it"
else
	printf '%s\n' "$settings" > "$OUT/settings.mk.tmp" && mv "$OUT/settings.mk.tmp" "$OUT/settings.mk"
fi
[ -f "$OUT/done" ] && [ -f "$OUT/metrics.arrow" ] && exit 0

# opt VAR --flag: the flag and value when VAR is set.
opt() { local v=${!1:-}; [ -n "$v" ] && printf '%s\n%s\n' "$2" "$v"; return 0; }
ppo_flags() {
	opt PRESET --preset; opt LR_ACTOR --lr-actor; opt LR_CRITIC --lr-critic; opt EPOCHS --epochs
	opt MINIBATCH --minibatch; opt GAMMA --gamma; opt LAMBDA --lambda; opt CLIP --clip
	opt ENT_COEF --ent-coef; opt VF_COEF --vf-coef; opt MAX_GRAD_NORM --max-grad-norm
	opt VALUE_CLIP --value-clip; opt TARGET_KL --target-kl
	case "${ANNEAL:-}" in 1|true) echo --anneal=true;; 0|false) echo --anneal=false;; esac
	printf '%s\n%s\n' --total-steps "$STEPS"
}
model_flags() {
	opt MODEL_PRESET --preset; opt MODEL_UPDATES --updates; opt MODEL_EPOCHS --epochs
	opt MODEL_LR --lr; opt BUFFER_SIZE --buffer-size; opt ENSEMBLE --ensemble
	[ "${MODEL_MIRROR:-0}" = 1 ] && echo --mirror; return 0
}
imagine_flags() {
	opt HORIZON --horizon; opt IMAG_BATCHES --batches; opt PROPAGATION --propagation
	opt TERMINATION --termination; opt GATE_VARIANCE --gate-variance; opt NOISE_SIGMA --noise-sigma
	[ "${HORIZON_TERMINAL:-0}" = 1 ] && echo --horizon-terminal; return 0
}
mapfile -t PPO_FLAGS < <(ppo_flags)
mapfile -t MODEL_FLAGS < <(model_flags)
mapfile -t IMAG_FLAGS < <(imagine_flags)
EVAL_FLAGS=(); [ "${EVAL_GREEDY:-0}" = 1 ] && EVAL_FLAGS=(--greedy)
init_flags=(); [ -n "${HIDDEN:-}" ] && init_flags+=(--hidden "$HIDDEN"); [ -n "${ACTIVATION:-}" ] && init_flags+=(--activation "$ACTIVATION")

# tool NAME ARGS...: runs a tool. With BATCH=1 (the default) the command is
# queued and `flush` runs the queue in the run's one bin/batch --serve
# process (same arguments, same files, same bytes), a coprocess started at
# the first flush that answers each command line with the command's exit
# code: one process for the whole run instead of several per iteration
# saves their starts and the page faults of their fresh memory. BATCH=0
# starts every tool as its own process.
PENDING=()
tool() {
	if [ "${BATCH:-1}" = 1 ]; then
		local line
		printf -v line '%q ' "$@"
		PENDING+=("$line")
	else
		"$BIN/$1" "${@:2}"
	fi
}
flush() {
	[ ${#PENDING[@]} -eq 0 ] && return 0
	if [ -z "${SERVER_PID:-}" ]; then
		coproc SERVER { exec "$BIN/batch" --serve; }
	fi
	local line code
	for line in "${PENDING[@]}"; do
		printf '%s\n' "$line" >&"${SERVER[1]}"
		read -r code <&"${SERVER[0]}" || die "bin/batch --serve ended early"
		[ "$code" = 0 ] || exit "$code" # the tool printed its error
	done
	PENDING=()
}

# queue_collect N FROM: makes iteration N's directory and queues its
# collect, which continues the environment from iteration N-1's state with
# its policy, unless FROM real steps already use up the budget. Iteration
# N-1's batch runs it last, so each iteration is one process: its real
# steps are known (from the state file) before its updates are queued.
# When N-1 is finished, N's real transitions and state are complete; an
# unfinished N-1 is redone, and N's directory with it.
queue_collect() {
	local n=$1 from=$2 p dn left what
	[ "$from" -ge "$STEPS" ] && return 0
	iterdir p $((n - 1))
	iterdir dn "$n"
	[ -e "$dn" ] && rm -rf "$dn"
	mkdir "$dn"
	[ -f "$p/state.json" ] && copy "$p/state.json" "$dn/state.json"
	left=$((STEPS - from))
	if [ "$ROLLOUT" -gt 0 ]; then
		what=(--steps $((ROLLOUT < left ? ROLLOUT : left)))
	else
		what=(--episodes 1 --max-steps "$left")
	fi
	tool collect --env "$ENV" --policy "$p/policy.arrow" --state "$dn/state.json" "${what[@]}" \
		--seed $((SEED * 1000003 + n * 16)) --out "$dn/real.arrow"
}

# iterdir VAR N: sets VAR to iteration N's directory (no subshell: runs are ~200 iterations).
iterdir() { printf -v "$1" '%s/iters/%05d' "$OUT" "$2"; }
# steps_of VAR DIR: sets VAR to the real steps recorded in DIR/state.json (0
# without one). Bash builtins only: a run has hundreds of iterations, and
# every process it starts counts.
steps_of() {
	local c=
	[ -f "$2/state.json" ] && { IFS= read -r -d '' c < "$2/state.json" || true; }
	if [[ $c =~ \"real_steps\":\ *([0-9]+) ]]; then printf -v "$1" '%s' "${BASH_REMATCH[1]}"; else printf -v "$1" 0; fi
}
# copy SRC DST: a small text file, without starting cp.
copy() { local c=; IFS= read -r -d '' c < "$1" || true; printf '%s' "$c" > "$2"; }

# eval_at DIR POLICY B: evaluation returns at B real steps and, for runs with
# a model (EVAL_MODEL=1), the model's errors on held-out transitions that
# the current policy collects on a separately seeded environment.
eval_at() {
	local d=$1 policy=$2 b=$3 es=$((1000000007 + SEED * 100003 + $3))
	tool collect --eval --env "$ENV" --policy "$policy" --episodes "$EVAL_EPISODES" "${EVAL_FLAGS[@]}" \
		--seed "$es" --real-steps "$b" --metrics "$d/eval-$b.metrics.arrow"
	# Iterations with a model write DIR/model.arrow (perhaps still queued).
	[ "${EVAL_MODEL:-0}" = 1 ] && [ "$MODEL" = on ] && [ "$b" -gt 0 ] || return 0
	tool collect --env "$ENV" --policy "$policy" --steps "${HELDOUT_STEPS:-500}" --seed "$((es + 1))" --out "$d/heldout-$b.arrow"
	# Old states: the held-out set of the first checkpoint (this one if it is the first).
	local hs=("$OUT"/iters/*/heldout-*.arrow) old=$d/heldout-$b.arrow
	[ -e "${hs[0]}" ] && old=${hs[0]}
	tool evalmodel --model "$d/model.arrow" --data "$d/heldout-$b.arrow" --old "$old" --new "$d/heldout-$b.arrow" \
		--hist "visits=$d/heldout-$b.arrow" --real-steps "$b" --seed "$es" --metrics "$d/evalmodel-$b.metrics.arrow"
}

# evaluate DIR POLICY FROM TO: one evaluation per EVAL_EVERY boundary in
# (FROM, TO], and at the budget's end when it is not on the grid.
evaluate() {
	local d=$1 policy=$2 from=$3 to=$4 b
	for ((b = (from / EVAL_EVERY + 1) * EVAL_EVERY; b <= to; b += EVAL_EVERY)); do
		eval_at "$d" "$policy" "$b"
	done
	if [ "$to" -ge "$STEPS" ] && [ $((STEPS % EVAL_EVERY)) -ne 0 ] && [ "$from" -lt "$STEPS" ]; then
		eval_at "$d" "$policy" "$STEPS"
	fi
}

# ALGO=mpc replaces the iteration body and the evaluation with the
# functions of pipelines/mpc.sh (mpc_init DIR, mpc_iteration PREV DIR SEED
# LEFT, mpc_eval_at DIR B).
if [ "$ALGO" = mpc ]; then
	source "$(dirname "$0")/mpc.sh"
	eval_at() { mpc_eval_at "$1" "$3"; }
fi

# Iteration 0: a fresh policy, evaluated at 0 real steps.
iterdir d 0
if [ ! -f "$d/done" ] && [ "$ALGO" = mpc ]; then
	rm -rf "$d"; mkdir -p "$d"
	mpc_init "$d"
	: > "$d/done"
elif [ ! -f "$d/done" ]; then
	rm -rf "$d"; mkdir -p "$d"
	tool ppo --init --env "$ENV" --preset "${PRESET:-course}" "${init_flags[@]}" --seed "$SEED" --out "$d/policy.arrow"
	eval_at "$d" "$d/policy.arrow" 0
	queue_collect 1 0
	flush
	: > "$d/done"
fi

i=1
while :; do
	iterdir prev $((i - 1))
	iterdir d "$i"
	steps_of from "$prev"
	[ "$from" -ge "$STEPS" ] && break
	if [ ! -f "$d/done" ]; then
		s=$((SEED * 1000003 + i * 16))
		if [ "$ALGO" = mpc ]; then
			[ -e "$d" ] && rm -rf "$d"
			mkdir "$d"
			[ -f "$prev/state.json" ] && copy "$prev/state.json" "$d/state.json"
			mpc_iteration "$prev" "$d" "$s" $((STEPS - from))
			steps_of to "$d"
			evaluate "$d" "" "$from" "$to"
			: > "$d/done"
			i=$((i + 1))
			continue
		fi
		# This iteration's real transitions came with the previous one's batch.
		steps_of to "$d"
		policy_in=$prev/policy.arrow
		if [ "$MODEL" = on ]; then
			buf=(); [ -f "$prev/buffer.arrow" ] && buf=(--data "$prev/buffer.arrow")
			# A new model takes the architecture variables; a warm-started one keeps its own.
			warm=(); [ -f "$prev/model.arrow" ] && warm=(--warm-start "$prev/model.arrow")
			if [ ${#warm[@]} -eq 0 ]; then
				[ -n "${MODEL_HIDDEN:-}" ] && warm+=(--hidden "$MODEL_HIDDEN")
				[ -n "${MODEL_TERM_WEIGHT:-}" ] && warm+=(--term-weight "$MODEL_TERM_WEIGHT")
			fi
			if [ "${DYNA_ORDER:-course}" = course ]; then
				tool ppo --policy "$policy_in" --data "$d/real.arrow" --out "$d/policy-real.arrow" \
					--metrics "$d/ppo-real.metrics.arrow" --seed $((s + 1)) --real-steps "$to" "${PPO_FLAGS[@]}"
				policy_in=$d/policy-real.arrow
			fi
			tool fitmodel "${buf[@]}" --data "$d/real.arrow" --buffer-out "$d/buffer.arrow" "${warm[@]}" \
				--out "$d/model.arrow" --metrics "$d/fit.metrics.arrow" --seed $((s + 2)) --real-steps "$to" "${MODEL_FLAGS[@]}"
			tool imagine --model "$d/model.arrow" --policy "$policy_in" --data "$d/buffer.arrow" \
				--out "$d/imagined.arrow" --metrics "$d/imagine.metrics.arrow" --seed $((s + 3)) --real-steps "$to" "${IMAG_FLAGS[@]}"
			data=(--data "$d/imagined.arrow")
			[ "${DYNA_ORDER:-course}" = course ] || data=(--data "$d/real.arrow" --data "$d/imagined.arrow")
			tool ppo --policy "$policy_in" "${data[@]}" --out "$d/policy.arrow" \
				--metrics "$d/ppo.metrics.arrow" --seed $((s + 4)) --real-steps "$to" "${PPO_FLAGS[@]}"
		else
			tool ppo --policy "$policy_in" --data "$d/real.arrow" --out "$d/policy.arrow" \
				--metrics "$d/ppo.metrics.arrow" --seed $((s + 1)) --real-steps "$to" "${PPO_FLAGS[@]}"
		fi
		evaluate "$d" "$d/policy.arrow" "$from" "$to"
		queue_collect $((i + 1)) "$to"
		flush
		: > "$d/done"
	fi
	i=$((i + 1))
done

"$BIN/concat" --run "$(basename "$OUT")" --variant "$VARIANT" --seed "$SEED" --out "$OUT/metrics.arrow" \
	"$OUT"/iters/*/*.metrics.arrow
touch "$OUT/done"
}
main "$@"; exit
