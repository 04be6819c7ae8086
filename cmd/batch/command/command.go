package command

import (
	"github.com/urfave/cli/v2"

	"github.com/dynago/dynago/cmd/batch/internal/app"
)

// New returns the batch command.
func New() *cli.App { return app.New() }
