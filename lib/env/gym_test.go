package env

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"testing"
)

// Tolerances of TestGymConformance. The discrete-action environments are
// float64 arithmetic in Gymnasium too, so they agree to rounding (the only
// differences come from libm's and Go's sin and cos). The continuous ones
// do float32 arithmetic on the action, so a last-bit difference in a
// float32 rounding shows at about 1e-7 relative.
const (
	tolDiscreteEnv   = 1e-9
	tolContinuousEnv = 1e-5
)

// defaultVectors is the in-repository copy of the Gymnasium reference
// vectors (testdata/README.md says where they came from);
// DYNAGO_GYM_VECTORS selects another file.
const defaultVectors = "testdata/gym-vectors.json"

// gymVectors is the file format written by the Gymnasium recorder; its
// meta object describes the fields. Values were recorded from Gymnasium
// 1.4.0 under NumPy's NEP 50 ("weak") promotion.
type gymVectors struct {
	Meta struct {
		GymnasiumVersion string   `json:"gymnasium_version"`
		EnvIDs           []string `json:"env_ids"`
	} `json:"meta"`
	Envs []gymEnv `json:"envs"`
}

type gymEnv struct {
	ID                string       `json:"id"`
	MaxEpisodeSteps   int          `json:"max_episode_steps"`
	ObservationSpace  gymSpace     `json:"observation_space"`
	ActionSpace       gymSpace     `json:"action_space"`
	Episodes          []gymEpisode `json:"episodes"`
	HeuristicEpisodes []gymEpisode `json:"heuristic_episodes"`
}

type gymSpace struct {
	Type  string   `json:"type"`
	Shape []int    `json:"shape"`
	Low   []jfloat `json:"low"`
	High  []jfloat `json:"high"`
	N     int      `json:"n"`
	Start int      `json:"start"`
}

type gymEpisode struct {
	Seed         int      `json:"seed"`
	InitialObs   []jfloat `json:"initial_obs"`
	InitialState struct {
		Value []jfloat `json:"value"`
	} `json:"initial_state"`
	Steps      []gymStep `json:"steps"`
	Length     int       `json:"length"`
	Terminated bool      `json:"terminated"`
	Truncated  bool      `json:"truncated"`
}

type gymStep struct {
	Action     jvector  `json:"action"`
	Obs        []jfloat `json:"obs"`
	Reward     jfloat   `json:"reward"`
	Terminated bool     `json:"terminated"`
	Truncated  bool     `json:"truncated"`
	State      []jfloat `json:"state"`
}

// jfloat is a float64 that also reads the strings "Infinity", "-Infinity"
// and "NaN" that quoteNonFinite makes of Python's non-standard JSON.
type jfloat float64

func (f *jfloat) UnmarshalJSON(b []byte) error {
	switch string(b) {
	case `"Infinity"`:
		*f = jfloat(math.Inf(1))
	case `"-Infinity"`:
		*f = jfloat(math.Inf(-1))
	case `"NaN"`:
		*f = jfloat(math.NaN())
	default:
		var v float64
		if err := json.Unmarshal(b, &v); err != nil {
			return err
		}
		*f = jfloat(v)
	}
	return nil
}

// jvector is an action: a number (Discrete) or a list (Box).
type jvector []float64

func (v *jvector) UnmarshalJSON(b []byte) error {
	var list []jfloat
	if len(b) > 0 && b[0] == '[' {
		if err := json.Unmarshal(b, &list); err != nil {
			return err
		}
	} else {
		list = make([]jfloat, 1)
		if err := json.Unmarshal(b, &list[0]); err != nil {
			return err
		}
	}
	*v = floats(list)
	return nil
}

func floats(v []jfloat) []float64 {
	out := make([]float64, len(v))
	for i, x := range v {
		out[i] = float64(x)
	}
	return out
}

// quoteNonFinite turns the bare tokens Infinity, -Infinity and NaN that
// Python's json module writes into JSON strings, leaving string contents
// alone.
func quoteNonFinite(b []byte) []byte {
	var out bytes.Buffer
	out.Grow(len(b) + 64)
	inString := false
	for i := 0; i < len(b); i++ {
		c := b[i]
		if inString {
			out.WriteByte(c)
			if c == '\\' && i+1 < len(b) {
				i++
				out.WriteByte(b[i])
			} else if c == '"' {
				inString = false
			}
			continue
		}
		if c == '"' {
			inString = true
			out.WriteByte(c)
			continue
		}
		matched := false
		for _, tok := range []string{"-Infinity", "Infinity", "NaN"} {
			if bytes.HasPrefix(b[i:], []byte(tok)) {
				out.WriteString(`"` + tok + `"`)
				i += len(tok) - 1
				matched = true
				break
			}
		}
		if !matched {
			out.WriteByte(c)
		}
	}
	return out.Bytes()
}

func loadGymVectors(t *testing.T) *gymVectors {
	t.Helper()
	path := os.Getenv("DYNAGO_GYM_VECTORS")
	if path == "" {
		path = filepath.FromSlash(defaultVectors)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("reading Gymnasium reference vectors: %v (set DYNAGO_GYM_VECTORS to another file)", err)
	}
	var v gymVectors
	if err := json.Unmarshal(quoteNonFinite(b), &v); err != nil {
		t.Fatalf("parsing %s: %v", path, err)
	}
	if len(v.Envs) == 0 {
		t.Fatalf("%s holds no environments", path)
	}
	return &v
}

// TestGymConformance replays every recorded episode from its initial
// state and checks every step against Gymnasium's own output (the file's
// meta names the Gymnasium and NumPy versions it was recorded with).
func TestGymConformance(t *testing.T) {
	v := loadGymVectors(t)
	for _, ge := range v.Envs {
		t.Run(ge.ID, func(t *testing.T) {
			e, err := Make(ge.ID)
			if err != nil {
				t.Fatal(err)
			}
			tol := tolDiscreteEnv
			if !e.ActionSpace().Discrete {
				tol = tolContinuousEnv
			}
			if got := e.MaxEpisodeSteps(); got != ge.MaxEpisodeSteps {
				t.Errorf("MaxEpisodeSteps = %d, want %d", got, ge.MaxEpisodeSteps)
			}
			checkSpace(t, "observation_space", e.ObservationSpace(), ge.ObservationSpace)
			checkSpace(t, "action_space", e.ActionSpace(), ge.ActionSpace)
			kinds := []struct {
				name string
				eps  []gymEpisode
			}{{"episodes", ge.Episodes}, {"heuristic_episodes", ge.HeuristicEpisodes}}
			for _, k := range kinds {
				for i, ep := range k.eps {
					name := fmt.Sprintf("%s/%d-seed%d", k.name, i, ep.Seed)
					t.Run(name, func(t *testing.T) {
						replay(t, ge.ID, name, ep, tol)
					})
				}
			}
		})
	}
}

// replay runs one episode free-running from its initial state and checks
// every step. Where the free-running trajectory leaves the tolerance, the
// same transition is replayed from the recorded previous state: if that
// one-step transition matches, the divergence is the amplification of
// last-bit differences between Go's and NumPy's sin and cos (CartPole
// under a balancing controller is an unstable system, growing such errors
// about e-fold every 0.23 s), so it is logged and the replay continues from
// the recorded state; otherwise the step fails.
func replay(t *testing.T, id, name string, ep gymEpisode, tol float64) {
	t.Helper()
	e, err := Make(id)
	if err != nil {
		t.Fatal(err)
	}
	obs := make([]float64, e.ObservationSpace().Dim)
	if err := e.SetState(floats(ep.InitialState.Value), 0, obs); err != nil {
		t.Fatal(err)
	}
	if _, i, got, want, ok := firstMismatch(obs, ep.InitialObs, tol, true); !ok {
		t.Fatalf("%s %s initial_obs[%d]: got %v, want %v", id, name, i, got, want)
	}
	if len(ep.Steps) != ep.Length {
		t.Fatalf("%s %s: %d steps recorded, length %d", id, name, len(ep.Steps), ep.Length)
	}
	prev := floats(ep.InitialState.Value)
	var state []float64
	for n, st := range ep.Steps {
		field, got, want := stepMismatch(t, e, st, obs, &state, tol)
		if field != "" {
			free := fmt.Sprintf("%s: got %v, want %v", field, got, want)
			if err := e.SetState(prev, n, obs); err != nil {
				t.Fatal(err)
			}
			field, got, want = stepMismatch(t, e, st, obs, &state, tol)
			if field != "" {
				t.Fatalf("%s %s step %d (action %v): %s: got %v, want %v (free-running: %s)",
					id, name, n, []float64(st.Action), field, got, want, free)
			}
			t.Logf("%s %s step %d: free-running trajectory diverged (%s); the transition from the recorded state matches, continuing from it",
				id, name, n, free)
		}
		prev = floats(st.State)
	}
}

// stepMismatch steps e with the recorded action and returns the first
// field that differs from the record, or "".
func stepMismatch(t *testing.T, e Env, st gymStep, obs []float64, state *[]float64, tol float64) (field string, got, want any) {
	t.Helper()
	res, err := e.Step(st.Action, obs)
	if err != nil {
		return "error", err, nil
	}
	*state, _ = e.State(*state)
	switch {
	case res.Terminated != st.Terminated:
		return "terminated", res.Terminated, st.Terminated
	case res.Truncated != st.Truncated:
		return "truncated", res.Truncated, st.Truncated
	case !within(res.Reward, float64(st.Reward), tol):
		return "reward", res.Reward, float64(st.Reward)
	}
	if _, i, g, w, ok := firstMismatch(*state, st.State, tol, false); !ok {
		return fmt.Sprintf("state[%d]", i), g, w
	}
	if _, i, g, w, ok := firstMismatch(obs, st.Obs, tol, true); !ok {
		return fmt.Sprintf("obs[%d]", i), g, w
	}
	return "", nil, nil
}

// firstMismatch compares got with want (as float32 values when single) and
// returns the first index outside tol, with ok false; a length difference
// is reported at index -1.
func firstMismatch(got []float64, want []jfloat, tol float64, single bool) (field string, i int, g, w float64, ok bool) {
	if len(got) != len(want) {
		return "length", -1, float64(len(got)), float64(len(want)), false
	}
	for i := range got {
		w := float64(want[i])
		if single {
			w = f32(w)
		}
		if !within(got[i], w, tol) {
			return "value", i, got[i], w, false
		}
	}
	return "", 0, 0, 0, true
}

// within reports |a-b| <= tol, with equal infinities close.
func within(a, b, tol float64) bool {
	if a == b {
		return true
	}
	return math.Abs(a-b) <= tol
}

func checkSpace(t *testing.T, name string, got Space, want gymSpace) {
	t.Helper()
	switch want.Type {
	case "Discrete":
		if !got.Discrete || got.N != want.N || got.Start != want.Start {
			t.Errorf("%s: got %+v, want Discrete(%d, start=%d)", name, got, want.N, want.Start)
		}
	case "Box":
		if got.Discrete || len(want.Shape) != 1 || got.Dim != want.Shape[0] {
			t.Fatalf("%s: got %+v, want Box of shape %v", name, got, want.Shape)
		}
		for i := range want.Low {
			// Bounds are float32 values: they must be equal, not close.
			if got.Low[i] != float64(want.Low[i]) || got.High[i] != float64(want.High[i]) {
				t.Errorf("%s[%d]: got [%v, %v], want [%v, %v]", name, i, got.Low[i], got.High[i], want.Low[i], want.High[i])
			}
		}
	default:
		t.Errorf("%s: unknown space type %q", name, want.Type)
	}
}
