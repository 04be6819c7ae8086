package ppo

import "github.com/dynago/dynago/lib/detmath"

// Surrogate returns PPO's clipped surrogate loss for one sample,
//
//	max(−A·r, −A·clip(r, 1−ε, 1+ε)),  r = exp(logp − oldLogp),
//
// and its derivative with respect to logp: −A·r where the unclipped term
// is the larger (ties included, as torch.max passes the gradient to its
// first argument when the two are equal in this case), 0 where clipping
// is active.
func Surrogate(logp, oldLogp, adv, clip float64) (loss, dLogp float64) {
	r := detmath.Exp(logp - oldLogp)
	l1 := -adv * r
	l2 := -adv * min(max(r, 1-clip), 1+clip)
	if l1 >= l2 {
		return l1, l1
	}
	return l2, 0
}

// ValueLoss returns the value loss of one sample and its derivative with
// respect to v. Without clipping (clip ≤ 0) it is ½(v − R)². With
// clipping it is CleanRL's clip_vloss,
//
//	½ max((v − R)², (vc − R)²),  vc = vOld + clip(v − vOld, −c, c),
//
// differentiated as PyTorch does: the gradient flows through whichever
// term is the larger, and through the clipped one only while the clamp is
// inactive (|v − vOld| ≤ c, where ∂vc/∂v = 1). Inside the clip range the
// two terms agree up to rounding (vOld + (v − vOld) need not be v), so
// the row keeps its gradient whichever term wins by an ulp.
func ValueLoss(v, vOld, ret, clip float64) (loss, dV float64) {
	d := v - ret
	if clip <= 0 {
		return 0.5 * d * d, d
	}
	delta := v - vOld
	dc := vOld + min(max(delta, -clip), clip) - ret
	if d*d >= dc*dc {
		return 0.5 * d * d, d
	}
	if delta >= -clip && delta <= clip {
		return 0.5 * dc * dc, dc
	}
	return 0.5 * dc * dc, 0
}
