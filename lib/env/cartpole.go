package env

import (
	"math"
	"math/rand/v2"

	"github.com/dynago/dynago/lib/detmath"
)

// cartPole is CartPole-v1 (gymnasium/envs/classic_control/cartpole.py)
// with the default Euler integrator. State: x, x_dot, theta, theta_dot.
type cartPole struct {
	timeLimit
	s     [4]float64
	ready bool
	// fell is steps_beyond_terminated is not None: the terminal step has
	// been reported, so later steps in a terminal state earn reward 0.
	fell bool

	// Constants as Gymnasium computes them in float64 at run time.
	gravity, massPole, totalMass, length, poleMassLength float64
	forceMag, tau, thetaThreshold, xThreshold            float64
}

func newCartPole() *cartPole {
	gravity, massCart, massPole, length := 9.8, 1.0, 0.1, 0.5
	pi := math.Pi
	return &cartPole{
		timeLimit:      timeLimit{max: 500},
		gravity:        gravity,
		massPole:       massPole,
		totalMass:      massPole + massCart,
		length:         length,
		poleMassLength: massPole * length,
		forceMag:       10.0,
		tau:            0.02,
		thetaThreshold: 12 * 2 * pi / 360,
		xThreshold:     2.4,
	}
}

func (e *cartPole) ID() string           { return "CartPole-v1" }
func (e *cartPole) MaxEpisodeSteps() int { return e.max }
func (e *cartPole) StateDim() int        { return 4 }
func (e *cartPole) ActionSpace() Space   { return discreteSpace(2) }

// ObservationSpace is Box(-high, high, float32) with high = [2*x_threshold,
// inf, 2*theta_threshold, inf] (Gymnasium 1.x turns float32 max into inf).
func (e *cartPole) ObservationSpace() Space {
	x, th := f32(2*e.xThreshold), f32(2*e.thetaThreshold)
	inf := math.Inf(1)
	return boxSpace([]float64{-x, -inf, -th, -inf}, []float64{x, inf, th, inf})
}

func (e *cartPole) Reset(rng *rand.Rand, obs []float64) {
	for i := range e.s {
		e.s[i] = uniform(rng, -0.05, 0.05)
	}
	e.elapsed, e.ready, e.fell = 0, true, false
	e.observe(obs)
}

func (e *cartPole) Step(action []float64, obs []float64) (Result, error) {
	checkObs(obs, 4)
	a, err := discreteAction(e.ID(), 2, action)
	if err != nil {
		return Result{}, err
	}
	if !e.ready {
		return Result{}, errNoState(e.ID())
	}
	x, xDot, theta, thetaDot := e.s[0], e.s[1], e.s[2], e.s[3]
	force := -e.forceMag
	if a == 1 {
		force = e.forceMag
	}
	sin, cos := detmath.Sincos(theta)
	// The float64() conversions forbid fused multiply-adds, so every
	// operation rounds as in Python.
	temp := (force + float64(e.poleMassLength*(thetaDot*thetaDot)*sin)) / e.totalMass
	thetaAcc := (float64(e.gravity*sin) - float64(cos*temp)) /
		(e.length * (4.0/3.0 - float64(e.massPole*(cos*cos))/e.totalMass))
	xAcc := temp - float64(e.poleMassLength*thetaAcc*cos)/e.totalMass

	x += float64(e.tau * xDot)
	xDot += float64(e.tau * xAcc)
	theta += float64(e.tau * thetaDot)
	thetaDot += float64(e.tau * thetaAcc)
	e.s = [4]float64{x, xDot, theta, thetaDot}

	r := Result{Reward: 1, Terminated: e.terminal()}
	if r.Terminated {
		if e.fell {
			r.Reward = 0
		}
		e.fell = true
	}
	r.Truncated = e.tick()
	e.observe(obs)
	return r, nil
}

func (e *cartPole) terminal() bool {
	x, theta := e.s[0], e.s[2]
	return x < -e.xThreshold || x > e.xThreshold ||
		theta < -e.thetaThreshold || theta > e.thetaThreshold
}

// observe writes np.array(state, dtype=float32).
func (e *cartPole) observe(obs []float64) {
	checkObs(obs, 4)
	for i, v := range e.s {
		obs[i] = f32(v)
	}
}

func (e *cartPole) State(dst []float64) ([]float64, int) {
	return copyState(dst, e.s[:]...), e.elapsed
}

// SetState restores the state. Whether the terminal step was already
// reported is not part of Gymnasium's state; it is taken to be so exactly
// when the restored state is terminal, which is how any episode started
// from Reset gets there.
func (e *cartPole) SetState(state []float64, elapsed int, obs []float64) error {
	if err := setStateArgs(e.ID(), state, 4, elapsed); err != nil {
		return err
	}
	copy(e.s[:], state)
	e.elapsed, e.ready = elapsed, true
	e.fell = e.terminal()
	e.observe(obs)
	return nil
}

// TerminalObs is the termination rule on the observation: |x| > 2.4 or
// |θ| > 12·2π/360 ≈ 0.2095, strict as in cartpole.py (x_threshold,
// theta_threshold_radians).
func (e *cartPole) TerminalObs(o []float64) bool {
	return o[0] < -e.xThreshold || o[0] > e.xThreshold ||
		o[2] < -e.thetaThreshold || o[2] > e.thetaThreshold
}

// ReturnBounds: reward 1 per step for at most 500 steps.
func (e *cartPole) ReturnBounds() (worst, best float64) { return 0, float64(e.max) }

// ReturnThreshold is Gymnasium's reward_threshold for CartPole-v1.
func (e *cartPole) ReturnThreshold() float64 { return 475 }

// ObsDims takes the position and angle ranges from the observation space
// (twice the termination bounds); the velocities, unbounded, get the
// ranges a balancing or falling pole reaches before termination.
func (e *cartPole) ObsDims() []Dim {
	return spaceDims(e.ObservationSpace(),
		[]string{"cart position", "cart velocity", "pole angle", "pole angular velocity"},
		map[int][2]float64{1: {-3, 3}, 3: {-3.5, 3.5}})
}
