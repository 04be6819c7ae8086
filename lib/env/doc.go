// Package env reproduces Gymnasium 1.x's classic-control environments in
// Go, step for step: the data-collection stage of the pipeline, where a
// policy acts and transitions are recorded for dynamics models and PPO.
//
// # Environments
//
// Make(id) builds one environment inside its TimeLimit, as gym.make(id)
// does; IDs lists the ids:
//
//	CartPole-v1               Discrete(2)  obs 4  limit 500  Euler integrator
//	Acrobot-v1                Discrete(3)  obs 6  limit 500  RK4, "book" dynamics
//	MountainCar-v0            Discrete(3)  obs 2  limit 200
//	Pendulum-v1               Box(1) [-2,2] obs 3  limit 200  g = 10
//	MountainCarContinuous-v0  Box(1) [-1,1] obs 2  limit 999
//
// CartPole balances a pole on a cart pushed left (0) or right (1); reward 1
// per step, termination when |x| > 2.4 or |theta| > 12°. Acrobot swings a
// two-link chain by torque -1, 0 or +1 on the middle joint; reward -1 per
// step, 0 and termination once -cos(th1) - cos(th1+th2) > 1. One step is
// one classic Runge-Kutta step of dt = 0.2 followed by wrapping the angles
// to [-pi, pi] and bounding the velocities to ±4pi and ±9pi. MountainCar
// drives an underpowered car (push left, none, right) up a hill; reward -1,
// termination at position >= 0.5. Pendulum swings up a pendulum by torque;
// reward -(angle² + 0.1·velocity² + 0.001·torque²), never terminates.
// MountainCarContinuous pushes with force in [-1, 1]; reward -0.1·action²,
// plus 100 on reaching position >= 0.45.
//
// # Exactness
//
// Every arithmetic operation is done in the order, precision and rounding
// Gymnasium uses: float64 constants are computed at run time as Python
// does (never as exact Go constant expressions), and float64() and
// float32() conversions forbid fused multiply-adds. The one thing not
// reproduced bit for bit is the math library: lib/detmath's Sin and Cos
// (Go's math code, with the same bits on every build, which math.Sin and
// math.Cos do not promise), glibc's (Python's math module) and NumPy's
// (which may use SVML on AVX-512 machines) differ in the last bit for some
// arguments. A single
// step therefore agrees with Gymnasium to about 1e-15; over long
// controlled CartPole episodes, an unstable system, that last bit grows to
// about 1e-9 after some 200 steps.
//
// # float32
//
// Internal states are float64, as in Gymnasium; observations are the
// float32 values Gymnasium returns, widened to float64 (so each is exactly
// representable as float32). Gymnasium casts where these environments do:
//
//   - CartPole, MountainCar: the float64 state cast to float32.
//   - Acrobot: cos and sin of the angles computed in float64, then cast;
//     Reset casts the drawn state itself to float32 (the first step widens
//     it again).
//   - Pendulum: float32 [cos theta, sin theta, theta_dot]. The torque is a
//     float32 scalar, so under NumPy 2's promotion rules (NEP 50) 3·u and
//     0.001·u² are float32 arithmetic before being added to float64 terms.
//   - MountainCarContinuous: Gymnasium stores the state after each step as
//     a float32 array, so the first step after reset is float64 arithmetic
//     (with force·power − 0.0025·cos(3·position) in float32 when the action
//     is in range) and every later step is float32 arithmetic. SetState
//     with elapsed > 0 therefore rounds the state to float32.
//
// Continuous actions are rounded to float32 (the action space's dtype) and
// clipped to the space as Gymnasium clips them; an in-range action and a
// clipped one take the two different arithmetic paths Gymnasium takes.
// MountainCarContinuous's reward charges the unclipped action.
//
// # Actions and errors
//
// A discrete action is action[0] holding an integer value in the space;
// anything else is an error naming the environment, the action and the
// space, and leaves the state unchanged (Gymnasium asserts). A continuous
// action with a NaN or infinite component, or any action of the wrong
// length, is an error too. Step before Reset or SetState is an error. An
// observation slice of the wrong length is a caller bug and panics.
//
// # Truncation
//
// Terminated and Truncated are independent, as in Gymnasium. The TimeLimit
// counts steps since Reset (or the elapsed count given to SetState) and
// reports Truncated on every step once the count reaches
// MaxEpisodeSteps; a step can be both terminated and truncated. Stepping on
// after an episode ended is allowed: CartPole then pays reward 1 on the
// terminal step and 0 on every later terminal step (Gymnasium's
// steps_beyond_terminated); SetState of a terminal CartPole state counts
// that terminal step as already paid.
//
// # Symmetry
//
// CartPole, Acrobot and Pendulum are symmetric under a reflection of the
// state with the action mirrored (Symmetric, SymmetryOf): x -> -x with
// left and right swapped; both angles negated with torques -1 and +1
// swapped; the angle negated with the torque. A reflected transition is
// as real as the original (TestSymmetry steps each environment from
// reflected states: CartPole bit for bit, Acrobot and Pendulum within
// rounding), so a learner may add reflections to its data (fitmodel
// --mirror). The MountainCars have none.
//
// # Knowledge for the model-based stages
//
// What the stages after collection know about an environment is declared
// on the environment, as optional interfaces next to Symmetric: Terminator
// (the termination rule on observations, which imagination and the
// planner apply to predicted states), Bounded (the return bounds reports
// normalise scores with), Thresholded (the return that counts as solving
// it, which reports race variants to) and Described (observation names for
// figures and the fixed ranges of state-visit histograms). Other packages
// read them only through TerminalOf, ReturnBoundsOf, ReturnThresholdOf,
// ObsDims and ObsNames. Every Go environment declares a termination rule,
// its observations and a threshold (Gymnasium's reward_threshold; -200 for
// Pendulum, which has none); CartPole, Acrobot, MountainCar and Pendulum
// declare return bounds (MountainCarContinuous's reward charges the
// unclipped action, so its returns are unbounded). An environment that
// declares nothing, such as a bridged Gymnasium one, gets the data-driven
// defaults: the model's learned termination head, bounds from the data,
// histogram ranges from the data.
//
// # Gymnasium's own environments
//
// Make("gym:ID") (or "gym:ID{kwargs}", GymID) starts gymbridge.py,
// embedded in the binary, in the Python that DYNAGO_PYTHON names and
// steps Gymnasium's environment over a binary pipe protocol (MakeGym).
// A bridged environment is Seeded: FirstReset gives episode k of a run
// reset(seed=S+k) (S+2³²+k for evaluation); State is its seed and the
// actions since its reset, and SetState replays them; Err and Close
// report and end the Python process. docs/GYMNASIUM.md describes it for
// users; gymtest and testdata/gymstub let tests run it without Gymnasium.
//
// # Adding an environment
//
// One file with the type (Env, plus whichever of Symmetric, Terminator,
// Bounded and Described apply) and one line in registry.go's registry.
// TestKnowledge checks the declarations against the dynamics, and
// internal/stages' TestEveryStage runs the new environment through every
// stage of the pipeline.
//
// # State and ownership
//
// State copies the internal state (env.unwrapped.state) and the elapsed
// step count out; SetState restores both, so an episode continues in
// another process exactly as in one. Reset draws from the caller's
// *rand.Rand with Gymnasium's reset bounds (the draws themselves differ
// from NumPy's generator). An Env is not safe for concurrent use; Reset
// and Step allocate nothing.
package env
