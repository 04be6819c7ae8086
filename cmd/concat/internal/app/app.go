package app

import (
	"encoding/json"
	"fmt"
	"os"
	"strconv"

	"github.com/urfave/cli/v2"

	"github.com/dynago/dynago/lib/format"
	"github.com/dynago/dynago/lib/tool"
)

// synopsis is the --help line of how to call it.
const synopsis = "concat [--run NAME] [--variant V] [--seed S] --out OUT.arrow FILE..."

// Usage is the command's description; its example is run by a test.
const Usage = `Concatenates metrics files in the order given and writes one metrics
file. --run, --variant and --seed, when given, replace those columns in
every row (the tools of a run leave them empty; the run target fills them
here). The env of the first input that records one is kept in the output's
metadata, so analyses can group runs by task. --run-settings FILE records
a run's settings (a JSON object of strings, bin/run's settings.json) in
the output's metadata key run_settings, keys sorted.

Example:

   collect --env CartPole-v1 --steps 100 --seed 0 --out t.arrow --state s.json
   collect --eval --env CartPole-v1 --episodes 2 --seed 1 --real-steps 0 --metrics e0.arrow
   collect --eval --env CartPole-v1 --episodes 2 --seed 2 --real-steps 100 --metrics e1.arrow
   concat --run demo --variant random --seed 0 --out metrics.arrow e0.arrow e1.arrow`

// New returns the concat command.
func New() *cli.App {
	return tool.App("concat", "join metrics files into one, tagged with run, variant and seed", synopsis, Usage, run,
		tool.OutFlag("metrics `FILE` to write", true),
		&cli.StringFlag{Name: "run", Usage: "run `NAME` for every row"},
		&cli.StringFlag{Name: "variant", Usage: "variant `NAME` for every row"},
		&cli.Int64Flag{Name: "seed", Value: -1, Usage: "seed `S` for every row (default: keep)"},
		&cli.StringFlag{Name: "run-settings", Usage: "record the run settings in `FILE` (a JSON object of strings) as metadata run_settings"},
	)
}

func run(c *cli.Context) error {
	files := c.Args().Slice()
	if len(files) == 0 {
		return tool.Usagef("no input files: name one or more metrics files")
	}
	var ins []tool.Path
	for _, f := range files {
		ins = append(ins, tool.Path{Flag: "input", Path: f})
	}
	if err := tool.CheckPaths(tool.FlagPaths(c, "out"), ins); err != nil {
		return err
	}
	settings := ""
	if p := c.String("run-settings"); p != "" {
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		var m map[string]string
		if err := json.Unmarshal(b, &m); err != nil {
			return fmt.Errorf("--run-settings %s: want a JSON object of strings: %w", p, err)
		}
		b, _ = json.Marshal(m) // sorted keys, compact
		settings = string(b)
	}
	var rows []format.MetricRow
	envID := ""
	for _, f := range files {
		m, err := format.ReadMetrics(f)
		if err != nil {
			return err
		}
		rows = append(rows, m.Rows...)
		if err := tool.SameEnv(f, m.Meta["env"], "the files before it", envID); err != nil {
			return err
		}
		if envID == "" {
			envID = m.Meta["env"]
		}
	}
	seed := c.Int64("seed")
	for i := range rows {
		r := &rows[i]
		if c.IsSet("run") {
			r.Run = c.String("run")
		}
		if c.IsSet("variant") {
			r.Variant = c.String("variant")
		}
		if seed >= 0 {
			r.Seed = seed
		}
	}
	meta := tool.Provenance(c)
	if seed >= 0 {
		meta["seed"] = strconv.FormatInt(seed, 10)
	}
	if envID != "" {
		meta["env"] = envID
	}
	if settings != "" {
		meta[format.RunSettingsKey] = settings
	}
	// WriteMetrics names the file in its errors ("write PATH: ...").
	return format.WriteMetrics(c.String("out"), &format.Metrics{Rows: rows, Meta: meta})
}
