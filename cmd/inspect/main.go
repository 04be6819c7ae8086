// Command inspect prints Arrow IPC files: schema, metadata and rows.
// Run "inspect --help" for usage and a worked example.
package main

import (
	"os"

	"github.com/dynago/dynago/cmd/inspect/internal/app"
	"github.com/dynago/dynago/lib/tool"
)

func main() { os.Exit(tool.Main(app.New())) }
