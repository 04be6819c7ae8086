package command

import (
	"github.com/urfave/cli/v2"

	"github.com/dynago/dynago/cmd/sweep/internal/app"
)

// New returns the sweep command.
func New() *cli.App { return app.New() }
