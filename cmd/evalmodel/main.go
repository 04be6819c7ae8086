// Command evalmodel measures a dynamics model on held-out real transitions
// and writes the errors as a metrics file. See `evalmodel --help`.
package main

import (
	"os"

	"github.com/dynago/dynago/cmd/evalmodel/internal/app"
	"github.com/dynago/dynago/lib/tool"
)

func main() { os.Exit(tool.Main(app.New())) }
