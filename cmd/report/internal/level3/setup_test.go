package level3

import (
	"fmt"
	"math"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/dynago/dynago/lib/analysis"
	"github.com/dynago/dynago/lib/analysis/analysistest"
	"github.com/dynago/dynago/lib/estimate"
	"github.com/dynago/dynago/lib/format"
	"github.com/dynago/dynago/lib/format/metric"
)

func TestComputeSetup(t *testing.T) {
	type run struct {
		variant  string
		seed     int64
		last     int64 // the last evaluated real step
		settings map[string]string
	}
	dyna := func(kv ...string) map[string]string {
		s := map[string]string{"ALGO": "dyna", "ENV": "CartPole-v1", "EMPTY": ""}
		for i := 0; i < len(kv); i += 2 {
			s[kv[i]] = kv[i+1]
		}
		return s
	}
	cases := []struct {
		name   string
		runs   []run
		want   []SetupRow
		common []string
	}{{
		name: "one setting differs",
		runs: []run{
			{"h3", 0, 3000, dyna("HORIZON", "3")},
			{"h3", 1, 2000, dyna("HORIZON", "3")},
			{"h5", 0, 3000, dyna("HORIZON", "5")},
		},
		want: []SetupRow{
			{Variant: "h3", Seeds: []int64{0, 1}, Last: 3000, Differ: []string{"HORIZON=3", "VARIANT=h3"}},
			{Variant: "h5", Seeds: []int64{0}, Last: 3000, Differ: []string{"HORIZON=5", "VARIANT=h5"}},
		},
		common: []string{"ALGO = dyna", "ENV = CartPole-v1"},
	}, {
		name: "a setting only one variant has",
		runs: []run{
			{"gated", 2, 4000, dyna("GATE_VARIANCE", "0.5")},
			{"plain", 2, 1000, dyna()},
			{"plain", 3, 5000, dyna()},
		},
		want: []SetupRow{
			{Variant: "gated", Seeds: []int64{2}, Last: 4000, Differ: []string{"GATE_VARIANCE=0.5", "VARIANT=gated"}},
			{Variant: "plain", Seeds: []int64{2, 3}, Last: 5000, Differ: []string{"VARIANT=plain"}},
		},
		common: []string{"ALGO = dyna", "ENV = CartPole-v1"},
	}, {
		name:   "one variant: only its name is its own",
		runs:   []run{{"ppo", 7, 1000, map[string]string{"ALGO": "ppo"}}},
		want:   []SetupRow{{Variant: "ppo", Seeds: []int64{7}, Last: 1000}},
		common: []string{"ALGO = ppo", "VARIANT = ppo"},
	}}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			for _, r := range c.runs {
				name := fmt.Sprintf("%s-s%d", r.variant, r.seed)
				rows := &analysistest.Rows{Run: name, Variant: r.variant, Seed: r.seed}
				for s := int64(1000); s <= r.last; s += 1000 {
					rows.Add(s, metric.EvalReturn, format.NoIndex, float64(s))
				}
				settings := map[string]string{"SEED": fmt.Sprint(r.seed)}
				for k, v := range r.settings {
					settings[k] = v
				}
				if err := analysistest.WriteRows(filepath.Join(dir, name), rows, settings); err != nil {
					t.Fatal(err)
				}
			}
			set, err := analysis.Load([]string{filepath.Join(dir, "*", "metrics.arrow")}, analysis.LoadOptions{})
			if err != nil {
				t.Fatal(err)
			}
			res, err := computeSetup(set)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.EqualFunc(res.Rows, c.want, func(a, b SetupRow) bool {
				return a.Variant == b.Variant && slices.Equal(a.Seeds, b.Seeds) && a.Last == b.Last && slices.Equal(a.Differ, b.Differ)
			}) {
				t.Errorf("rows %+v\nwant %+v", res.Rows, c.want)
			}
			if !slices.Equal(res.Common, c.common) {
				t.Errorf("common %q, want %q", res.Common, c.common)
			}
		})
	}
}

// TestEnvOfRuns: the report's environment is the ENV its runs record; runs
// of two environments, or runs recording none, are an error rather than a
// report labelled with a guess.
func TestEnvOfRuns(t *testing.T) {
	cases := []struct {
		name string
		envs []string // ENV of each ppo run; "" for none
		want string   // error text
	}{
		{"two environments", []string{"CartPole-v1", "Acrobot-v1"}, "ENV = CartPole-v1 and Acrobot-v1"},
		{"none recorded", []string{"", ""}, "records its ENV"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			for seed, e := range c.envs {
				name := fmt.Sprintf("ppo-s%d", seed)
				rows := &analysistest.Rows{Run: name, Variant: "ppo", Seed: int64(seed)}
				rows.Add(1000, metric.EvalReturn, format.NoIndex, 100)
				settings := map[string]string{"ALGO": "ppo", "SEED": fmt.Sprint(seed)}
				if e != "" {
					settings["ENV"] = e
				}
				if err := analysistest.WriteRows(filepath.Join(dir, name), rows, settings); err != nil {
					t.Fatal(err)
				}
			}
			_, _, err := Build(Options{Runs: dir, Out: filepath.Join(dir, "report.md"), Boot: estimate.Bootstrap{Seed: 1, Reps: 10}, Threshold: math.NaN()})
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %v, want one containing %q", err, c.want)
			}
		})
	}
}
