package toolset

import (
	"github.com/urfave/cli/v2"

	collect "github.com/dynago/dynago/cmd/collect/command"
	concat "github.com/dynago/dynago/cmd/concat/command"
	evalmodel "github.com/dynago/dynago/cmd/evalmodel/command"
	fitmodel "github.com/dynago/dynago/cmd/fitmodel/command"
	imagine "github.com/dynago/dynago/cmd/imagine/command"
	inspect "github.com/dynago/dynago/cmd/inspect/command"
	ppo "github.com/dynago/dynago/cmd/ppo/command"
)

// Loop returns the tools a training run calls.
func Loop() map[string]func() *cli.App {
	return map[string]func() *cli.App{
		"collect":   collect.New,
		"concat":    concat.New,
		"evalmodel": evalmodel.New,
		"fitmodel":  fitmodel.New,
		"imagine":   imagine.New,
		"ppo":       ppo.New,
	}
}

// Batch returns Loop's tools and inspect: the tools bin/batch runs.
func Batch() map[string]func() *cli.App {
	t := Loop()
	t["inspect"] = inspect.New
	return t
}
