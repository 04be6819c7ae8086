// Package command exposes the report tool's command to other dynago packages
// (the bad-input corpus of internal/badinput runs it in-process); the
// tool's code stays internal.
package command

import (
	"github.com/urfave/cli/v2"

	"github.com/dynago/dynago/cmd/report/internal/app"
)

// New returns the report command.
func New() *cli.App { return app.New() }
