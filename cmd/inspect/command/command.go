package command

import (
	"github.com/urfave/cli/v2"

	"github.com/dynago/dynago/cmd/inspect/internal/app"
)

// New returns the inspect command.
func New() *cli.App { return app.New() }
