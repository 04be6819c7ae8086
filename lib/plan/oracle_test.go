package plan

import (
	"github.com/dynago/dynago/lib/dynamics"

	"math"
	"math/rand/v2"
	"os"
	"strconv"
	"testing"

	"github.com/dynago/dynago/lib/env"
)

// oracleCartPole is the true CartPole-v1 dynamics (the Euler step of
// lib/env's cartpole.go, Gymnasium's equations) as a planning model, so
// that the planner can be tested apart from any learned model. Every
// member is the same. The reward is 1 on every step; the termination
// probability is the true rule (soft 0) or, with soft > 0, a logistic
// stand-in for a calibrated classifier of the next state:
// sigmoid((margin)/soft) where margin is the largest of |x|/2.4 - 1 and
// |θ|/0.2095 - 1.
type oracleCartPole struct {
	members int
	soft    float64
	softX   float64
}

func (o *oracleCartPole) Members() int { return o.members }

func (o *oracleCartPole) Predict(k int, obs, act []float64, n int, delta, reward, term []float64) {
	const (
		gravity, massPole, totalMass, length = 9.8, 0.1, 1.1, 0.5
		poleMassLength, forceMag, tau        = 0.05, 10.0, 0.02
		xThreshold, thetaThreshold           = 2.4, 12 * 2 * math.Pi / 360
	)
	for i := 0; i < n; i++ {
		s := obs[i*4 : (i+1)*4]
		x, xDot, theta, thetaDot := s[0], s[1], s[2], s[3]
		force := -forceMag
		if act[i] == 1 {
			force = forceMag
		}
		cos, sin := math.Cos(theta), math.Sin(theta)
		temp := (force + poleMassLength*thetaDot*thetaDot*sin) / totalMass
		thetaAcc := (gravity*sin - cos*temp) / (length * (4.0/3.0 - massPole*cos*cos/totalMass))
		xAcc := temp - poleMassLength*thetaAcc*cos/totalMass
		d := delta[i*4 : (i+1)*4]
		d[0], d[1], d[2], d[3] = tau*xDot, tau*xAcc, tau*thetaDot, tau*thetaAcc
		reward[i] = 1
		nx, nth := x+d[0], theta+d[2]
		if o.soft > 0 {
			sx := o.softX
			if sx == 0 {
				sx = o.soft
			}
			px := 1 / (1 + math.Exp(-(math.Abs(nx)/xThreshold-1)/sx))
			pth := 1 / (1 + math.Exp(-(math.Abs(nth)/thetaThreshold-1)/o.soft))
			term[i] = 1 - (1-px)*(1-pth)
			continue
		}
		term[i] = 0
		if math.Abs(nx) > xThreshold || math.Abs(nth) > thetaThreshold {
			term[i] = 1
		}
	}
}

// balance runs episodes of CartPole-v1 with the planner and returns their
// lengths (at most 500).
func balance(t *testing.T, c *CEM, episodes int, seed uint64) []int {
	t.Helper()
	e, err := env.Make("CartPole-v1")
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(seed, 1))
	obs, act := make([]float64, 4), make([]float64, 1)
	var lens []int
	for ep := 0; ep < episodes; ep++ {
		e.Reset(rng, obs)
		c.Reset()
		n := 0
		for {
			if os.Getenv("ORACLE_NOWARM") != "" {
				c.Reset()
			}
			if _, err := c.Act(obs, rng, act); err != nil {
				t.Fatal(err)
			}
			res, err := e.Step(act, obs)
			if err != nil {
				t.Fatal(err)
			}
			n++
			if res.Terminated || res.Truncated {
				if res.Terminated && testing.Verbose() {
					t.Logf("episode %d ended at step %d in %v", ep, n, obs)
				}
				break
			}
		}
		lens = append(lens, n)
	}
	return lens
}

// TestOracleCartPole plans with the true dynamics and termination rule
// (so only the planner is tested) at the setting of
// pipelines/presets/mpc-tuned.mk. The warm start must keep exploring: with
// a low floor (MinProb) the step distributions collapse onto one plan and
// the cart drifts out of bounds (docs/RESULTS.md, "lib/plan defaults").
// The remaining failures are the cart reaching |x| = 2.4 beyond the 0.6 s
// horizon: every surviving sequence scores the same.
func TestOracleCartPole(t *testing.T) {
	if testing.Short() {
		t.Skip("plans 10 episodes of up to 500 steps")
	}
	cfg := DefaultConfig()
	cfg.Samples, cfg.Horizon, cfg.Iters, cfg.Elites = 200, 30, 2, 50
	cfg.ModeAction = true // mpc-tuned's CEM_ACTION; the other rule compared: docs/RESULTS.md
	c := newTestCEM(t, cfg, &oracleCartPole{members: 1}, twoActions, 4)
	lens := balance(t, c, 10, 7)
	full := 0
	for _, n := range lens {
		if n == 500 {
			full++
		}
	}
	t.Logf("episode lengths %v", lens)
	// 8 of 10 when written; the CEM's choices are deterministic given the seed.
	if full < 7 {
		t.Errorf("%d of 10 episodes balanced 500 steps, want >= 7", full)
	}
}

// TestOracleTermPenalty plans with the true dynamics and a smooth
// termination probability, the logistic stand-in for a learned head
// (soft 0.3: p = 0.07 at the centre, 0.5 on the bounds), ending rollouts
// at p > 0.5. Without a penalty every sequence that survives the horizon
// ties and the cart drifts out of bounds beyond it; TermPenalty 100 ranks
// the survivors by their summed termination probability (measured on 20
// episodes: docs/RESULTS.md, "lib/plan defaults").
func TestOracleTermPenalty(t *testing.T) {
	if testing.Short() {
		t.Skip("plans 2×10 episodes of up to 500 steps")
	}
	for _, tc := range []struct {
		penalty float64
		min     int // episodes of 500 steps out of 10, at least
	}{
		{0, 0},    // 3 of these 10 when written
		{100, 10}, // 10 of 10
	} {
		cfg := DefaultConfig()
		cfg.Samples, cfg.Horizon, cfg.Iters, cfg.Elites = 200, 30, 2, 20
		cfg.TermPenalty, cfg.ModeAction = tc.penalty, true
		c := newTestCEM(t, cfg, &oracleCartPole{members: 1, soft: 0.3}, twoActions, 4)
		lens := balance(t, c, 10, 7)
		full := 0
		for _, n := range lens {
			if n == 500 {
				full++
			}
		}
		t.Logf("penalty %g: episode lengths %v", tc.penalty, lens)
		if full < tc.min {
			t.Errorf("penalty %g: %d of 10 episodes balanced 500 steps, want >= %d", tc.penalty, full, tc.min)
		}
	}
}

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil {
		return v
	}
	return def
}

func envFloat(name string, def float64) float64 {
	if v, err := strconv.ParseFloat(os.Getenv(name), 64); err == nil {
		return v
	}
	return def
}

// TestOracleSweep is a diagnostic: the planner with the true dynamics,
// configured from ORACLE_* variables (K, H, I, E, MODE, ALPHA, MINP,
// GAMMA, M; SOFT and SOFTX for a logistic termination probability with
// model-soft, or with TERM=model and THR its threshold; PEN the
// TermPenalty; OBJ the objective; EPS the episodes; NOWARM to reset the
// warm start every step). Run with
// ORACLE=1 go test -run OracleSweep -v.
func TestOracleSweep(t *testing.T) {
	if os.Getenv("ORACLE") == "" {
		t.Skip("diagnostic; set ORACLE=1")
	}
	cfg := DefaultConfig()
	cfg.Samples = envInt("ORACLE_K", 100)
	cfg.Horizon = envInt("ORACLE_H", 20)
	cfg.Iters = envInt("ORACLE_I", 2)
	cfg.Elites = envInt("ORACLE_E", 20)
	cfg.ModeAction = envInt("ORACLE_MODE", 1) == 1
	cfg.Alpha = envFloat("ORACLE_ALPHA", 0.1)
	cfg.MinProb = envFloat("ORACLE_MINP", cfg.MinProb)
	cfg.Gamma = envFloat("ORACLE_GAMMA", 1)
	soft := envFloat("ORACLE_SOFT", 0)
	cfg.Termination = dynamics.TermModel
	if soft > 0 {
		cfg.Termination = dynamics.TermSoft
	}
	if v := os.Getenv("ORACLE_TERM"); v != "" {
		cfg.Termination = dynamics.TermMode(v)
	}
	cfg.TermThreshold = envFloat("ORACLE_THR", cfg.TermThreshold)
	cfg.TermPenalty = envFloat("ORACLE_PEN", 0)
	cfg.Objective = map[string]string{"": cfg.Objective, "worst": Worst, "mean-std": MeanStd}[os.Getenv("ORACLE_OBJ")]
	c := newTestCEM(t, cfg, &oracleCartPole{members: envInt("ORACLE_M", 1), soft: soft, softX: envFloat("ORACLE_SOFTX", 0)}, twoActions, 4)
	lens := balance(t, c, envInt("ORACLE_EPS", 10), 7)
	full := 0
	for _, n := range lens {
		if n == 500 {
			full++
		}
	}
	t.Logf("K=%d H=%d I=%d E=%d mode=%v soft=%g term=%s thr=%g pen=%g minp=%g alpha=%g: %d full, lengths %v", cfg.Samples, cfg.Horizon, cfg.Iters, cfg.Elites, cfg.ModeAction, soft, cfg.Termination, cfg.TermThreshold, cfg.TermPenalty, cfg.MinProb, cfg.Alpha, full, lens)
}
