// Command collect records real transitions of a Gymnasium environment,
// with uniform random actions or a policy, and evaluates policies. See
// `collect --help`.
package main

import (
	"os"

	"github.com/dynago/dynago/cmd/collect/internal/app"
	"github.com/dynago/dynago/lib/tool"
)

func main() { os.Exit(tool.Main(app.New())) }
