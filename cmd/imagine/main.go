// Command imagine rolls the current policy through a learned dynamics
// model from real start states and writes imagined transitions. See
// `imagine --help`.
package main

import (
	"os"

	"github.com/dynago/dynago/cmd/imagine/internal/app"
	"github.com/dynago/dynago/lib/tool"
)

func main() { os.Exit(tool.Main(app.New())) }
