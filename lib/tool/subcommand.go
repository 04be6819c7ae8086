package tool

import (
	"strings"

	"github.com/urfave/cli/v2"
)

// NoSubcommand returns the Action of an app made of subcommands: it runs
// only when none was named (no arguments, or an unknown name) and returns
// a usage error (exit 2) listing the subcommands. --help is handled before.
//
//	app.Action = tool.NoSubcommand(app)
func NoSubcommand(app *cli.App) cli.ActionFunc {
	return func(c *cli.Context) error {
		var names []string
		for _, cmd := range app.Commands {
			names = append(names, cmd.Name)
		}
		want := strings.Join(names, ", ")
		if c.Args().Len() == 0 {
			return Usagef("missing subcommand: want one of %s (--help explains each)", want)
		}
		return Usagef("unknown subcommand %q: want one of %s", c.Args().First(), want)
	}
}
