package command

import (
	"github.com/urfave/cli/v2"

	"github.com/dynago/dynago/cmd/report/internal/app"
)

// New returns the report command.
func New() *cli.App { return app.New() }
