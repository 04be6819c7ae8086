package ppo

import "github.com/dynago/dynago/lib/format"

// Continues reports, for each row of t, whether the next row continues the
// same episode: row i+1 has the same episode id and step+1, and row i is
// neither terminated nor truncated. Where Continues is false and the row is
// not terminated, the return must be bootstrapped from V(next_obs): the
// episode was truncated by the time limit, or the rollout stops there (the
// end of a file, or a break in (episode, step) such as the seam between two
// rollouts or between imagined rollouts). dst must have one entry per row.
func Continues(dst []bool, t *format.Transitions) {
	n := len(t.Episode)
	if len(dst) != n {
		panic("ppo: Continues: len(dst) != rows")
	}
	for i := range n {
		dst[i] = i+1 < n && !t.Terminated[i] && !t.Truncated[i] &&
			t.Episode[i+1] == t.Episode[i] && t.Step[i+1] == t.Step[i]+1
	}
}

// GAE writes generalised advantage estimates (Schulman et al. 2016) into
// adv and the λ-returns adv+value into ret, scanning backwards:
//
//	δ_i = r_i + γ·next_i − V_i
//	A_i = δ_i + γλ·A_{i+1}   if cont[i], else δ_i
//
// next_i is the value of the state after row i: V(obs_{i+1}) = value[i+1]
// when cont[i], otherwise nextValue[i], which the caller sets to 0 for a
// terminated row and to V(next_obs_i) for a truncated row or a rollout end.
// nextValue is only read where cont is false. adv and ret may not alias
// the inputs.
func GAE(adv, ret, reward, value, nextValue []float64, cont []bool, gamma, lambda float64) {
	n := len(reward)
	if len(adv) != n || len(ret) != n || len(value) != n || len(nextValue) != n || len(cont) != n {
		panic("ppo: GAE: slice lengths differ")
	}
	last := 0.0
	for i := n - 1; i >= 0; i-- {
		next := nextValue[i]
		if cont[i] {
			next = value[i+1]
		} else {
			last = 0
		}
		delta := reward[i] + float64(gamma*next) - value[i]
		last = delta + float64(gamma*lambda*last)
		adv[i] = last
		ret[i] = last + value[i]
	}
}
