// Package command exposes the inspect tool's command to other dynago
// commands (bin/batch runs tools in one process); the tool's code stays
// internal.
package command

import (
	"github.com/urfave/cli/v2"

	"github.com/dynago/dynago/cmd/inspect/internal/app"
)

// New returns the inspect command.
func New() *cli.App { return app.New() }
