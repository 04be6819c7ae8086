package command

import (
	"github.com/urfave/cli/v2"

	"github.com/dynago/dynago/cmd/imagine/internal/app"
)

// New returns the imagine command.
func New() *cli.App { return app.New() }
