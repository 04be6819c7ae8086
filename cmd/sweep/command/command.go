// Package command exposes the sweep tool's command to other dynago packages
// (the bad-input corpus of internal/badinput runs it in-process); the
// tool's code stays internal.
package command

import (
	"github.com/urfave/cli/v2"

	"github.com/dynago/dynago/cmd/sweep/internal/app"
)

// New returns the sweep command.
func New() *cli.App { return app.New() }
