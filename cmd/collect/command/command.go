package command

import (
	"github.com/urfave/cli/v2"

	"github.com/dynago/dynago/cmd/collect/internal/app"
)

// New returns the collect command.
func New() *cli.App { return app.New() }
