package command

import (
	"github.com/urfave/cli/v2"

	"github.com/dynago/dynago/cmd/concat/internal/app"
)

// New returns the concat command.
func New() *cli.App { return app.New() }
