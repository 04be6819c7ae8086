package env

import (
	"math/rand/v2"

	"github.com/dynago/dynago/lib/detmath"
)

// Mountain car constants shared by the discrete and continuous versions.
const (
	mcMinPosition = -1.2
	mcMaxPosition = 0.6
	mcMaxSpeed    = 0.07
)

// mountainCarObservationSpace is Box([min_position, -max_speed],
// [max_position, max_speed], float32), the same for both versions.
func mountainCarObservationSpace() Space {
	return boxSpace(
		[]float64{f32(mcMinPosition), f32(-mcMaxSpeed)},
		[]float64{f32(mcMaxPosition), f32(mcMaxSpeed)},
	)
}

// mountainCar is MountainCar-v0 (gymnasium/envs/classic_control/
// mountain_car.py). State: position, velocity, both float64.
type mountainCar struct {
	timeLimit
	pos, vel float64
	ready    bool
}

func newMountainCar() *mountainCar { return &mountainCar{timeLimit: timeLimit{max: 200}} }

func (e *mountainCar) ID() string              { return "MountainCar-v0" }
func (e *mountainCar) MaxEpisodeSteps() int    { return e.max }
func (e *mountainCar) StateDim() int           { return 2 }
func (e *mountainCar) ActionSpace() Space      { return discreteSpace(3) }
func (e *mountainCar) ObservationSpace() Space { return mountainCarObservationSpace() }

// Reset draws the position uniformly in [-0.6, -0.4) with zero velocity.
func (e *mountainCar) Reset(rng *rand.Rand, obs []float64) {
	e.pos, e.vel = uniform(rng, -0.6, -0.4), 0
	e.elapsed, e.ready = 0, true
	e.observe(obs)
}

func (e *mountainCar) Step(action []float64, obs []float64) (Result, error) {
	checkObs(obs, 2)
	a, err := discreteAction(e.ID(), 3, action)
	if err != nil {
		return Result{}, err
	}
	if !e.ready {
		return Result{}, errNoState(e.ID())
	}
	force, gravity, goal := 0.001, 0.0025, 0.5
	pos, vel := e.pos, e.vel
	vel += float64(float64(a-1)*force) + float64(detmath.Cos(3*pos)*(-gravity))
	vel = bound(vel, -mcMaxSpeed, mcMaxSpeed)
	pos += vel
	pos = bound(pos, mcMinPosition, mcMaxPosition)
	if pos == mcMinPosition && vel < 0 {
		vel = 0
	}
	e.pos, e.vel = pos, vel

	r := Result{Reward: -1, Terminated: pos >= goal && vel >= 0}
	r.Truncated = e.tick()
	e.observe(obs)
	return r, nil
}

func (e *mountainCar) observe(obs []float64) {
	checkObs(obs, 2)
	obs[0], obs[1] = f32(e.pos), f32(e.vel)
}

func (e *mountainCar) State(dst []float64) ([]float64, int) {
	return copyState(dst, e.pos, e.vel), e.elapsed
}

func (e *mountainCar) SetState(state []float64, elapsed int, obs []float64) error {
	if err := setStateArgs(e.ID(), state, 2, elapsed); err != nil {
		return err
	}
	e.pos, e.vel = state[0], state[1]
	e.elapsed, e.ready = elapsed, true
	e.observe(obs)
	return nil
}

// mountainCarContinuous is MountainCarContinuous-v0
// (gymnasium/envs/classic_control/continuous_mountain_car.py). State:
// position, velocity. Reset leaves them float64; every step stores them as
// a float32 array, so from the second step on the arithmetic is float32
// (NumPy scalars of the state's dtype, with Python floats as weak operands).
type mountainCarContinuous struct {
	timeLimit
	pos, vel float64
	ready    bool
	// single is true once a step has stored the state as float32.
	single bool
}

func newMountainCarContinuous() *mountainCarContinuous {
	return &mountainCarContinuous{timeLimit: timeLimit{max: 999}}
}

func (e *mountainCarContinuous) ID() string              { return "MountainCarContinuous-v0" }
func (e *mountainCarContinuous) MaxEpisodeSteps() int    { return e.max }
func (e *mountainCarContinuous) StateDim() int           { return 2 }
func (e *mountainCarContinuous) ObservationSpace() Space { return mountainCarObservationSpace() }

// ActionSpace is Box(-1, 1, (1,), float32).
func (e *mountainCarContinuous) ActionSpace() Space {
	return boxSpace([]float64{-1}, []float64{1})
}

// Reset draws the position uniformly in [-0.6, -0.4) with zero velocity.
func (e *mountainCarContinuous) Reset(rng *rand.Rand, obs []float64) {
	e.pos, e.vel = uniform(rng, -0.6, -0.4), 0
	e.elapsed, e.ready, e.single = 0, true, false
	e.observe(obs)
}

func (e *mountainCarContinuous) Step(action []float64, obs []float64) (Result, error) {
	checkObs(obs, 2)
	a, err := boxAction(e.ID(), 1, action)
	if err != nil {
		return Result{}, err
	}
	if !e.ready {
		return Result{}, errNoState(e.ID())
	}
	// force = min(max(action[0], -1.0), 1.0) keeps the float32 action when
	// it is in range and becomes the Python float ±1.0 when clipped.
	clipped := a < -1 || a > 1
	force := 1.0
	if a < -1 {
		force = -1.0
	}
	const power, goal = 0.0015, 0.45
	var terminated bool
	if !e.single {
		terminated = e.stepDouble(a, clipped, force, power, goal)
	} else {
		terminated = e.stepSingle(a, clipped, force, power, goal)
	}
	e.single = true

	r := Result{}
	if terminated {
		r.Reward = 100
	}
	ad := float64(a)
	r.Reward -= float64(float64(ad*ad) * 0.1)
	r.Terminated = terminated
	r.Truncated = e.tick()
	e.observe(obs)
	return r, nil
}

// stepDouble is the first step after reset: position and velocity are
// float64, but force*power - 0.0025*cos(3*position) is a float32 when the
// action was not clipped.
func (e *mountainCarContinuous) stepDouble(a float32, clipped bool, force, power, goal float64) bool {
	pos, vel := e.pos, e.vel
	gterm := float64(0.0025 * detmath.Cos(3*pos))
	if clipped {
		vel += float64(force*power) - gterm
	} else {
		vel += float64(float32(a*float32(power)) - float32(gterm))
	}
	vel = bound(vel, -mcMaxSpeed, mcMaxSpeed)
	pos += vel
	pos = bound(pos, mcMinPosition, mcMaxPosition)
	if pos == mcMinPosition && vel < 0 {
		vel = 0
	}
	e.pos, e.vel = f32(pos), f32(vel)
	return pos >= goal && vel >= 0
}

// stepSingle is every later step: position and velocity are float32
// scalars, Python floats meeting them are cast to float32 (NEP 50), and
// math.cos widens its float32 argument to float64.
func (e *mountainCarContinuous) stepSingle(a float32, clipped bool, force, power, goal float64) bool {
	pos, vel := float32(e.pos), float32(e.vel)
	gterm := float64(0.0025 * detmath.Cos(float64(3*pos)))
	if clipped {
		vel += float32(float64(force*power) - gterm)
	} else {
		vel += float32(a*float32(power)) - float32(gterm)
	}
	vel = min(max(vel, -mcMaxSpeed), mcMaxSpeed)
	pos += vel
	pos = min(max(pos, mcMinPosition), mcMaxPosition)
	if pos == mcMinPosition && vel < 0 {
		vel = 0
	}
	e.pos, e.vel = float64(pos), float64(vel)
	return pos >= float32(goal) && vel >= 0
}

// observe writes the state as float32 (a no-op cast after the first step).
func (e *mountainCarContinuous) observe(obs []float64) {
	checkObs(obs, 2)
	obs[0], obs[1] = f32(e.pos), f32(e.vel)
}

func (e *mountainCarContinuous) State(dst []float64) ([]float64, int) {
	return copyState(dst, e.pos, e.vel), e.elapsed
}

// SetState restores the state. With elapsed > 0 Gymnasium holds it as
// float32, so it is rounded to float32 and stepped in float32 arithmetic;
// with elapsed 0 it is the float64 state of a fresh reset.
func (e *mountainCarContinuous) SetState(state []float64, elapsed int, obs []float64) error {
	if err := setStateArgs(e.ID(), state, 2, elapsed); err != nil {
		return err
	}
	e.pos, e.vel = state[0], state[1]
	e.single = elapsed > 0
	if e.single {
		e.pos, e.vel = f32(e.pos), f32(e.vel)
	}
	e.elapsed, e.ready = elapsed, true
	e.observe(obs)
	return nil
}

// mountainCarDims takes both ranges from the observation space.
func mountainCarDims() []Dim {
	return spaceDims(mountainCarObservationSpace(), []string{"position", "velocity"}, nil)
}

// TerminalObs: position >= 0.5 and velocity >= 0 (goal_position,
// goal_velocity = 0), inclusive as in mountain_car.py.
func (e *mountainCar) TerminalObs(o []float64) bool { return o[0] >= 0.5 && o[1] >= 0 }

// ReturnBounds: reward -1 per step for at most 200 steps.
func (e *mountainCar) ReturnBounds() (worst, best float64) { return -float64(e.max), 0 }

// ReturnThreshold is Gymnasium's reward_threshold for MountainCar-v0.
func (e *mountainCar) ReturnThreshold() float64 { return -110 }

func (e *mountainCar) ObsDims() []Dim { return mountainCarDims() }

// TerminalObs: position >= 0.45 and velocity >= 0, inclusive as in
// continuous_mountain_car.py. The returns have no bounds: the reward
// charges the unclipped action.
func (e *mountainCarContinuous) TerminalObs(o []float64) bool { return o[0] >= 0.45 && o[1] >= 0 }

func (e *mountainCarContinuous) ObsDims() []Dim { return mountainCarDims() }

// ReturnThreshold is Gymnasium's reward_threshold for
// MountainCarContinuous-v0.
func (e *mountainCarContinuous) ReturnThreshold() float64 { return 90 }
