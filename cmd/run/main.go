// Command run runs one training run of PPO, Dyna-PPO or ensemble MPC as a
// loop of dynago's tools. See `run --help`.
package main

import (
	"os"

	"github.com/dynago/dynago/cmd/run/internal/app"
	"github.com/dynago/dynago/lib/tool"
)

func main() { os.Exit(tool.Main(app.New())) }
