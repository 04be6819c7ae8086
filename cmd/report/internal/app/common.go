package app

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/dynago/dynago/lib/env"
	"github.com/dynago/dynago/lib/estimate"
	"github.com/dynago/dynago/lib/markdown"
	"github.com/dynago/dynago/lib/tool"
)

// commonFlags are the flags every level's report takes, before its own.
func commonFlags(own ...cli.Flag) []cli.Flag {
	flags := append([]cli.Flag{
		&cli.StringFlag{Name: "runs", Required: true, Usage: "`DIR` holding one directory per run"},
		tool.OutFlag("report `PATH` (default DIR/report.md); figures go to its directory's fig/", false),
	}, tool.BootstrapFlags()...)
	return append(append(flags,
		&cli.StringFlag{Name: "regenerate", Usage: "the `COMMAND` that makes the runs and this report again (make ...), recorded in answers.json"}),
		own...)
}

// common holds the values of commonFlags, checked.
type common struct {
	Runs, Out, Command, Regenerate string
	Boot                           estimate.Bootstrap
}

// parseCommon reads and checks commonFlags: no positional arguments,
// --reps in [1, stats.MaxReps], --confidence in (0, 1); --out defaults to
// DIR/report.md.
func parseCommon(c *cli.Context) (common, error) {
	if c.Args().Len() > 0 {
		return common{}, tool.Usagef("unexpected argument %q", c.Args().First())
	}
	seed, reps, conf, err := tool.Bootstrap(c)
	if err != nil {
		return common{}, err
	}
	o := common{
		Runs: c.String("runs"), Out: c.String("out"), Command: tool.Provenance(c)["args"], Regenerate: c.String("regenerate"),
		Boot: estimate.Bootstrap{Seed: seed, Reps: reps, Confidence: conf},
	}
	if o.Out == "" {
		o.Out = filepath.Join(o.Runs, "report.md")
	}
	return o, checkOut(o.Out, o.Runs)
}

// checkOut is a usage error if the report path out is a directory or one
// of the files the reports read in runs (a run's metrics file, or an
// iteration's file that Level 2 reads): the report would replace it.
func checkOut(out, runs string) error {
	if st, err := os.Stat(out); err == nil && st.IsDir() {
		return tool.Usagef("--out %q is a directory: give the report's file path", out)
	}
	var inputs []tool.Path
	for _, pattern := range []string{filepath.Join(runs, "*", "metrics.arrow"), filepath.Join(runs, "*", "iters", "*", "*.arrow")} {
		files, _ := filepath.Glob(pattern) // the pattern is well formed
		for _, f := range files {
			inputs = append(inputs, tool.Path{Flag: "a file of --runs", Path: f})
		}
	}
	return tool.CheckPaths([]tool.Path{{Flag: "--out", Path: out}}, inputs)
}

// write writes the report r of the given kind ("level1", ...) with its
// answers.json (markdown.Answers) beside it, which records the runs'
// environment (env, or when "" the one their settings.json files share),
// the commands and the build.
func (co common) write(r *markdown.Report, kind, env string, main ...string) error {
	if env == "" {
		env = runsEnv(co.Runs)
	}
	b := tool.VCS()
	r.Meta = markdown.Provenance{
		Report: kind, Env: env, Runs: co.Runs, Command: co.Command, Regenerate: co.Regenerate,
		Tool: "report", ToolVersion: tool.Version, Commit: b.Commit, CommitTime: b.Time, Modified: b.Modified,
	}
	r.MainFigures(main...)
	return r.Write()
}

// runsEnv returns the environment (ENV) that every run in dir records in
// its settings.json (bin/run writes it: runloop.SettingsFile), or "" when none does or they
// differ.
func runsEnv(dir string) string {
	paths, _ := filepath.Glob(filepath.Join(dir, "*", "settings.json"))
	env := ""
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			return ""
		}
		var s map[string]string
		if json.Unmarshal(b, &s) != nil || s["ENV"] == "" || (env != "" && s["ENV"] != env) {
			return ""
		}
		env = s["ENV"]
	}
	return env
}

// thresholds lists the solved return of every built-in environment that
// declares one, for the --threshold flags' help: "475 CartPole-v1, ...".
func thresholds() string {
	var list []string
	for _, id := range env.IDs() {
		if t, ok := env.ReturnThresholdOf(id); ok {
			list = append(list, fmt.Sprintf("%g %s", t, id))
		}
	}
	return strings.Join(list, ", ")
}
