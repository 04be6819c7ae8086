package main

import (
	"os"

	"github.com/dynago/dynago/cmd/ppo/internal/app"
	"github.com/dynago/dynago/lib/tool"
)

func main() { os.Exit(tool.Main(app.New())) }
