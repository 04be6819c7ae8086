package env

import "fmt"

// A Symmetry is a reflection under which an environment's dynamics,
// reward and termination are unchanged: if (obs, action) leads to
// (next obs, reward, terminated), then (Obs·obs, mirrored action) leads to
// (Obs·next obs, the same reward, the same terminated), where Obs·v
// multiplies v component-wise by the signs in Obs. It is prior knowledge
// a learner may use to augment its data (each real transition has a
// reflected twin that is just as real); it says nothing about the reward
// or termination themselves.
//
// A discrete action a becomes Action[a - Start] + Start; a continuous
// action is multiplied component-wise by ActionSign. Exactly one of Action
// and ActionSign is set.
type Symmetry struct {
	Obs        []float64 // ±1 per observation component
	Action     []int     // discrete spaces: the mirrored action's index
	ActionSign []float64 // box spaces: ±1 per action component
}

// Symmetric is implemented by the environments that have a Symmetry.
type Symmetric interface {
	Symmetry() Symmetry
}

// SymmetryOf returns e's symmetry, or an error naming the environment if
// it declares none.
func SymmetryOf(e Env) (Symmetry, error) {
	if s, ok := e.(Symmetric); ok {
		return s.Symmetry(), nil
	}
	return Symmetry{}, fmt.Errorf("env: %s declares no symmetry", e.ID())
}

// MirrorObs writes the reflection of obs into dst (which may be obs).
func (s Symmetry) MirrorObs(dst, obs []float64) {
	for i, v := range obs {
		dst[i] = s.Obs[i] * v
	}
}

// MirrorAction writes the reflection of action into dst (which may be
// action). start is the discrete space's first action (Space.Start).
func (s Symmetry) MirrorAction(dst, action []float64, start int) {
	if s.Action != nil {
		dst[0] = float64(s.Action[int(action[0])-start] + start)
		return
	}
	for i, v := range action {
		dst[i] = s.ActionSign[i] * v
	}
}

// CartPole is symmetric under x -> -x: every state component changes
// sign and push left (0) and push right (1) swap. The Euler step is an
// odd function of the state and force, the bounds are symmetric, and the
// reward is constant.
func (e *cartPole) Symmetry() Symmetry {
	return Symmetry{Obs: []float64{-1, -1, -1, -1}, Action: []int{1, 0}}
}

// Acrobot is symmetric under (theta1, theta2) -> (-theta1, -theta2): the
// cosines stay, the sines and velocities change sign, and torques -1 and
// +1 (actions 0 and 2) swap. The accelerations are odd functions of the
// angles, velocities and torque; the termination height is even.
func (e *acrobot) Symmetry() Symmetry {
	return Symmetry{Obs: []float64{1, -1, 1, -1, -1, -1}, Action: []int{2, 1, 0}}
}

// Pendulum is symmetric under theta -> -theta with the torque negated:
// cos theta stays, sin theta and theta_dot change sign; the cost is even.
func (e *pendulum) Symmetry() Symmetry {
	return Symmetry{Obs: []float64{1, -1, -1}, ActionSign: []float64{-1}}
}
