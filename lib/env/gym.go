package env

import (
	"bufio"
	"bytes"
	_ "embed"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"strings"
	"sync"
	"time"
)

// GymPrefix starts the id of a Gymnasium environment served by the bridge.
const GymPrefix = "gym:"

//go:embed gymbridge.py
var bridgeSource string

// Limits on what the bridge's greeting may announce, so that a broken
// Python program cannot make Go allocate without bound.
const (
	maxGymDim     = 1 << 20
	maxGymMessage = 1 << 16
)

// GymID returns the canonical id of Gymnasium's environment gymID (with or
// without GymPrefix) made with the keyword arguments kwargs, a JSON object
// ("" or "{}" for none): "gym:ID" or "gym:ID{...}" with the object
// compacted and its keys sorted, so that equal arguments give equal ids
// (files and state files record it as their environment).
func GymID(gymID, kwargs string) (string, error) {
	gymID = strings.TrimPrefix(gymID, GymPrefix)
	if gymID == "" || strings.ContainsAny(gymID, "{} \t\n") {
		return "", fmt.Errorf("env: Gymnasium id %q: want a non-empty id without spaces or braces", gymID)
	}
	kw, err := canonicalKwargs(kwargs)
	if err != nil {
		return "", err
	}
	return GymPrefix + gymID + kw, nil
}

// SplitGymID splits a bridged id ("gym:ID" or "gym:ID{kwargs}") into
// Gymnasium's id and the canonical keyword arguments ("{}" for none).
func SplitGymID(id string) (gymID, kwargs string, err error) {
	if !strings.HasPrefix(id, GymPrefix) {
		return "", "", fmt.Errorf("env: %q is not a Gymnasium id (%sID)", id, GymPrefix)
	}
	gymID, kwargs, _ = strings.Cut(strings.TrimPrefix(id, GymPrefix), "{")
	if kwargs != "" {
		kwargs = "{" + kwargs
	}
	canon, err := GymID(gymID, kwargs)
	if err != nil {
		return "", "", err
	}
	kwargs = strings.TrimPrefix(canon, GymPrefix+gymID)
	if kwargs == "" {
		kwargs = "{}"
	}
	return gymID, kwargs, nil
}

// canonicalKwargs returns kwargs compacted with sorted keys, "" for none.
func canonicalKwargs(kwargs string) (string, error) {
	if strings.TrimSpace(kwargs) == "" {
		return "", nil
	}
	d := json.NewDecoder(strings.NewReader(kwargs))
	d.UseNumber()
	var m map[string]any
	if err := d.Decode(&m); err != nil || d.More() || m == nil {
		return "", fmt.Errorf("env: keyword arguments %q: want a JSON object", kwargs)
	}
	if len(m) == 0 {
		return "", nil
	}
	b, err := json.Marshal(m)
	if err != nil {
		return "", fmt.Errorf("env: keyword arguments %q: %w", kwargs, err)
	}
	return string(b), nil
}

// Python returns the interpreter the bridge runs: $DYNAGO_PYTHON, or
// python3.
func Python() string {
	if p := os.Getenv("DYNAGO_PYTHON"); p != "" {
		return p
	}
	return "python3"
}

// bridgeEnv is a Gymnasium environment in a Python process running
// gymbridge.py, stepped over its stdin and stdout.
//
// Seeding: ResetSeed(s) is Gymnasium's reset(seed=s); every later Reset is
// reset(seed=previous seed + 1), so an episode's seed is its first seed
// plus its number. A Reset with no seed before it draws the seed from rng.
//
// State is the episode's seed (two 32-bit halves, exact in float64) and
// the actions taken since its reset; SetState resets with that seed and
// replays the actions, which restores a deterministic environment exactly.
type bridgeEnv struct {
	id          string
	obs, act    Space
	actDim      int
	maxSteps    int
	cmd         *exec.Cmd
	stdin       io.WriteCloser
	stdout      *bufio.Reader
	stderr      *tailBuffer
	seed        uint64
	seeded      bool
	elapsed     int
	actions     []float64 // since the reset, flattened
	req, reply  []byte
	err         error // sticky: the bridge is unusable after an error
	waitOnce    sync.Once
	waitErr     error
	closeCalled bool
}

// MakeGym starts the bridge for id ("gym:ID" or "gym:ID{kwargs}", see
// GymID) and returns the environment once Python has made it. Errors from
// Python (no numpy or gymnasium, an unknown id, an unsupported space) are
// returned as one line.
func MakeGym(id string) (Env, error) {
	gymID, kwargs, err := SplitGymID(id)
	if err != nil {
		return nil, err
	}
	canon := GymPrefix + gymID
	if kwargs != "{}" {
		canon += kwargs
	}
	e := &bridgeEnv{id: canon, stderr: &tailBuffer{max: 4096}}
	py := Python()
	e.cmd = exec.Command(py, "-c", bridgeSource, gymID, kwargs)
	e.cmd.Stderr = e.stderr
	e.cmd.WaitDelay = time.Second // a grandchild holding stderr must not hang Wait
	if e.stdin, err = e.cmd.StdinPipe(); err != nil {
		return nil, fmt.Errorf("env: %s: %w", canon, err)
	}
	out, err := e.cmd.StdoutPipe()
	if err != nil {
		return nil, fmt.Errorf("env: %s: %w", canon, err)
	}
	e.stdout = bufio.NewReaderSize(out, 1<<16)
	if err := e.cmd.Start(); err != nil {
		return nil, fmt.Errorf("env: %s: start Python %q (set DYNAGO_PYTHON): %w", canon, py, err)
	}
	if err := e.greet(); err != nil {
		e.kill()
		return nil, err
	}
	return e, nil
}

// greet reads the spaces and the step limit.
func (e *bridgeEnv) greet() error {
	if err := e.status(); err != nil {
		return err
	}
	var err error
	if e.obs, err = e.readBox(); err != nil {
		return err
	}
	kind, err := e.readByte()
	if err != nil {
		return err
	}
	switch kind {
	case 0:
		n, err1 := e.readInt()
		start, err2 := e.readInt()
		if err := errors.Join(err1, err2); err != nil {
			return err
		}
		if n < 1 || n > maxGymDim || start < -maxGymDim || start > maxGymDim {
			return e.fail(fmt.Errorf("action space Discrete(%d, start=%d) out of range", n, start))
		}
		e.act = Space{Discrete: true, N: int(n), Start: int(start)}
		e.actDim = 1
	case 1:
		if e.act, err = e.readBox(); err != nil {
			return err
		}
		e.actDim = e.act.Dim
	default:
		return e.fail(fmt.Errorf("bridge: unknown action space kind %d", kind))
	}
	steps, err := e.readInt()
	if err != nil {
		return err
	}
	if steps < 0 || steps > math.MaxInt32 {
		return e.fail(fmt.Errorf("max_episode_steps %d out of range", steps))
	}
	e.maxSteps = int(steps)
	e.req = make([]byte, 1+8*max(e.actDim, 1))
	e.reply = make([]byte, 8*e.obs.Dim+9)
	return nil
}

func (e *bridgeEnv) readBox() (Space, error) {
	var b [4]byte
	if _, err := io.ReadFull(e.stdout, b[:]); err != nil {
		return Space{}, e.died(err)
	}
	n := int(binary.LittleEndian.Uint32(b[:]))
	if n < 1 || n > maxGymDim {
		return Space{}, e.fail(fmt.Errorf("space of %d components out of range", n))
	}
	v := make([]float64, 2*n)
	buf := make([]byte, 16*n)
	if _, err := io.ReadFull(e.stdout, buf); err != nil {
		return Space{}, e.died(err)
	}
	for i := range v {
		v[i] = math.Float64frombits(binary.LittleEndian.Uint64(buf[8*i:]))
	}
	return Space{Dim: n, Low: v[:n:n], High: v[n:]}, nil
}

func (e *bridgeEnv) readByte() (byte, error) {
	b, err := e.stdout.ReadByte()
	if err != nil {
		return 0, e.died(err)
	}
	return b, nil
}

func (e *bridgeEnv) readInt() (int64, error) {
	var b [8]byte
	if _, err := io.ReadFull(e.stdout, b[:]); err != nil {
		return 0, e.died(err)
	}
	return int64(binary.LittleEndian.Uint64(b[:])), nil
}

// status reads a reply's first byte: nil for "K", Python's message for
// "E", the process's death for the end of its output.
func (e *bridgeEnv) status() error {
	if e.err != nil {
		return e.err
	}
	tag, err := e.stdout.ReadByte()
	if err != nil {
		return e.died(err)
	}
	switch tag {
	case 'K':
		return nil
	case 'E':
		var b [4]byte
		if _, err := io.ReadFull(e.stdout, b[:]); err != nil {
			return e.died(err)
		}
		n := binary.LittleEndian.Uint32(b[:])
		if n > maxGymMessage {
			return e.fail(fmt.Errorf("bridge: error message of %d bytes", n))
		}
		msg := make([]byte, n)
		if _, err := io.ReadFull(e.stdout, msg); err != nil {
			return e.died(err)
		}
		e.kill()
		return e.fail(errors.New(string(msg)))
	}
	return e.fail(fmt.Errorf("bridge: unexpected reply byte %q (did something print to stdout?)", tag))
}

// died reports the end of the bridge's output: the process's exit status
// and the last line it wrote to stderr.
func (e *bridgeEnv) died(err error) error {
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		werr := e.waitOrKill(2 * time.Second)
		msg := "Python exited"
		if werr != nil {
			msg = "Python exited: " + werr.Error()
		}
		if line := e.stderr.lastLine(); line != "" {
			msg += ": " + line
		}
		return e.fail(errors.New(msg))
	}
	return e.fail(err)
}

// fail records err as the bridge's sticky error, naming the environment.
func (e *bridgeEnv) fail(err error) error {
	if e.err == nil {
		e.err = fmt.Errorf("env: %s: %w", e.id, err)
		e.kill()
	}
	return e.err
}

func (e *bridgeEnv) wait() error {
	e.waitOnce.Do(func() { e.waitErr = e.cmd.Wait() })
	return e.waitErr
}

// waitOrKill waits for the process to exit, killing it after timeout
// (it closed its output but lives on).
func (e *bridgeEnv) waitOrKill(timeout time.Duration) error {
	t := time.AfterFunc(timeout, func() { e.cmd.Process.Kill() }) //nolint:errcheck
	defer t.Stop()
	return e.wait()
}

// kill ends the process (if it still runs) and reaps it.
func (e *bridgeEnv) kill() {
	if e.cmd.Process != nil {
		e.cmd.Process.Kill() //nolint:errcheck // it may have exited
	}
	e.wait() //nolint:errcheck // the error, if any, was reported
}

func (e *bridgeEnv) ID() string              { return e.id }
func (e *bridgeEnv) ObservationSpace() Space { return boxSpace(e.obs.Low, e.obs.High) }
func (e *bridgeEnv) MaxEpisodeSteps() int    { return e.maxSteps }

func (e *bridgeEnv) ActionSpace() Space {
	if e.act.Discrete {
		return e.act
	}
	return boxSpace(e.act.Low, e.act.High)
}

// StateDim is the length of the state's seed part; State appends the
// episode's actions to it.
func (e *bridgeEnv) StateDim() int { return 2 }

// Err returns the bridge's error, if it met one.
func (e *bridgeEnv) Err() error { return e.err }

// ResetSeed is Gymnasium's reset(seed=seed). A failure is reported by Err
// and by the next Step; obs is then NaN.
func (e *bridgeEnv) ResetSeed(seed uint64, obs []float64) {
	e.seed, e.seeded = seed, true
	e.elapsed, e.actions = 0, e.actions[:0]
	if err := e.reset(obs); err != nil {
		for i := range obs {
			obs[i] = math.NaN()
		}
	}
}

// Reset resets with the previous episode's seed plus one, or with a seed
// drawn from rng if there was none.
func (e *bridgeEnv) Reset(rng *rand.Rand, obs []float64) {
	seed := e.seed + 1
	if !e.seeded {
		seed = rng.Uint64() >> 1
	}
	e.ResetSeed(seed, obs)
}

func (e *bridgeEnv) reset(obs []float64) error {
	checkObs(obs, e.obs.Dim)
	if e.err != nil {
		return e.err
	}
	e.req[0] = 'R'
	binary.LittleEndian.PutUint64(e.req[1:], e.seed)
	if _, err := e.stdin.Write(e.req[:9]); err != nil {
		return e.died(io.EOF)
	}
	if err := e.status(); err != nil {
		return err
	}
	if _, err := io.ReadFull(e.stdout, e.reply[:8*len(obs)]); err != nil {
		return e.died(err)
	}
	for i := range obs {
		obs[i] = math.Float64frombits(binary.LittleEndian.Uint64(e.reply[8*i:]))
	}
	return nil
}

// Step sends the action and reads the observation, reward and flags. A
// discrete action must be an integer in the space (Go checks it, as for
// the Go environments); a Box action is cast to the space's dtype by
// Python. Any error leaves the bridge unusable.
func (e *bridgeEnv) Step(action []float64, obs []float64) (Result, error) {
	checkObs(obs, e.obs.Dim)
	if e.err != nil {
		return Result{}, e.err
	}
	if !e.seeded {
		return Result{}, errNoState(e.id)
	}
	if e.act.Discrete {
		if _, err := discreteAction(e.id, e.act.N, shift(action, e.act.Start)); err != nil {
			return Result{}, err
		}
	} else if _, err := boxAction(e.id, e.actDim, action); err != nil {
		return Result{}, err
	}
	e.req[0] = 'S'
	for i, a := range action {
		binary.LittleEndian.PutUint64(e.req[1+8*i:], math.Float64bits(a))
	}
	if _, err := e.stdin.Write(e.req[:1+8*len(action)]); err != nil {
		return Result{}, e.died(io.EOF)
	}
	if err := e.status(); err != nil {
		return Result{}, err
	}
	n := 8*len(obs) + 9
	if _, err := io.ReadFull(e.stdout, e.reply[:n]); err != nil {
		return Result{}, e.died(err)
	}
	for i := range obs {
		obs[i] = math.Float64frombits(binary.LittleEndian.Uint64(e.reply[8*i:]))
	}
	flags := e.reply[n-1]
	r := Result{
		Reward:     math.Float64frombits(binary.LittleEndian.Uint64(e.reply[n-9:])),
		Terminated: flags&1 != 0,
		Truncated:  flags&2 != 0,
	}
	e.actions = append(e.actions, action...)
	e.elapsed++
	return r, nil
}

// shift returns a discrete action relative to the space's start, in a
// buffer that does not escape (discreteAction only reads it).
func shift(action []float64, start int) []float64 {
	if start == 0 || len(action) != 1 {
		return action
	}
	return []float64{action[0] - float64(start)}
}

// State writes [seed high 32 bits, seed low 32 bits, actions since the
// reset...] and returns the steps since the reset.
func (e *bridgeEnv) State(dst []float64) ([]float64, int) {
	dst = append(dst[:0], float64(e.seed>>32), float64(e.seed&(1<<32-1)))
	return append(dst, e.actions...), e.elapsed
}

// SetState resets with the state's seed and replays its actions.
func (e *bridgeEnv) SetState(state []float64, elapsed int, obs []float64) error {
	if len(state) < 2 || elapsed < 0 || len(state)-2 != elapsed*e.actDim {
		return fmt.Errorf("env: %s: state has %d values for %d steps, want 2 (the seed) + %d per step", e.id, len(state), elapsed, e.actDim)
	}
	hi, lo := state[0], state[1]
	if hi != math.Trunc(hi) || lo != math.Trunc(lo) || hi < 0 || lo < 0 || hi >= 1<<32 || lo >= 1<<32 {
		return fmt.Errorf("env: %s: state's seed halves %g, %g are not 32-bit integers", e.id, hi, lo)
	}
	replay := append([]float64(nil), state[2:]...)
	e.ResetSeed(uint64(hi)<<32|uint64(lo), obs)
	if e.err != nil {
		return e.err
	}
	for i := range elapsed {
		r, err := e.Step(replay[i*e.actDim:(i+1)*e.actDim], obs)
		if err != nil {
			return fmt.Errorf("replay step %d: %w", i, err)
		}
		if (r.Terminated || r.Truncated) && i < elapsed-1 {
			return fmt.Errorf("env: %s: replay ended the episode at step %d of %d (is the environment deterministic given its seed?)", e.id, i+1, elapsed)
		}
	}
	return nil
}

// Close asks Python to close the environment and waits for it to exit.
func (e *bridgeEnv) Close() error {
	if e.closeCalled {
		return e.err
	}
	e.closeCalled = true
	if e.err != nil {
		return e.err
	}
	if _, err := e.stdin.Write([]byte{'C'}); err != nil {
		return e.died(io.EOF)
	}
	if err := e.status(); err != nil {
		return err
	}
	e.stdin.Close() //nolint:errcheck // Python exits on 'C'
	if err := e.waitOrKill(5 * time.Second); err != nil {
		return fmt.Errorf("env: %s: Python exited: %w", e.id, err)
	}
	return nil
}

// tailBuffer keeps the last max bytes written to it.
type tailBuffer struct {
	mu  sync.Mutex
	max int
	b   []byte
}

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.b = append(t.b, p...)
	if len(t.b) > t.max {
		t.b = append(t.b[:0], t.b[len(t.b)-t.max:]...)
	}
	return len(p), nil
}

// lastLine returns the last non-empty line written.
func (t *tailBuffer) lastLine() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	lines := bytes.Split(bytes.TrimSpace(t.b), []byte("\n"))
	return strings.TrimSpace(string(lines[len(lines)-1]))
}
