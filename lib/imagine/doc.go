// Package imagine rolls a policy through a learned dynamics model
// (lib/dynamics): Dyna's imagined experience. Imagine starts Batches
// rollouts from states drawn from a buffer of real transitions, acts with
// the policy, and advances each rollout by one member's prediction (a
// random member per step, one member per rollout, or the members' mean),
// ending it by a dynamics.TermMode or at the horizon. Every step records
// the ensemble's spread (var_delta, var_reward); an optional gate cuts a
// rollout where the spread is too large. cmd/imagine is its command:
// flags and files only.
package imagine
