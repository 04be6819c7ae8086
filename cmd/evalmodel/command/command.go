package command

import (
	"github.com/urfave/cli/v2"

	"github.com/dynago/dynago/cmd/evalmodel/internal/app"
)

// New returns the evalmodel command.
func New() *cli.App { return app.New() }
