package command

import (
	"github.com/urfave/cli/v2"

	"github.com/dynago/dynago/cmd/ppo/internal/app"
)

// New returns the ppo command.
func New() *cli.App { return app.New() }
