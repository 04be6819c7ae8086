package level3

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/dynago/dynago/lib/analysis"
	"github.com/dynago/dynago/lib/format/metric"
	"github.com/dynago/dynago/lib/markdown"
)

// SetupResult is the report's last section: which runs it read and the
// run settings that tell its variants apart, all from each run's
// run_settings.
type SetupResult struct {
	Rows   []SetupRow
	Common []string // "K = V" of the settings every variant shares, sorted by K; empty values left out
}

// SetupRow is one variant's runs.
type SetupRow struct {
	Variant string
	Seeds   []int64  // in the set's order
	Last    float64  // the largest real step any of its runs evaluated at
	Differ  []string // "K=V" of the settings that differ between variants, sorted by K; empty values left out
}

// computeSetup reads the settings of each variant's first run (a variant's
// runs differ only in SEED) and splits them into those that differ between
// variants and those all share.
func computeSetup(set *analysis.Set) (SetupResult, error) {
	vs := set.Variants()
	all := map[string]map[string]string{}
	keys := map[string]bool{}
	for _, v := range vs {
		s, err := analysis.Settings(set.Of(v)[0])
		if err != nil {
			return SetupResult{}, err
		}
		all[v] = s
		for k := range s {
			if k != "SEED" {
				keys[k] = true
			}
		}
	}
	var res SetupResult
	var differ []string
	for _, k := range slices.Sorted(maps.Keys(keys)) {
		first := all[vs[0]][k]
		if slices.ContainsFunc(vs, func(v string) bool { return all[v][k] != first }) {
			differ = append(differ, k)
		} else if first != "" {
			res.Common = append(res.Common, fmt.Sprintf("%s = %s", k, first))
		}
	}
	for _, v := range vs {
		row := SetupRow{Variant: v}
		for _, run := range set.Of(v) {
			row.Seeds = append(row.Seeds, run.Seed)
			steps, _ := run.Series(metric.EvalReturn, -1)
			row.Last = max(row.Last, steps[len(steps)-1])
		}
		for _, k := range differ {
			if val := all[v][k]; val != "" {
				row.Differ = append(row.Differ, fmt.Sprintf("%s=%s", k, val))
			}
		}
		res.Rows = append(res.Rows, row)
	}
	return res, nil
}

// render writes the section, ending with the command that made the report.
func (res SetupResult) render(r *markdown.Report, command string) {
	sec := r.Section("Runs, settings and commands")
	t := &markdown.Table{Title: "Runs", Columns: []string{"variant", "runs", "seeds", "real steps", "settings that differ between variants"}}
	for _, row := range res.Rows {
		seeds := make([]string, len(row.Seeds))
		for i, s := range row.Seeds {
			seeds[i] = fmt.Sprint(s)
		}
		t.Add(row.Variant, fmt.Sprint(len(seeds)), strings.Join(seeds, " "), markdown.Steps(row.Last), strings.Join(row.Differ, " "))
	}
	sec.Table(t)
	if len(res.Common) > 0 {
		sec.Text("Settings every variant shares (from each run's run_settings): %s.", strings.Join(res.Common, ", "))
	}
	sec.Text("The report was made by this command; `bin/inspect` opens any metrics file it read.")
	sec.Code(command)
}

// setup computes and renders the section.
func setup(r *markdown.Report, set *analysis.Set, opt Options) error {
	res, err := computeSetup(set)
	if err != nil {
		return err
	}
	res.render(r, opt.Command)
	return nil
}
