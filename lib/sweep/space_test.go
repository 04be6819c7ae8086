package sweep

import (
	"strings"
	"testing"
)

const goodYAML = `
budget: {name: STEPS, min: 1000, max: 81000}
seeds: [0, 1, 2]
fixed:
  ALGO: dyna
  PRESET: tuned
params:
  LR_ACTOR: {type: float, low: 1e-5, high: 1e-2, log: true, default: 3e-4}
  HORIZON: {type: int, low: 1, high: 20}
  IMAG_BATCHES: {type: int, low: 1, high: 64, log: true}
  MODEL_UPDATES: {choices: [50, 100, 200], default: 100}
`

const goodJSON = `{
  "budget": {"name": "STEPS", "min": 1000, "max": 81000},
  "seeds": [0, 1, 2],
  "fixed": {"ALGO": "dyna", "PRESET": "tuned"},
  "params": {
    "LR_ACTOR": {"type": "float", "low": 1e-5, "high": 1e-2, "log": true, "default": 3e-4},
    "HORIZON": {"type": "int", "low": 1, "high": 20},
    "IMAG_BATCHES": {"type": "int", "low": 1, "high": 64, "log": true},
    "MODEL_UPDATES": {"choices": [50, 100, 200], "default": 100}
  }
}`

func TestParseSpaceGood(t *testing.T) {
	for _, tc := range []struct{ name, text string }{{"space.yaml", goodYAML}, {"space.json", goodJSON}} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := ParseSpace(tc.name, []byte(tc.text))
			if err != nil {
				t.Fatal(err)
			}
			if s.Budget != (Budget{"STEPS", 1000, 81000}) {
				t.Errorf("budget = %+v", s.Budget)
			}
			if len(s.Seeds) != 3 || s.Fixed["ALGO"] != "dyna" || s.Fixed["PRESET"] != "tuned" {
				t.Errorf("seeds %v, fixed %v", s.Seeds, s.Fixed)
			}
			var names []string
			for _, p := range s.Params {
				names = append(names, p.Name)
			}
			if got := strings.Join(names, ","); got != "HORIZON,IMAG_BATCHES,LR_ACTOR,MODEL_UPDATES" {
				t.Errorf("params %s, want sorted", got)
			}
			lr := s.Params[2]
			if lr.Kind != Float || !lr.Log || lr.Low != 1e-5 || lr.High != 1e-2 || lr.Default != "3e-4" {
				t.Errorf("LR_ACTOR = %+v", lr)
			}
			mu := s.Params[3]
			if mu.Kind != Choice || strings.Join(mu.Choices, ",") != "50,100,200" || mu.Default != "100" {
				t.Errorf("MODEL_UPDATES = %+v", mu)
			}
		})
	}
}

func TestParseSpaceBad(t *testing.T) {
	const head = "budget: {name: STEPS, min: 1, max: 9}\nseeds: [0]\n"
	for _, tc := range []struct {
		name, text string
		want       string // the error must contain this, after the file name
	}{
		{"not yaml", "budget: [", "bad.yaml: yaml:"},
		{"empty", "", "bad.yaml: empty file"},
		{"unknown top field", head + "parmas: {}\n", "bad.yaml:3: parmas: unknown field"},
		{"missing params", head, "bad.yaml:1: params: missing"},
		{"missing budget max", "budget: {name: STEPS, min: 1}\nseeds: [0]\nparams: {A: {choices: [1]}}\n", "bad.yaml:1: budget.max: missing"},
		{"budget min > max", "budget: {name: STEPS, min: 10, max: 9}\nseeds: [0]\nparams: {A: {choices: [1]}}\n", "bad.yaml:1: budget: need 1 <= min <= max"},
		{"budget not integer", "budget: {name: STEPS, min: 1.5, max: 9}\nseeds: [0]\nparams: {A: {choices: [1]}}\n", "bad.yaml:1: budget.min: must be an integer"},
		{"seeds empty", "budget: {name: STEPS, min: 1, max: 9}\nseeds: []\nparams: {A: {choices: [1]}}\n", "bad.yaml:2: seeds: must be a non-empty list"},
		{"seed twice", "budget: {name: STEPS, min: 1, max: 9}\nseeds: [1, 1]\nparams: {A: {choices: [1]}}\n", "bad.yaml:2: seeds[1]: seed 1 given twice"},
		{"no params", head + "params: {}\n", "bad.yaml:3: params: no parameters"},
		{"bad name", head + "params:\n  1LR: {choices: [1]}\n", "bad.yaml:4: params.1LR: not a make variable name"},
		{"reserved name", head + "params:\n  SEED: {choices: [1]}\n", "bad.yaml:4: params.SEED: SEED is set by the sweep itself"},
		{"budget as param", head + "params:\n  STEPS: {choices: [1]}\n", "bad.yaml:4: params.STEPS: STEPS is set by the sweep itself"},
		{"fixed and param", head + "fixed: {A: 1}\nparams:\n  A: {choices: [1]}\n", "bad.yaml:5: params.A: also in fixed"},
		{"missing type", head + "params:\n  LR: {low: 1, high: 2}\n", "bad.yaml:4: params.LR.type: missing"},
		{"bad type", head + "params:\n  LR:\n    type: double\n    low: 1\n    high: 2\n", "bad.yaml:5: params.LR.type: must be float or int"},
		{"missing low", head + "params:\n  LR: {type: float, high: 2}\n", "bad.yaml:4: params.LR.low: missing"},
		{"low not number", head + "params:\n  LR:\n    type: float\n    low: small\n    high: 2\n", "bad.yaml:6: params.LR.low: must be a finite number"},
		{"high <= low", head + "params:\n  LR:\n    type: float\n    low: 2\n    high: 2\n", "bad.yaml:7: params.LR.high: must be greater than low"},
		{"log nonpositive", head + "params:\n  LR:\n    type: float\n    low: 0\n    high: 2\n    log: true\n", "bad.yaml:6: params.LR.low: must be positive on a log scale"},
		{"int not integer", head + "params:\n  H:\n    type: int\n    low: 1\n    high: 2.5\n", "bad.yaml:7: params.H.high: must be an integer"},
		{"default outside", head + "params:\n  H:\n    type: int\n    low: 1\n    high: 5\n    default: 6\n", "bad.yaml:8: params.H.default: 6 is outside [1, 5]"},
		{"unknown param field", head + "params:\n  H:\n    type: int\n    lo: 1\n", "bad.yaml:6: params.H.lo: unknown field"},
		{"empty choices", head + "params:\n  C:\n    choices: []\n", "bad.yaml:5: params.C.choices: must be a non-empty list"},
		{"duplicate choice", head + "params:\n  C:\n    choices: [a, a]\n", "bad.yaml:5: params.C.choices[1]: \"a\" given twice"},
		{"choices with type", head + "params:\n  C:\n    type: int\n    choices: [a]\n", "bad.yaml:5: params.C.type: not allowed with choices"},
		{"default not a choice", head + "params:\n  C:\n    choices: [a]\n    default: b\n", "bad.yaml:6: params.C.default: \"b\" is not one of the choices"},
		{"fixed not scalar", head + "fixed:\n  A: [1]\nparams:\n  C: {choices: [a]}\n", "bad.yaml:4: fixed.A: must be a single value"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseSpace("bad.yaml", []byte(tc.text))
			if err == nil {
				t.Fatalf("no error, want %q", tc.want)
			}
			if !strings.HasPrefix(err.Error(), tc.want) {
				t.Errorf("error %q\nwant prefix %q", err, tc.want)
			}
		})
	}
}

// FuzzParseSpace checks that no input makes the parser panic and that
// every error names the file.
func FuzzParseSpace(f *testing.F) {
	f.Add(goodYAML)
	f.Add(goodJSON)
	f.Fuzz(func(t *testing.T, text string) {
		s, err := ParseSpace("f.yaml", []byte(text))
		if err != nil && !strings.HasPrefix(err.Error(), "f.yaml") {
			t.Errorf("error %q does not name the file", err)
		}
		if err == nil && (len(s.Params) == 0 || len(s.Seeds) == 0) {
			t.Errorf("accepted a space without params or seeds")
		}
	})
}
