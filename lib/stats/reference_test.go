package stats

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"sort"
	"testing"
)

// refTol is the tolerance stated in the reference file's meta.tolerance.
const refTol = 1e-12

// refCase is one case of the RLiable reference file. Expected values were
// computed with numpy/scipy by RLiable's definitions (meta.definitions).
type refCase struct {
	Name      string                 `json:"name"`
	Threshold *float64               `json:"threshold"`
	Scores    map[string][][]float64 `json:"scores"`
	// Expected maps an algorithm to its metrics; a
	// "probability_of_improvement" key here is read like the case-level one.
	Expected map[string]json.RawMessage `json:"expected"`
	PoI      []refPoI                   `json:"probability_of_improvement"`
}

type refPoI struct {
	X     string  `json:"x"`
	Y     string  `json:"y"`
	Value float64 `json:"value"`
}

func refPath(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("DYNAGO_RLIABLE_REF"); p != "" {
		return p
	}
	// The in-repository copy; testdata/README.md says where it came from.
	return filepath.Join("testdata", "rliable-reference.json")
}

func TestRliableReference(t *testing.T) {
	path := refPath(t)
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("reading RLiable reference (set DYNAGO_RLIABLE_REF): %v", err)
	}
	var ref struct {
		Cases []refCase `json:"cases"`
	}
	if err := json.Unmarshal(b, &ref); err != nil {
		t.Fatalf("parsing %s: %v", path, err)
	}
	if len(ref.Cases) == 0 {
		t.Fatalf("%s: no cases", path)
	}
	for _, c := range ref.Cases {
		t.Run(c.Name, func(t *testing.T) {
			threshold := 1.0 // RLiable's default for normalised scores
			if c.Threshold != nil {
				threshold = *c.Threshold
			}
			metrics := map[string]func([][]float64) float64{
				"iqm":            IQM,
				"mean":           Mean,
				"median":         Median,
				"optimality_gap": func(x [][]float64) float64 { return OptimalityGap(x, threshold) },
			}
			checked := 0
			pois := c.PoI
			for _, alg := range sortedKeys(c.Expected) {
				raw := c.Expected[alg]
				if alg == "probability_of_improvement" {
					var more []refPoI
					if err := json.Unmarshal(raw, &more); err != nil {
						t.Fatalf("expected.probability_of_improvement: %v", err)
					}
					pois = append(pois, more...)
					continue
				}
				scores, ok := c.Scores[alg]
				if !ok {
					t.Errorf("unknown key %q in expected: not an algorithm with scores, nor probability_of_improvement", alg)
					continue
				}
				var want map[string]float64
				if err := json.Unmarshal(raw, &want); err != nil {
					t.Fatalf("expected.%s: %v", alg, err)
				}
				for _, key := range sortedKeys(want) {
					f, ok := metrics[key]
					if !ok {
						t.Errorf("%s: unknown expected metric %q (implemented: iqm, mean, median, optimality_gap)", alg, key)
						continue
					}
					want := want[key]
					if got := f(scores); !within(got, want, refTol) {
						t.Errorf("%s %s = %.17g, want %.17g (diff %.3g)", alg, key, got, want, got-want)
					}
					checked++
				}
			}
			for _, p := range pois {
				x, okx := c.Scores[p.X]
				y, oky := c.Scores[p.Y]
				if !okx || !oky {
					t.Errorf("probability of improvement %q > %q: no scores for one of them", p.X, p.Y)
					continue
				}
				if got := ProbabilityOfImprovement(x, y); !within(got, p.Value, refTol) {
					t.Errorf("P(%s > %s) = %.17g, want %.17g", p.X, p.Y, got, p.Value)
				}
				checked++
			}
			if checked == 0 {
				t.Errorf("case checks nothing")
			}
		})
	}
}

func within(got, want, tol float64) bool {
	if math.IsNaN(want) {
		return math.IsNaN(got)
	}
	return math.Abs(got-want) <= tol
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
