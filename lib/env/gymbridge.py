"""dynago's Gymnasium bridge: one Gymnasium environment served over stdin/stdout.

Started by lib/env (MakeGym) as `python -c SOURCE ID KWARGS_JSON`. Every
number is little-endian; floats are float64, observations flattened.

Reply to every request, and the greeting: b"K" then the payload, or b"E",
uint32 n, n bytes of UTF-8 (one line) after which the program exits 1.

Greeting payload: uint32 obs_dim, obs_dim low, obs_dim high; uint8 kind
(0 Discrete, 1 Box); Discrete: int64 n, int64 start; Box: uint32 act_dim,
act_dim low, act_dim high; int64 max_episode_steps (0: none).

Requests: b"R" uint64 seed -> env.reset(seed=seed), payload obs.
          b"S" act_dim float64 (1 for Discrete) -> env.step, payload obs,
              float64 reward, uint8 terminated | truncated << 1.
          b"C" -> env.close(), empty payload, exit 0. End of input: exit 0.
"""
import json
import struct
import sys

out = sys.stdout.buffer
inp = sys.stdin.buffer
sys.stdout = sys.stderr  # an environment's prints must not corrupt the protocol


def fail(msg):
    b = " ".join(str(msg).split()).encode("utf-8", "replace")[:4000]
    out.write(b"E" + struct.pack("<I", len(b)) + b)
    out.flush()
    sys.exit(1)


def read(n):
    b = inp.read(n)
    if len(b) != n:
        sys.exit(0)  # dynago went away
    return b


def main():
    try:
        import numpy as np
    except ImportError as e:
        fail(f"{sys.executable}: {e}: the Gymnasium bridge needs numpy and gymnasium in the Python DYNAGO_PYTHON names")
    try:
        import gymnasium as gym
    except ImportError as e:
        fail(f"{sys.executable}: {e}: install gymnasium into the Python DYNAGO_PYTHON names (pip install gymnasium)")
    env_id = sys.argv[1]
    try:
        kwargs = json.loads(sys.argv[2])
        env = gym.make(env_id, **kwargs)
    except Exception as e:
        fail(f"gymnasium.make({env_id!r}): {type(e).__name__}: {e}")
    ospace, aspace = env.observation_space, env.action_space
    Box, Discrete = gym.spaces.Box, gym.spaces.Discrete
    if type(ospace) is not Box:
        fail(f"{env_id}: observation space {ospace} is not a Box (the bridge supports Box observations)")
    if type(aspace) not in (Box, Discrete):
        fail(f"{env_id}: action space {aspace} is neither Discrete nor Box")
    f8 = np.dtype("<f8")
    odim = int(np.prod(ospace.shape))
    low = np.asarray(ospace.low, dtype=f8).ravel()
    high = np.asarray(ospace.high, dtype=f8).ravel()
    g = [b"K", struct.pack("<I", odim), low.tobytes(), high.tobytes()]
    discrete = type(aspace) is Discrete
    if discrete:
        adim = 1
        g.append(struct.pack("<Bqq", 0, int(aspace.n), int(aspace.start)))
    else:
        adim = int(np.prod(aspace.shape))
        g.append(struct.pack("<BI", 1, adim))
        g.append(np.asarray(aspace.low, dtype=f8).ravel().tobytes())
        g.append(np.asarray(aspace.high, dtype=f8).ravel().tobytes())
    spec = getattr(env, "spec", None)
    g.append(struct.pack("<q", int(getattr(spec, "max_episode_steps", None) or 0)))
    out.write(b"".join(g))
    out.flush()

    def obs_bytes(o):
        a = np.asarray(o, dtype=f8).ravel()
        if a.size != odim:
            fail(f"{env_id}: observation has {a.size} values, the space {odim}")
        return a.tobytes()

    ashape, adtype = aspace.shape, aspace.dtype
    pack_rf = struct.Struct("<dB").pack
    unpack_a = struct.Struct("<%dd" % adim).unpack
    while True:
        op = inp.read(1)
        if op == b"S":
            a = unpack_a(read(8 * adim))
            if discrete:
                act = int(a[0])
            else:
                act = np.array(a, dtype=adtype).reshape(ashape)
            try:
                o, r, term, trunc, _ = env.step(act)
            except Exception as e:
                fail(f"{env_id}: step: {type(e).__name__}: {e}")
            out.write(b"K" + obs_bytes(o) + pack_rf(float(r), bool(term) | bool(trunc) << 1))
            out.flush()
        elif op == b"R":
            (seed,) = struct.unpack("<Q", read(8))
            try:
                o, _ = env.reset(seed=seed)
            except Exception as e:
                fail(f"{env_id}: reset: {type(e).__name__}: {e}")
            out.write(b"K" + obs_bytes(o))
            out.flush()
        elif op == b"C" or not op:
            env.close()
            if op:
                out.write(b"K")
                out.flush()
            return
        else:
            fail(f"bridge: unknown request {op!r}")


main()
