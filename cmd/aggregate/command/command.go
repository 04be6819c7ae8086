package command

import (
	"github.com/urfave/cli/v2"

	"github.com/dynago/dynago/cmd/aggregate/internal/app"
)

// New returns the aggregate command.
func New() *cli.App { return app.New() }
