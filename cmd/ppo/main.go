// Command ppo creates a policy (--init) or runs one PPO update of a policy
// on transitions files. See `ppo --help`.
package main

import (
	"os"

	"github.com/dynago/dynago/cmd/ppo/internal/app"
	"github.com/dynago/dynago/lib/tool"
)

func main() { os.Exit(tool.Main(app.New())) }
