package dynamics

import (
	"fmt"
	"math"
)

// Terminal reports whether obs, an observation of the environment, is a
// terminal state of the MDP. Imagination applies it to predicted next
// observations (--termination env).
type Terminal func(obs []float64) bool

// TerminalFor returns the termination rule of a Gymnasium environment,
// written on the observation (not the internal state) so that it applies to
// a model's prediction. The rules are Gymnasium 1.x's:
//
//	CartPole-v1               |x| > 2.4 or |θ| > 12·2π/360 ≈ 0.2095
//	                          (cartpole.py: x_threshold, theta_threshold_radians)
//	Acrobot-v1                -cos θ1 - cos(θ1+θ2) > 1.0 (acrobot.py _terminal),
//	                          from obs [cos θ1, sin θ1, cos θ2, sin θ2, ...]:
//	                          cos(θ1+θ2) = cos θ1 cos θ2 - sin θ1 sin θ2
//	MountainCar-v0            position >= 0.5 and velocity >= 0
//	                          (goal_position, goal_velocity = 0)
//	MountainCarContinuous-v0  position >= 0.45 and velocity >= 0
//	Pendulum-v1               never (the episode only ends by truncation)
//
// The comparisons are Gymnasium's own: strict for CartPole's bounds and
// Acrobot's height, inclusive for the mountain-car goals.
func TerminalFor(envID string) (Terminal, error) {
	switch envID {
	case "CartPole-v1", "CartPole-v0":
		const xThreshold = 2.4
		const thetaThreshold = 12 * 2 * math.Pi / 360
		return func(o []float64) bool {
			return o[0] < -xThreshold || o[0] > xThreshold ||
				o[2] < -thetaThreshold || o[2] > thetaThreshold
		}, nil
	case "Acrobot-v1":
		return func(o []float64) bool {
			c1, s1, c2, s2 := o[0], o[1], o[2], o[3]
			return -c1-(c1*c2-s1*s2) > 1.0
		}, nil
	case "MountainCar-v0":
		return func(o []float64) bool { return o[0] >= 0.5 && o[1] >= 0 }, nil
	case "MountainCarContinuous-v0":
		return func(o []float64) bool { return o[0] >= 0.45 && o[1] >= 0 }, nil
	case "Pendulum-v1":
		return func([]float64) bool { return false }, nil
	}
	return nil, fmt.Errorf("dynamics: no termination rule for environment %q", envID)
}
