package env

import (
	"math"
	"math/rand/v2"

	"github.com/dynago/dynago/lib/detmath"
)

// acrobot is Acrobot-v1 (gymnasium/envs/classic_control/acrobot.py) with
// book_or_nips = "book" and no torque noise. State: theta1, theta2,
// dtheta1, dtheta2.
type acrobot struct {
	timeLimit
	s     [4]float64
	ready bool
}

func newAcrobot() *acrobot { return &acrobot{timeLimit: timeLimit{max: 500}} }

func (e *acrobot) ID() string           { return "Acrobot-v1" }
func (e *acrobot) MaxEpisodeSteps() int { return e.max }
func (e *acrobot) StateDim() int        { return 4 }
func (e *acrobot) ActionSpace() Space   { return discreteSpace(3) }

// ObservationSpace is Box(-high, high, float32) with high = [1, 1, 1, 1,
// 4*pi, 9*pi].
func (e *acrobot) ObservationSpace() Space {
	v1, v2 := f32(acrobotMaxVel1()), f32(acrobotMaxVel2())
	return boxSpace([]float64{-1, -1, -1, -1, -v1, -v2}, []float64{1, 1, 1, 1, v1, v2})
}

// acrobotMaxVel1 and acrobotMaxVel2 are MAX_VEL_1 = 4*pi and MAX_VEL_2 =
// 9*pi rounded as float64 products (not as exact constants).
func acrobotMaxVel1() float64 { pi := math.Pi; return 4 * pi }
func acrobotMaxVel2() float64 { pi := math.Pi; return 9 * pi }

// Reset draws the state uniformly in [-0.1, 0.1) and casts it to float32,
// as Gymnasium does (the first step then widens it to float64 again).
func (e *acrobot) Reset(rng *rand.Rand, obs []float64) {
	for i := range e.s {
		e.s[i] = f32(uniform(rng, -0.1, 0.1))
	}
	e.elapsed, e.ready = 0, true
	e.observe(obs)
}

func (e *acrobot) Step(action []float64, obs []float64) (Result, error) {
	checkObs(obs, 6)
	a, err := discreteAction(e.ID(), 3, action)
	if err != nil {
		return Result{}, err
	}
	if !e.ready {
		return Result{}, errNoState(e.ID())
	}
	torque := [3]float64{-1, 0, 1}[a]
	ns := acrobotRK4([5]float64{e.s[0], e.s[1], e.s[2], e.s[3], torque}, 0.2)
	pi := math.Pi
	ns[0] = wrap(ns[0], -pi, pi)
	ns[1] = wrap(ns[1], -pi, pi)
	ns[2] = bound(ns[2], -acrobotMaxVel1(), acrobotMaxVel1())
	ns[3] = bound(ns[3], -acrobotMaxVel2(), acrobotMaxVel2())
	e.s = [4]float64{ns[0], ns[1], ns[2], ns[3]}

	r := Result{Reward: -1, Terminated: e.terminal()}
	if r.Terminated {
		r.Reward = 0
	}
	r.Truncated = e.tick()
	e.observe(obs)
	return r, nil
}

// terminal is -cos(theta1) - cos(theta2 + theta1) > 1.
func (e *acrobot) terminal() bool {
	return -detmath.Cos(e.s[0])-detmath.Cos(e.s[1]+e.s[0]) > 1.0
}

// observe writes float32 [cos th1, sin th1, cos th2, sin th2, dth1, dth2]:
// the trigonometry is done in float64 and then cast.
func (e *acrobot) observe(obs []float64) {
	checkObs(obs, 6)
	obs[0] = f32(detmath.Cos(e.s[0]))
	obs[1] = f32(detmath.Sin(e.s[0]))
	obs[2] = f32(detmath.Cos(e.s[1]))
	obs[3] = f32(detmath.Sin(e.s[1]))
	obs[4] = f32(e.s[2])
	obs[5] = f32(e.s[3])
}

func (e *acrobot) State(dst []float64) ([]float64, int) {
	return copyState(dst, e.s[:]...), e.elapsed
}

func (e *acrobot) SetState(state []float64, elapsed int, obs []float64) error {
	if err := setStateArgs(e.ID(), state, 4, elapsed); err != nil {
		return err
	}
	copy(e.s[:], state)
	e.elapsed, e.ready = elapsed, true
	e.observe(obs)
	return nil
}

// acrobotRK4 is Gymnasium's rk4(_dsdt, y0, [0, dt]): one classic
// Runge-Kutta step of the state augmented with the torque (whose
// derivative is 0). Each line rounds as NumPy's array expressions do.
func acrobotRK4(y0 [5]float64, dt float64) [5]float64 {
	dt2 := dt / 2.0
	var y1, y2, y3, out [5]float64
	k1 := acrobotDerivs(y0)
	for i := range y1 {
		y1[i] = y0[i] + float64(dt2*k1[i])
	}
	k2 := acrobotDerivs(y1)
	for i := range y2 {
		y2[i] = y0[i] + float64(dt2*k2[i])
	}
	k3 := acrobotDerivs(y2)
	for i := range y3 {
		y3[i] = y0[i] + float64(dt*k3[i])
	}
	k4 := acrobotDerivs(y3)
	h := dt / 6.0
	for i := range out {
		sum := k1[i] + float64(2*k2[i]) + float64(2*k3[i]) + k4[i]
		out[i] = y0[i] + float64(h*sum)
	}
	return out
}

// acrobotDerivs is AcrobotEnv._dsdt with the "book" dynamics. The link
// constants are variables, not Go constants, so that products such as
// (m1*lc1 + m2*l1)*g round in float64 as in Python; float64() conversions
// forbid fused multiply-adds.
func acrobotDerivs(y [5]float64) [5]float64 {
	m1, m2, l1, lc1, lc2, i1, i2, g := 1.0, 1.0, 1.0, 0.5, 0.5, 1.0, 1.0, 9.8
	pi := math.Pi
	th1, th2, dth1, dth2, a := y[0], y[1], y[2], y[3], y[4]
	cos2, sin2 := detmath.Cos(th2), detmath.Sin(th2)

	d1 := float64(m1*(lc1*lc1)) + float64(m2*(l1*l1+lc2*lc2+float64(2*l1*lc2*cos2))) + i1 + i2
	d2 := float64(m2*(lc2*lc2+float64(l1*lc2*cos2))) + i2
	phi2 := float64(m2 * lc2 * g * detmath.Cos(th1+th2-pi/2.0))
	phi1 := float64(-m2*l1*lc2*(dth2*dth2)*sin2) -
		float64(2*m2*l1*lc2*dth2*dth1*sin2) +
		float64((m1*lc1+m2*l1)*g*detmath.Cos(th1-pi/2)) +
		phi2
	dd2 := (a + float64(d2/d1*phi1) - float64(m2*l1*lc2*(dth1*dth1)*sin2) - phi2) /
		(float64(m2*(lc2*lc2)) + i2 - (d2*d2)/d1)
	dd1 := -(float64(d2*dd2) + phi1) / d1
	return [5]float64{dth1, dth2, dd1, dd2, 0}
}

// wrap is Gymnasium's wrap: shift x by M-m until m <= x <= M.
func wrap(x, m, M float64) float64 {
	diff := M - m
	for x > M {
		x -= diff
	}
	for x < m {
		x += diff
	}
	return x
}

// bound is Gymnasium's bound: min(max(x, m), M).
func bound(x, m, M float64) float64 {
	if m > x {
		x = m
	}
	if M < x {
		x = M
	}
	return x
}

// TerminalObs is acrobot.py's _terminal on the observation [cos θ1,
// sin θ1, cos θ2, sin θ2, ...]: -cos θ1 - cos(θ1+θ2) > 1, with
// cos(θ1+θ2) = cos θ1 cos θ2 - sin θ1 sin θ2.
func (e *acrobot) TerminalObs(o []float64) bool {
	c1, s1, c2, s2 := o[0], o[1], o[2], o[3]
	return -c1-(float64(c1*c2)-float64(s1*s2)) > 1.0
}

// ReturnBounds: reward -1 per step (0 on the terminal one) for at most 500
// steps.
func (e *acrobot) ReturnBounds() (worst, best float64) { return -float64(e.max), 0 }

// ReturnThreshold is Gymnasium's reward_threshold for Acrobot-v1.
func (e *acrobot) ReturnThreshold() float64 { return -100 }

// ObsDims takes every range from the observation space.
func (e *acrobot) ObsDims() []Dim {
	return spaceDims(e.ObservationSpace(),
		[]string{"cos θ1", "sin θ1", "cos θ2", "sin θ2", "θ1 velocity", "θ2 velocity"}, nil)
}
