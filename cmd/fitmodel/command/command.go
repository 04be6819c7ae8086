package command

import (
	"github.com/urfave/cli/v2"

	"github.com/dynago/dynago/cmd/fitmodel/internal/app"
)

// New returns the fitmodel command.
func New() *cli.App { return app.New() }
