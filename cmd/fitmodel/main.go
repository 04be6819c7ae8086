// Command fitmodel trains a learned dynamics model (lib/dynamics) on the
// newest real transitions. See `fitmodel --help`.
package main

import (
	"os"

	"github.com/dynago/dynago/cmd/fitmodel/internal/app"
	"github.com/dynago/dynago/lib/tool"
)

func main() { os.Exit(tool.Main(app.New())) }
