package env

import (
	"math"
	"math/rand/v2"

	"github.com/dynago/dynago/lib/detmath"
)

// pendulum is Pendulum-v1 (gymnasium/envs/classic_control/pendulum.py)
// with g = 10. State: theta, theta_dot, float64; the torque is float32.
type pendulum struct {
	timeLimit
	th, thDot float64
	ready     bool
}

func newPendulum() *pendulum { return &pendulum{timeLimit: timeLimit{max: 200}} }

func (e *pendulum) ID() string           { return "Pendulum-v1" }
func (e *pendulum) MaxEpisodeSteps() int { return e.max }
func (e *pendulum) StateDim() int        { return 2 }

// ObservationSpace is Box([-1, -1, -8], [1, 1, 8], float32).
func (e *pendulum) ObservationSpace() Space {
	return boxSpace([]float64{-1, -1, -8}, []float64{1, 1, 8})
}

// ActionSpace is Box(-2, 2, (1,), float32).
func (e *pendulum) ActionSpace() Space {
	return boxSpace([]float64{-2}, []float64{2})
}

// Reset draws theta uniformly in [-pi, pi) and theta_dot in [-1, 1).
func (e *pendulum) Reset(rng *rand.Rand, obs []float64) {
	e.th = uniform(rng, -math.Pi, math.Pi)
	e.thDot = uniform(rng, -1, 1)
	e.elapsed, e.ready = 0, true
	e.observe(obs)
}

func (e *pendulum) Step(action []float64, obs []float64) (Result, error) {
	checkObs(obs, 3)
	u, err := boxAction(e.ID(), 1, action)
	if err != nil {
		return Result{}, err
	}
	if !e.ready {
		return Result{}, errNoState(e.ID())
	}
	const maxSpeed, dt = 8, 0.05
	u = min(max(u, -2), 2) // np.clip in float32
	th, thDot := e.th, e.thDot

	// costs = angle_normalize(th)**2 + .1*thdot**2 + .001*(u**2), where the
	// last term is float32 arithmetic (u is a float32 scalar).
	an := angleNormalize(th)
	costs := float64(an*an) + float64(0.1*float64(thDot*thDot)) + float64(float32(0.001)*float32(u*u))

	// newthdot = thdot + (3*g/(2*l)*sin(th) + 3/(m*l**2)*u)*dt with
	// 3*g/(2*l) = 15 and 3/(m*l**2)*u a float32 product.
	newThDot := thDot + float64((float64(15*detmath.Sin(th))+float64(float32(3*u)))*dt)
	newThDot = min(max(newThDot, -maxSpeed), maxSpeed)
	e.th = th + float64(newThDot*dt)
	e.thDot = newThDot

	r := Result{Reward: -costs, Truncated: e.tick()}
	e.observe(obs)
	return r, nil
}

// angleNormalize is ((x + pi) % (2*pi)) - pi with NumPy's float remainder
// (the result takes the sign of the divisor).
func angleNormalize(x float64) float64 {
	pi := math.Pi
	twoPi := 2 * pi
	m := math.Mod(x+pi, twoPi)
	if m != 0 {
		if m < 0 {
			m += twoPi
		}
	} else {
		m = 0
	}
	return m - pi
}

// observe writes float32 [cos theta, sin theta, theta_dot].
func (e *pendulum) observe(obs []float64) {
	checkObs(obs, 3)
	obs[0] = f32(detmath.Cos(e.th))
	obs[1] = f32(detmath.Sin(e.th))
	obs[2] = f32(e.thDot)
}

func (e *pendulum) State(dst []float64) ([]float64, int) {
	return copyState(dst, e.th, e.thDot), e.elapsed
}

func (e *pendulum) SetState(state []float64, elapsed int, obs []float64) error {
	if err := setStateArgs(e.ID(), state, 2, elapsed); err != nil {
		return err
	}
	e.th, e.thDot = state[0], state[1]
	e.elapsed, e.ready = elapsed, true
	e.observe(obs)
	return nil
}

// TerminalObs: Pendulum never terminates; episodes end by truncation.
func (e *pendulum) TerminalObs([]float64) bool { return false }

// ReturnBounds: a step costs at most π² + 0.1·8² + 0.001·2² (the angle is
// normalised to [-π, π), the speed and torque are clipped), for 200 steps.
func (e *pendulum) ReturnBounds() (worst, best float64) {
	return -float64(e.max) * (math.Pi*math.Pi + 0.1*8*8 + 0.001*2*2), 0
}

// ReturnThreshold: Gymnasium gives Pendulum-v1 no reward_threshold; -200
// is the usual "solved" level and the goal of the project's Pendulum
// experiments.
func (e *pendulum) ReturnThreshold() float64 { return -200 }

// ObsDims takes every range from the observation space.
func (e *pendulum) ObsDims() []Dim {
	return spaceDims(e.ObservationSpace(), []string{"cos θ", "sin θ", "angular velocity"}, nil)
}
