// Command aggregate computes RLiable statistics, tables and figures from
// the metrics files of many runs. Run "aggregate --help" for usage and
// "aggregate SUBCOMMAND --help" for a worked example of each subcommand.
package main

import (
	"os"

	"github.com/dynago/dynago/cmd/aggregate/internal/app"
	"github.com/dynago/dynago/lib/tool"
)

func main() { os.Exit(tool.Main(app.New())) }
