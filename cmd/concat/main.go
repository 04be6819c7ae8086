// Command concat joins metrics files into one, tagging every row with the
// run, variant and seed it belongs to. See `concat --help`.
package main

import (
	"os"

	"github.com/dynago/dynago/cmd/concat/internal/app"
	"github.com/dynago/dynago/lib/tool"
)

func main() { os.Exit(tool.Main(app.New())) }
