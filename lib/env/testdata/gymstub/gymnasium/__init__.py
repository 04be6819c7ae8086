"""A stand-in for the parts of Gymnasium the bridge uses, so its tests run
where Gymnasium is not installed: make (with a TimeLimit from the
registration's max_episode_steps), spaces.Box and spaces.Discrete, and
these environments:

  ToyWalk-v0   Box(4) obs [x, v, sin x, cos x] (CartPole's size),
               Discrete(3) actions (kwarg start shifts them); a point
               pushed left/none/right with seeded noise; reward 1 per step;
               terminates when |x| > 1; TimeLimit 50.
  ToyReach-v0  Box(3) obs, Box(2) float32 actions in [-1, 1]; reward
               -|pos - goal|^2 (kwarg goal, default 0.5); never
               terminates; TimeLimit 40.
  ToyCrash-v0  ToyReach whose process dies (exit 3) at step crash_at.
  ToyDiscreteObs-v0  a Discrete observation space (unsupported).

With DYNAGO_GYMSTUB_LOG set, make appends the id to that file.
"""
import os

import numpy as np

from . import spaces

__version__ = "0.0-dynago-stub"


class Env:
    spec = None
    np_random = None

    def reset(self, seed=None):
        if seed is not None or self.np_random is None:
            self.np_random = np.random.default_rng(seed)

    def close(self):
        pass


class Spec:
    def __init__(self, id, max_episode_steps):
        self.id, self.max_episode_steps = id, max_episode_steps


class TimeLimit:
    def __init__(self, env, spec):
        self.env, self.spec, self._elapsed = env, spec, None
        self.observation_space, self.action_space = env.observation_space, env.action_space

    def reset(self, seed=None):
        self._elapsed = 0
        return self.env.reset(seed=seed)

    def step(self, action):
        assert self._elapsed is not None, "step before reset"
        obs, r, term, trunc, info = self.env.step(action)
        self._elapsed += 1
        return obs, r, term, trunc or self._elapsed >= self.spec.max_episode_steps, info

    def close(self):
        self.env.close()


class ToyWalk(Env):
    def __init__(self, start=0):
        self.observation_space = spaces.Box(-2.0, 2.0, (4,), np.float32)
        self.action_space = spaces.Discrete(3, start=start)
        self.start = start

    def reset(self, seed=None):
        super().reset(seed=seed)
        self.x, self.v = self.np_random.uniform(-0.1, 0.1), 0.0
        return self._obs(), {}

    def _obs(self):
        return np.array([self.x, self.v, np.sin(self.x), np.cos(self.x)], dtype=np.float32)

    def step(self, action):
        assert self.action_space.contains(action), f"{action!r} invalid"
        self.v = 0.9 * self.v + 0.05 * (action - self.start - 1) + 0.01 * self.np_random.standard_normal()
        self.x += self.v
        return self._obs(), 1.0, bool(abs(self.x) > 1.0), False, {}


class ToyReach(Env):
    def __init__(self, goal=0.5, crash_at=None):
        self.observation_space = spaces.Box(-np.inf, np.inf, (3,), np.float32)
        self.action_space = spaces.Box(-1.0, 1.0, (2,), np.float32)
        self.goal, self.crash_at, self.t = goal, crash_at, 0

    def reset(self, seed=None):
        super().reset(seed=seed)
        self.p = self.np_random.uniform(-1, 1, size=2)
        return self._obs(), {}

    def _obs(self):
        return np.array([self.p[0], self.p[1], np.hypot(*(self.p - self.goal))], dtype=np.float32)

    def step(self, action):
        assert action.dtype == np.float32 and action.shape == (2,)
        self.t += 1
        if self.crash_at is not None and self.t >= self.crash_at:
            os._exit(3)
        self.p = self.p + 0.1 * np.clip(action, -1, 1)
        return self._obs(), -float(np.sum((self.p - self.goal) ** 2)), False, False, {}


class ToyDiscreteObs(Env):
    def __init__(self):
        self.observation_space = spaces.Discrete(4)
        self.action_space = spaces.Discrete(2)


_registry = {
    "ToyWalk-v0": (ToyWalk, 50),
    "ToyReach-v0": (ToyReach, 40),
    "ToyCrash-v0": (lambda **kw: ToyReach(crash_at=5, **kw), 40),
    "ToyDiscreteObs-v0": (ToyDiscreteObs, 10),
}


def make(id, **kwargs):
    # Tests count the environments a tool makes (each a bridge process).
    log = os.environ.get("DYNAGO_GYMSTUB_LOG")
    if log:
        with open(log, "a") as f:
            f.write(id + "\n")
    if id not in _registry:
        raise error.NameNotFound(f"Environment `{id}` doesn't exist.")
    cls, steps = _registry[id]
    return TimeLimit(cls(**kwargs), Spec(id, steps))


class error:
    class NameNotFound(Exception):
        pass
